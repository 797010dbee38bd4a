// Network failures of the HTTP client are the upstream's: refused, DNS name
// not found, connection closed early (EOF), timeouts — each a PluginError
// with source "downstream" naming the request. Served through a real plugin
// (in-process gRPC), the failure reaches Grafana as it does from a Go
// plugin: DataResponse.errorSource for QueryData, and the ErrorInfo status
// detail ("errorSource") on a failed QueryChunkedData stream.
import type { Metadata } from "@grpc/grpc-js";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createHttpClient,
  createPlugin,
  describeError,
  errorSourceFromMetadata,
  httpClient,
  isDownstreamHttpError,
  startTestServer,
  toRpcError,
  PluginError,
  type TestServer,
} from "../runtime/sdk/index.js";

const quiet = createLogger({ write: () => {} });

/** A TCP server that accepts and then does `onSocket` (close at once, or never answer). */
async function rawServer(onSocket: "close" | "hang"): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((socket) => {
    if (onSocket === "close") socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = await rawServer("close");
  server.close();
  return server.url;
}

let closing: { url: string; close(): void };
let hanging: { url: string; close(): void };
beforeAll(async () => {
  closing = await rawServer("close");
  hanging = await rawServer("hang");
});
afterAll(() => {
  closing?.close();
  hanging?.close();
});

async function failure(url: string, timeouts = {}) {
  const client = createHttpClient(undefined, { timeouts });
  try {
    return await client.fetch(url).then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    await client.close();
  }
}

describe("network failures are downstream", () => {
  it("connection refused", async () => {
    const url = await closedPort();
    const error = await failure(`${url}/api`);
    expect(describeError(error)).toEqual({
      message: `GET ${url}/api: connection refused (ECONNREFUSED)`,
      status: 502,
      source: "downstream",
    });
  });

  it("DNS name not found", async () => {
    const error = await failure("http://no-such-host.invalid/api");
    expect(describeError(error)).toMatchObject({ status: 502, source: "downstream" });
    expect((error as Error).message).toContain("host name not found (DNS) (ENOTFOUND)");
  });

  it("the server closes the connection before answering (EOF)", async () => {
    const error = await failure(`${closing.url}/api`);
    expect(describeError(error)).toMatchObject({ status: 502, source: "downstream" });
    expect((error as Error).message).toMatch(/connection (closed|reset) by the server/);
  });

  it("no response headers within the data source's timeout: 504", async () => {
    const error = await failure(`${hanging.url}/api`, { timeout: 200 });
    expect(describeError(error)).toMatchObject({ status: 504, source: "downstream" });
    expect((error as Error).message).toMatch(new RegExp(`^GET ${hanging.url}/api: `));
  });

  it("a plugin bug (an invalid URL) stays the plugin's", async () => {
    const error = await failure("http://[::1");
    expect(describeError(error).source).toBe("plugin");
    expect(isDownstreamHttpError(error)).toBe(false);
  });

  it("classifies a raw Node error from any HTTP library the same way", () => {
    const raw = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:80"), {
      code: "ECONNREFUSED",
    });
    expect(isDownstreamHttpError(new TypeError("fetch failed", { cause: raw }))).toBe(true);
    expect(isDownstreamHttpError(new Error("boom"))).toBe(false);
  });
});

describe("the error source reaches Grafana", () => {
  let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // One uid per upstream: httpClient(ctx) keeps a client per data source until its settings change.
  const contextFor = (url: string) => ({
    pluginId: "p",
    dataSourceInstanceSettings: { uid: url, name: "down", url, jsonData: Buffer.from("{}") },
  });

  it("QueryData: the failed query's status 502 and errorSource downstream", async () => {
    const url = await closedPort();
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: quiet,
        metrics: false,
        queryData: async (_req, ctx) => {
          await httpClient(ctx).json("/api/query");
          return { responses: {} };
        },
      }),
    );
    const res = await server.clients.data.queryData({
      pluginContext: contextFor(url),
      queries: [{ refId: "A" }],
    });
    expect(res.responses.A).toMatchObject({
      status: 502,
      errorSource: "downstream",
      error: `GET ${url}/api/query: connection refused (ECONNREFUSED)`,
    });
  });

  it("QueryChunkedData: the stream's status carries ErrorInfo{errorSource: downstream}", async () => {
    const url = await closedPort();
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: quiet,
        metrics: false,
        queryChunkedData: async (_req, _writer, ctx) => {
          await httpClient(ctx).fetch("/api/stream");
        },
      }),
    );
    const error = await (async () => {
      for await (const _ of server!.clients.data.queryChunkedData({
        pluginContext: contextFor(url),
        queries: [{ refId: "A" }],
      }));
    })().catch((e: unknown) => e);
    // The grpc-js client's ServiceError, with the trailers the plugin sent.
    const { message, metadata } = error as { message: string; metadata?: Metadata };
    expect(message).toContain("connection refused");
    expect(errorSourceFromMetadata(metadata)).toBe("downstream");
  });

  it("toRpcError labels known sources only, as the Go SDK's enrichWithErrorSourceInfo", () => {
    expect(errorSourceFromMetadata(toRpcError(new PluginError("x")).metadata)).toBe("plugin");
    const timeout = Object.assign(new Error("t"), { name: "TimeoutError" });
    expect(errorSourceFromMetadata(toRpcError(timeout).metadata)).toBe("downstream");
    expect(toRpcError(new Error("unlabelled")).metadata).toBeUndefined();
  });
});
