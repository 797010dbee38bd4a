// The committed generated code over real grpc-js: a Server on 127.0.0.1:0
// with services built from output/'s adapters, called with output/'s typed
// clients, for every rpc kind the protocol uses (unary, server-streaming,
// bidi) and every way a call can end (defaults filled in, cancelled by the
// client, UNIMPLEMENTED, a thrown Error, an RpcError, a deadline).

import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type ServiceError,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHealthService } from "../output/grpc/health/v1/health.adapters.js";
import { HealthTypedClient } from "../output/grpc/health/v1/health.clients.js";
import { HealthService } from "../output/grpc/health/v1/health.grpc.js";
import { createGRPCBrokerService } from "../output/plugin/grpc_broker.adapters.js";
import { GRPCBrokerTypedClient } from "../output/plugin/grpc_broker.clients.js";
import { GRPCBrokerService } from "../output/plugin/grpc_broker.grpc.js";
import { ConnInfo } from "../output/plugin/grpc_broker.js";
import {
  createDataService,
  createDiagnosticsService,
  createResourceService,
  createStreamService,
} from "../output/pluginv2/backend.adapters.js";
import {
  DataTypedClient,
  DiagnosticsTypedClient,
  ResourceTypedClient,
  StreamTypedClient,
} from "../output/pluginv2/backend.clients.js";
import {
  DataService,
  DiagnosticsService,
  ResourceService,
  StreamService,
} from "../output/pluginv2/backend.grpc.js";
import {
  CallResourceResponse,
  CheckHealthResponse,
  CheckHealthResponse_HealthStatus,
} from "../output/pluginv2/backend.js";
import type { DiagnosticsHandler, StreamHandler } from "../output/pluginv2/backend.handlers.js";
import { RpcError, type CallContext } from "../output/rpc-support.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the rejection of `promise`, failing if it fulfils. */
async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("expected the call to fail");
}

/** Errors the adapters reported through their onError hook. */
const reported: { error: unknown; rpc: string }[] = [];
const onError = (error: unknown, rpc: string) => void reported.push({ error, rpc });

/** What the last CheckHealth handler saw. */
let lastHealthCtx: CallContext | undefined;

/** CheckHealth behaves as the request's "mode" header says. */
const diagnostics: DiagnosticsHandler = {
  async checkHealth(request, ctx) {
    lastHealthCtx = ctx;
    switch (request.headers.mode) {
      case "partial":
        return { status: CheckHealthResponse_HealthStatus.OK };
      case "throw":
        throw new Error("database unreachable");
      case "invalid":
        throw new RpcError(status.INVALID_ARGUMENT, "mode must be one of partial, throw, slow");
      case "bad-result":
        return {
          get message(): string {
            throw new Error("result getter failed");
          },
        };
      case "slow":
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        return { message: "too late" };
      default:
        return { status: CheckHealthResponse_HealthStatus.OK, message: `echo ${ctx.rpc}` };
    }
  },
};

/** Settles when a RunStream handler's ctx.signal aborts, with the abort reason. */
let runStreamAborted: Promise<unknown>;
let runStreamSent = 0;
const stream: StreamHandler = {
  async *runStream(request, ctx) {
    runStreamAborted = new Promise((resolve) =>
      ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason), { once: true }),
    );
    for (let i = 0; !ctx.signal.aborted; i++) {
      runStreamSent++;
      yield { data: Buffer.from(`${request.path}#${i}`) };
      await sleep(5);
    }
  },
};

let server: Server;
let address: string;
const clients: { raw: { close(): void } }[] = [];

