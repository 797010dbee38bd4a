// The handler chain through a real gRPC server: the plugin's own middleware
// around every rpc, the Go SDK's request log lines and metric labels, and
// the request's logger reachable from anywhere in the call.
import { Metadata } from "@grpc/grpc-js";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  currentLogger,
  currentRequestContext,
  downstreamError,
  healthOk,
  PluginError,
  REQUEST_TOTAL,
  startTestServer,
  type HandlerCall,
  type HandlerMiddleware,
  type PluginOptions,
  type TestServer,
} from "../runtime/sdk/index.js";
import { goDuration } from "../runtime/sdk/middleware/go-duration.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Line = Record<string, unknown>;

async function serve(options: PluginOptions<unknown, undefined>) {
  const lines: Line[] = [];
  server = await startTestServer(
    protocol,
    createPlugin({
      logger: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
      metrics: false,
      ...options,
    }),
  );
  return { clients: server.clients, lines };
}

const pluginContext = {
  pluginId: "acme-db-datasource",
  pluginVersion: "1.0.0",
  user: { login: "ada", name: "Ada" },
  dataSourceInstanceSettings: { uid: "db-1", name: "DB" },
};

/** Deep plugin code: no logger or context passed to it. */
function fetchRows(): number {
  currentLogger().info("fetching rows", { table: "t" });
  return currentRequestContext()?.pluginContext.dataSourceInstanceSettings ? 3 : 0;
}

describe("handler middleware", () => {
  it("runs the plugin's middleware around every rpc, which may refuse a call", async () => {
    const seen: string[] = [];
    const requireUser: HandlerMiddleware = (call, next) => {
      seen.push(call.endpoint);
      if (!call.pluginContext?.user) throw new PluginError("sign in first", { status: 401 });
      return next();
    };
    const { clients, lines } = await serve({
      middlewares: [requireUser],
      checkHealth: () => healthOk("fine"),
      queryData: () => ({ responses: { A: {} } }),
      callResource: () => ({ status: 200, body: "ok" }),
    });
    const anonymous = { dataSourceInstanceSettings: { uid: "db-1", name: "DB" } };
    const refused = await clients.data.queryData({
      pluginContext: anonymous,
      queries: [{ refId: "A" }, { refId: "B" }],
    });
    expect(refused.responses.A).toMatchObject({ status: 401, error: "sign in first" });
    expect(refused.responses.B).toMatchObject({ status: 401, error: "sign in first" });
    const health = await clients.diagnostics.checkHealth({ pluginContext: anonymous });
    expect(health).toMatchObject({ status: 2, message: "sign in first" });
    const allowed = await clients.data.queryData({ pluginContext, queries: [{ refId: "A" }] });
    expect(allowed.responses.A.error).toBe("");
    expect(seen).toEqual(["queryData", "checkHealth", "queryData"]);
    // A refusal is a failed call in the request log, like any error.
    expect(
      lines.find(
        (l) => l["@message"] === "Plugin Request Completed" && l.endpoint === "checkHealth",
      ),
    ).toMatchObject({ "@level": "error", status: "error", error: "sign in first" });
  });

  it("lets a middleware see the outcome and add log fields every line inside it carries", async () => {
    const outcomes: HandlerCall["outcome"][] = [];
    const rowsSeen: number[] = [];
    const { clients, lines } = await serve({
      middlewares: [
        async (call, next) => {
          call.logger = call.logger.with({ tenant: "t-1" });
          try {
            return await next();
          } finally {
            outcomes.push(call.outcome);
          }
        },
      ],
      queryData: (request) => {
        rowsSeen.push(fetchRows());
        if (request.queries[0].refId === "DOWN") throw downstreamError(new Error("db is down"));
        return { responses: { A: {} } };
      },
    });
    await clients.data.queryData({ pluginContext, queries: [{ refId: "A" }] });
    await clients.data.queryData({ pluginContext, queries: [{ refId: "DOWN" }] });
    expect(outcomes).toEqual([
      { status: "ok", statusSource: "plugin" },
      { status: "error", statusSource: "downstream", error: "db is down" },
    ]);
    expect(rowsSeen).toEqual([3, 3]); // deep code found the request's context too
    // Deep code logs with the request's fields, the middleware's included, via AsyncLocalStorage.
    expect(lines.find((l) => l["@message"] === "fetching rows")).toMatchObject({
      tenant: "t-1",
      table: "t",
      endpoint: "queryData",
      pluginId: "acme-db-datasource",
      dsUid: "db-1",
      uname: "Ada",
    });
    // Outside a call there is still a logger to use.
    expect(typeof currentLogger().info).toBe("function");
    expect(currentRequestContext()).toBeUndefined();
  });

  it("refuses a middleware calling next() twice", async () => {
    const { clients } = await serve({
      middlewares: [async (_call, next) => (await next(), next())],
      queryData: () => ({ responses: { A: {} } }),
    });
    const res = await clients.data.queryData({ pluginContext, queries: [{ refId: "A" }] });
    expect(res.responses.A.error).toBe("a handler middleware called next() twice (queryData)");
  });
});

