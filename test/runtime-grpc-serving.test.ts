// Which gRPC server serve() runs on, and the mistakes a user can make choosing.
import { describe, expect, it } from "vitest";
import { createGrpcServing } from "../runtime/plugin/serving/create-grpc-serving.js";
import {
  DEFAULT_GRPC_SERVER,
  GRPC_SERVER_ENV,
  chooseGrpcServer,
} from "../runtime/plugin/serving/grpc-serving.js";

describe("chooseGrpcServer", () => {
  it("takes the option, else the environment, else the default", () => {
    expect(chooseGrpcServer(undefined, {})).toBe(DEFAULT_GRPC_SERVER);
    expect(DEFAULT_GRPC_SERVER).toBe("node-http2");
    expect(chooseGrpcServer(undefined, { [GRPC_SERVER_ENV]: "grpc-js" })).toBe("grpc-js");
    expect(chooseGrpcServer("node-http2", { [GRPC_SERVER_ENV]: "grpc-js" })).toBe("node-http2");
  });

  it("names the source and the choices of a value it does not know", () => {
    expect(() => chooseGrpcServer(undefined, { [GRPC_SERVER_ENV]: "grpcjs" })).toThrow(
      `${GRPC_SERVER_ENV}="grpcjs": expected one of "node-http2", "grpc-js"`,
    );
    expect(() => chooseGrpcServer("http2", {})).toThrow(
      'serve() option grpcServer="http2": expected one of',
    );
  });
});

describe("createGrpcServing", () => {
  it("refuses grpc-js options for the node:http2 server, naming them", () => {
    expect(() =>
      createGrpcServing({ kind: "node-http2", grpcOptions: { "grpc.keepalive_time_ms": 1 } }),
    ).toThrow("grpcOptions (grpc.keepalive_time_ms) apply to the grpc-js server only");
  });

  it("gives each server under its own name", () => {
    expect(createGrpcServing({ kind: "node-http2" }).kind).toBe("node-http2");
    const grpcJs = createGrpcServing({
      kind: "grpc-js",
      grpcOptions: { "grpc.keepalive_time_ms": 1 },
    });
    expect(grpcJs.kind).toBe("grpc-js");
    grpcJs.forceShutdown();
  });
});