function connect<T extends { raw: { close(): void } }>(Client: {
  connect(address: string, creds: ReturnType<typeof credentials.createInsecure>): T;
}): T {
  const client = Client.connect(address, credentials.createInsecure());
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = new Server();
  server.addService(DiagnosticsService, createDiagnosticsService(diagnostics, { onError }));
  server.addService(StreamService, createStreamService(stream, { onError }));
  server.addService(
    ResourceService,
    createResourceService({
      *callResource(request) {
        yield { code: 200, headers: { "content-type": { values: ["text/plain"] } } };
        yield { body: Buffer.from(`${request.method} `) };
        yield { body: Buffer.from(request.path) };
      },
    }),
  );
  server.addService(DataService, createDataService({}, { onError }));
  server.addService(HealthService, createHealthService({}));
  server.addService(
    GRPCBrokerService,
    createGRPCBrokerService({
      async *startStream(offers) {
        for await (const offer of offers)
          yield {
            serviceId: offer.serviceId,
            network: "unix",
            address: `/tmp/plugin${offer.serviceId}`,
            knock: { knock: false, ack: true },
          };
      },
    }),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const client of clients) client.raw.close();
  if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

// A hung stream must fail fast, not after the default minute.
describe("generated adapters and typed clients over grpc-js", { timeout: 15_000 }, () => {
  it("unary: a partial result reaches the client as a full message with defaults", async () => {
    const client = connect(DiagnosticsTypedClient);
    const response = await client.checkHealth({ headers: { mode: "partial" } });
    // Every other field takes its default, whatever fields the protocol has.
    expect(response).toEqual(
      CheckHealthResponse.fromPartial({ status: CheckHealthResponse_HealthStatus.OK }),
    );
    expect(response.message).toBe("");
  });

  it("unary: the handler gets the rpc path, metadata, deadline and peer in its context", async () => {
    const client = connect(DiagnosticsTypedClient);
    const metadata = new Metadata();
    metadata.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    const deadline = new Date(Date.now() + 10_000);
    const response = await client.checkHealth({}, { metadata, deadline });
    expect(response.message).toBe("echo /pluginv2.Diagnostics/CheckHealth");
    expect(lastHealthCtx!.rpc).toBe("/pluginv2.Diagnostics/CheckHealth");
    expect(lastHealthCtx!.metadata.get("traceparent")).toEqual([
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ]);
    expect(Math.abs(lastHealthCtx!.deadline!.getTime() - deadline.getTime())).toBeLessThan(1000);
    expect(lastHealthCtx!.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(lastHealthCtx!.signal.aborted).toBe(false);
  });

  it("server-streaming: every message the handler yields arrives, in order, filled in", async () => {
    const client = connect(ResourceTypedClient);
    const got = [];
    for await (const part of client.callResource({ method: "GET", path: "hello" })) got.push(part);
    expect(got).toEqual(
      [
        { code: 200, headers: { "content-type": { values: ["text/plain"] } } },
        { body: Buffer.from("GET ") },
        { body: Buffer.from("hello") },
      ].map((part) => CallResourceResponse.fromPartial(part)),
    );
    expect(got[0].body).toEqual(Buffer.alloc(0));
  });

  it("server-streaming until cancelled: aborting the client's signal fails the iterator with CANCELLED and aborts the handler's ctx.signal", async () => {
    const client = connect(StreamTypedClient);
    const abort = new AbortController();
    const received: string[] = [];
    const iterating = (async () => {
      for await (const packet of client.runStream({ path: "live" }, { signal: abort.signal })) {
        received.push(packet.data.toString());
        if (received.length === 3) abort.abort();
      }
    })();
    const error = await rejection(iterating);
    expect(error.code).toBe(status.CANCELLED);
    // Messages already in flight when the signal aborts may still be delivered.
    expect(received.slice(0, 3)).toEqual(["live#0", "live#1", "live#2"]);
    expect(received.length).toBeLessThan(10);
    const reason = await runStreamAborted;
    expect(reason).toBeInstanceOf(RpcError);
    expect((reason as RpcError).code).toBe(status.CANCELLED);
    // The handler stops producing once its signal aborts.
    const sent = runStreamSent;
    await sleep(50);
    expect(runStreamSent).toBe(sent);
  });

  it("server-streaming: stream.cancel() ends the iteration quietly and aborts the handler", async () => {
    const client = connect(StreamTypedClient);
    const packets = client.runStream({ path: "quiet" });
    const received: string[] = [];
    for await (const packet of packets) {
      received.push(packet.data.toString());
      if (received.length === 2) packets.cancel();
    }
    expect(received.slice(0, 2)).toEqual(["quiet#0", "quiet#1"]);
    expect(received.length).toBeLessThan(10);
    await expect(runStreamAborted).resolves.toBeInstanceOf(RpcError);
  });

  it("bidi: plugin.GRPCBroker StartStream answers every offer in order, then ends", async () => {
    const client = connect(GRPCBrokerTypedClient);
    const offers = [1, 2, 3].map((serviceId) =>
      ConnInfo.fromPartial({ serviceId, knock: { knock: true } }),
    );
    const answers: ConnInfo[] = [];
    for await (const answer of client.startStream(offers)) answers.push(answer);
    expect(answers).toEqual(
      [1, 2, 3].map((serviceId) =>
        ConnInfo.fromPartial({
          serviceId,
          network: "unix",
          address: `/tmp/plugin${serviceId}`,
          knock: { ack: true },
        }),
      ),
    );
  });

  it("a missing handler answers UNIMPLEMENTED naming the rpc (unary and streaming)", async () => {
    const data = connect(DataTypedClient);
    const unary = await rejection(data.queryData({}));
    expect(unary.code).toBe(status.UNIMPLEMENTED);
    expect(unary.details).toContain("/pluginv2.Data/QueryData");

    // No handler object at all for grpc.health.v1.Health: its server-streaming Watch.
    const health = connect(HealthTypedClient);
    const streaming = await rejection(
      (async () => {
        for await (const _ of health.watch({ service: "" })) void _;
      })(),
    );
    expect(streaming.code).toBe(status.UNIMPLEMENTED);
    expect(streaming.details).toContain("/grpc.health.v1.Health/Watch");
  });

  it("a thrown Error becomes UNKNOWN with its message, and onError sees it", async () => {
    reported.length = 0;
    const client = connect(DiagnosticsTypedClient);
    const error = await rejection(client.checkHealth({ headers: { mode: "throw" } }));
    expect(error.code).toBe(status.UNKNOWN);
    expect(error.details).toContain("database unreachable");
    expect(error.details).toContain("/pluginv2.Diagnostics/CheckHealth");
    expect(reported).toHaveLength(1);
    expect(reported[0].rpc).toBe("/pluginv2.Diagnostics/CheckHealth");
    expect((reported[0].error as Error).message).toBe("database unreachable");
  });

  it("a thrown RpcError chooses the status code and message", async () => {
    const client = connect(DiagnosticsTypedClient);
    const error = await rejection(client.checkHealth({ headers: { mode: "invalid" } }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe("mode must be one of partial, throw, slow");
  });

  it("a result that fails to convert answers with its error, and the server carries on", async () => {
    const client = connect(DiagnosticsTypedClient);
    const error = await rejection(client.checkHealth({ headers: { mode: "bad-result" } }));
    expect(error.code).not.toBe(status.OK);
    expect(error.details).toContain("result getter failed");
    expect(reported.at(-1)).toMatchObject({ rpc: "/pluginv2.Diagnostics/CheckHealth" });
    expect((await client.checkHealth({})).status).toBe(CheckHealthResponse_HealthStatus.OK);
  });

  it("a request with invalid UTF-8 in a string field is refused before the handler runs", async () => {
    lastHealthCtx = undefined;
    // CheckHealthRequest{pluginContext(1){pluginId(2): C3 28}}: C3 starts a
    // two-byte sequence that 28 does not continue.
    const body = Buffer.from([0x0a, 0x04, 0x12, 0x02, 0xc3, 0x28]);
    const raw = new Client(address, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve, reject) =>
        raw.makeUnaryRequest(
          "/pluginv2.Diagnostics/CheckHealth",
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          (err) => (err ? resolve(err) : reject(new Error("the call succeeded"))),
        ),
      );
      expect(error.code).toBe(status.INTERNAL);
      expect(lastHealthCtx).toBeUndefined();
      // The same bytes with valid UTF-8 (C3 A9, "é") go through.
      body[5] = 0xa9;
      const ok = await new Promise<Buffer>((resolve, reject) =>
        raw.makeUnaryRequest(
          "/pluginv2.Diagnostics/CheckHealth",
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          (err, value) => (err ? reject(err) : resolve(value!)),
        ),
      );
      expect(ok.length).toBeGreaterThan(0);
      expect(lastHealthCtx).toBeDefined();
    } finally {
      raw.close();
    }
  });

  it("a passed deadline fails the client with DEADLINE_EXCEEDED and aborts the handler", async () => {
    const client = connect(DiagnosticsTypedClient);
    const started = Date.now();
    const error = await rejection(
      client.checkHealth({ headers: { mode: "slow" } }, { deadline: 150 }),
    );
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(5_000);
    await vi.waitFor(() => expect(lastHealthCtx!.signal.aborted).toBe(true));
    // The handler learns why: the deadline, not a caller that went away.
    const reason = lastHealthCtx!.signal.reason as RpcError;
    expect(reason).toBeInstanceOf(RpcError);
    expect(reason.code).toBe(status.DEADLINE_EXCEEDED);
    expect(reason.message).toMatch(/CheckHealth passed its deadline/);
  });

  it("aborting a unary call's signal fails it with CANCELLED", async () => {
    const client = connect(DiagnosticsTypedClient);
    const abort = new AbortController();
    const call = client.checkHealth({ headers: { mode: "slow" } }, { signal: abort.signal });
    await sleep(50);
    abort.abort();
    expect((await rejection(call)).code).toBe(status.CANCELLED);
    await vi.waitFor(() => expect(lastHealthCtx!.signal.aborted).toBe(true));
    expect((lastHealthCtx!.signal.reason as RpcError).code).toBe(status.CANCELLED);
  });
});