describe("request log and metrics, as a Go plugin emits them", () => {
  it("logs Started and Completed with Go's keys, and each failed query", async () => {
    const registry = new Registry();
    const { clients, lines } = await serve({
      metrics: { registry, defaultMetrics: false },
      queryData: () => ({
        responses: {
          A: {},
          B: { error: "no such table", status: 404, errorSource: "downstream" },
        },
      }),
    });
    const metadata = new Metadata();
    metadata.add("loggerParamsCtxMetadata", "grafanaRequestId:::r-42");
    await clients.data.queryData(
      { pluginContext, queries: [{ refId: "A" }, { refId: "B" }] },
      { metadata },
    );
    const ours = lines.filter((l) => l.grafanaRequestId === "r-42");
    expect(ours.map((l) => [l["@level"], l["@message"]])).toEqual([
      ["debug", "Plugin Request Started"],
      ["error", "Partial data response error"],
      ["error", "Plugin Request Completed"],
    ]);
    expect(ours[1]).toMatchObject({
      refID: "B",
      status: 404,
      error: "no such table",
      statusSource: "downstream",
    });
    expect(ours[2]).toMatchObject({
      endpoint: "queryData",
      pluginId: "acme-db-datasource",
      pluginVersion: "1.0.0",
      dsName: "DB",
      status: "error",
      statusSource: "downstream",
      error: "no such table",
    });
    expect(String(ours[2].duration)).toMatch(/^\d+(\.\d+)?(ns|µs|ms|s)$/);
    await clients.diagnostics.checkHealth({ pluginContext });
    await clients.diagnostics.collectMetrics({});
    const text = await registry.metrics();
    expect(text).toContain(
      `${REQUEST_TOTAL}{endpoint="queryData",status="error",status_source="downstream"} 1`,
    );
    expect(text).toContain(
      `${REQUEST_TOTAL}{endpoint="checkHealth",status="ok",status_source="plugin"} 1`,
    );
    expect(text).toContain(
      `${REQUEST_TOTAL}{endpoint="collectMetrics",status="ok",status_source="plugin"} 1`,
    );
    expect(
      lines.find(
        (l) => l["@message"] === "Plugin Request Completed" && l.endpoint === "checkHealth",
      ),
    ).toMatchObject({ "@level": "info", status: "ok", statusSource: "plugin" });
  });

  it("formats durations as Go's time.Duration.String()", () => {
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(0.0005)).toBe("500ns");
    expect(goDuration(0.35)).toBe("350µs");
    expect(goDuration(1.5)).toBe("1.5ms");
    expect(goDuration(12.345678)).toBe("12.345678ms");
    expect(goDuration(2000)).toBe("2s");
    expect(goDuration(123_250)).toBe("2m3.25s");
    expect(goDuration(3_723_000)).toBe("1h2m3s");
  });
});
