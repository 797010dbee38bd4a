/**
 * Benchmark peer: a naive grpc-js plugin. `new grpc.Server()`, the generated
 * grpc-js service definitions added with plain callbacks, go-plugin's
 * handshake line (peer-basics.ts), the same fixed QueryData answer as the
 * ts-echo fixture and the Go plugin.
 *
 * What it is: what someone would write with grpc-js and our generated code
 * and no runtime, so "ours / naive" says whether our runtime earns its keep
 * over the gRPC library it is built on.
 *
 * What it is not: a plugin. No protocol negotiation, no AutoMTLS, no logging,
 * no health service, no stdio or broker services (grpc-js answers them
 * UNIMPLEMENTED, which go-plugin's client accepts), no shutdown grace, no
 * error mapping. GRPCController/Shutdown is served only so the host's Kill
 * ends with an exit instead of a 2 s wait for SIGKILL after every run.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { GRPCControllerService } from "../../output/plugin/grpc_controller.grpc.js";
import { Empty } from "../../output/plugin/grpc_controller.js";
import { DataService } from "../../output/pluginv2/backend.grpc.js";
import type { QueryDataRequest, QueryDataResponse } from "../../output/pluginv2/backend.js";
import {
  bindPrivately,
  fixedAnswer,
  printHandshake,
  requireMagicCookie,
  unixSocketPath,
} from "./peer-basics.js";

type Callback<T> = (error: null, value: T) => void;

requireMagicCookie();
const server = new Server();
server.addService(DataService, {
  queryData: (call: { request: QueryDataRequest }, callback: Callback<QueryDataResponse>) =>
    callback(null, fixedAnswer(call.request)),
});
server.addService(GRPCControllerService, {
  shutdown: (_call: unknown, callback: Callback<Empty>) => {
    callback(null, Empty.create());
    // Reply first (go-plugin's Kill waits for it), exit once the host hangs up.
    server.tryShutdown(() => process.exit(0));
  },
});

const socketPath = unixSocketPath();
await bindPrivately(
  () =>
    new Promise<number>((resolve, reject) =>
      server.bindAsync(`unix:${socketPath}`, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    ),
);
printHandshake(socketPath);
