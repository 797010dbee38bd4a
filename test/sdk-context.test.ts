// The typed plugin context and the trace context, as handlers see them
// through a real grpc-js server, plus the pure conversions.
import { Metadata } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  GrafanaConfig,
  healthOk,
  parseTraceparent,
  parseUserAgent,
  PluginError,
  startTestServer,
  type RequestContext,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Settings {
  endpoint: string;
  timeoutMs: number;
}

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("plugin context", () => {
  it("gives handlers typed jsonData, secrets, user, Grafana config, user agent and trace context", async () => {
    let seen: RequestContext<Settings> | undefined;
    const logs: Record<string, unknown>[] = [];
    server = await startTestServer(
      protocol,
      createPlugin({
        jsonData: (json) => json as Settings,
        logger: createLogger({ write: (line) => logs.push(JSON.parse(line)) }),
        checkHealth: (_req, ctx) => {
          seen = ctx;
          ctx.logger.info("checking");
          return healthOk("fine");
        },
        metrics: false,
      }),
    );
    const metadata = new Metadata();
    metadata.set("traceparent", TRACEPARENT);
    metadata.set("tracestate", "grafana=1");
    await server.clients.diagnostics.checkHealth(
      {
        pluginContext: {
          orgId: 3n,
          pluginId: "acme-db-datasource",
          pluginVersion: "1.2.3",
          user: { login: "ada", role: "Editor" },
          userAgent: "Grafana/11.3.0 (linux; amd64)",
          grafanaConfig: {
            GF_APP_URL: "https://grafana.example/",
            GF_CONCURRENT_QUERY_COUNT: "4",
            GF_INSTANCE_FEATURE_TOGGLES_ENABLE: "a, b",
          },
          dataSourceInstanceSettings: {
            uid: "db-1",
            name: "DB",
            jsonData: Buffer.from('{"endpoint":"https://db","timeoutMs":500}'),
            decryptedSecureJsonData: { apiKey: "s3cret" },
            lastUpdatedMS: 1_700_000_000_000n,
          },
        },
      },
      { metadata },
    );
    const ctx = seen!;
    const ds = ctx.pluginContext.dataSourceInstanceSettings!;
    expect(ds.jsonData).toEqual({ endpoint: "https://db", timeoutMs: 500 });
    expect(ds.decryptedSecureJsonData).toEqual({ apiKey: "s3cret" });
    expect(ds.updated.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(ctx.pluginContext.orgId).toBe(3n);
    expect(ctx.pluginContext.user).toMatchObject({ login: "ada", role: "Editor" });
    expect(ctx.pluginContext.appInstanceSettings).toBeUndefined();
    const config = ctx.pluginContext.grafanaConfig;
    expect(config.appUrl()).toBe("https://grafana.example");
    expect(config.concurrentQueryCount()).toBe(4);
    expect([...config.featureToggles()]).toEqual(["a", "b"]);
    expect(config.featureToggleEnabled("b")).toBe(true);
    expect(ctx.pluginContext.userAgent).toEqual({
      raw: "Grafana/11.3.0 (linux; amd64)",
      grafanaVersion: "11.3.0",
      os: "linux",
      arch: "amd64",
    });
    expect(ctx.trace).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      flags: 1,
      sampled: true,
      traceparent: TRACEPARENT,
      tracestate: "grafana=1",
    });
    // The Go SDK's contextual attributes and key names (backend/log.go).
    expect(logs.find((l) => l["@message"] === "checking")).toMatchObject({
      pluginId: "acme-db-datasource",
      pluginVersion: "1.2.3",
      endpoint: "checkHealth",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      dsName: "DB",
      dsUid: "db-1",
      uname: "",
    });
  });

  it("reports settings the jsonData parser rejects as an ERROR health check and as per-query errors", async () => {
    server = await startTestServer(
      protocol,
      createPlugin({
        jsonData: (json) => {
          if (typeof (json as { url?: unknown }).url !== "string")
            throw new PluginError("url is required", { status: 400, source: "plugin" });
          return json as { url: string };
        },
        checkHealth: () => healthOk("fine"),
        queryData: () => ({ responses: {} }),
        logger: createLogger({ write: () => {} }),
        metrics: false,
      }),
    );
    const pluginContext = {
      dataSourceInstanceSettings: { uid: "u", name: "bad", jsonData: Buffer.from("{}") },
    };
    const health = await server.clients.diagnostics.checkHealth({ pluginContext });
    expect(health.status).toBe(2); // ERROR
    expect(health.message).toBe('data source "bad" (uid u): url is required');
    const data = await server.clients.data.queryData({
      pluginContext,
      queries: [{ refId: "A" }, { refId: "B" }],
    });
    expect(data.responses.A).toMatchObject({ status: 400, errorSource: "plugin" });
    expect(data.responses.B.error).toBe('data source "bad" (uid u): url is required');
    const notJson = await server.clients.diagnostics.checkHealth({
      pluginContext: {
        dataSourceInstanceSettings: { uid: "u", name: "bad", jsonData: Buffer.from("{") },
      },
    });
    expect(notJson.message).toMatch(/^data source "bad" \(uid u\): jsonData is not valid JSON/);
  });
});

describe("conversions", () => {
  it("parses traceparent per W3C and rejects invalid ones", () => {
    expect(parseTraceparent(TRACEPARENT)?.sampled).toBe(true);
    expect(
      parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled,
    ).toBe(false);
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent("garbage")).toBeUndefined();
    expect(
      parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    ).toBeUndefined();
    expect(
      parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
    ).toBeUndefined();
    expect(parseTraceparent(`${TRACEPARENT}-extra`)).toBeUndefined();
    expect(
      parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`)?.traceId,
    ).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("reads Grafana config values and compares configs", () => {
    const config = new GrafanaConfig({
      GF_SQL_ROW_LIMIT: "1000",
      GF_CONCURRENT_QUERY_COUNT: "zero",
    });
    expect(config.sqlRowLimit()).toBe(1000);
    expect(config.concurrentQueryCount()).toBeUndefined();
    expect(config.appUrl()).toBeUndefined();
    expect(
      config.equals(
        new GrafanaConfig({ GF_CONCURRENT_QUERY_COUNT: "zero", GF_SQL_ROW_LIMIT: "1000" }),
      ),
    ).toBe(true);
    expect(config.equals(new GrafanaConfig({ GF_SQL_ROW_LIMIT: "1000" }))).toBe(false);
    expect(parseUserAgent("curl/8")).toEqual({ raw: "curl/8" });
  });
});
