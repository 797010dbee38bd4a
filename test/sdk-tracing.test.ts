// Tracing as Grafana turns it on (GF_INSTANCE_OTLP_ADDRESS): a real OTLP
// gRPC receiver gets the plugin's spans, continuing the trace Grafana sent
// in `traceparent`, with plugin code's own spans and an outgoing request's
// trace headers inside it.
import { Metadata } from "@grpc/grpc-js";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  disposePlugin,
  getTracer,
  injectTraceHeaders,
  createHttpClient,
  PluginError,
  startTestServer,
  tracingEnabled,
  withSpan,
  type TestServer,
} from "../runtime/sdk/index.js";
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from "./support/otlp-receiver.js";

const GRAFANA_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const GRAFANA_SPAN = "00f067aa0ba902b7";
const UNSAMPLED_TRACE = "11111111111111111111111111111111";

let receiver: OtlpReceiver;
let server: TestServer<(typeof protocol.pluginSets)[2]>;
let handlers: ReturnType<typeof createPlugin>;
const outgoing: Record<string, string>[] = [];
/** A real upstream API: what each request it received carried. */
let upstream: Server;
const upstreamSaw: IncomingHttpHeaders[] = [];
const logs: Record<string, unknown>[] = [];

const pluginContext = {
  orgId: 2n,
  pluginId: "acme-db-datasource",
  pluginVersion: "1.4.0",
  user: { login: "ada", name: "Ada" },
  dataSourceInstanceSettings: { uid: "db-1", name: "DB" },
};

function traceparent(traceId: string, spanId: string, flags: string): Metadata {
  const metadata = new Metadata();
  metadata.set("traceparent", `00-${traceId}-${spanId}-${flags}`);
  return metadata;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  upstream = createServer((req, res) => {
    upstreamSaw.push(req.headers);
    res.statusCode = req.url === "/missing" ? 404 : 200;
    res.end("{}");
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const api = createHttpClient(undefined, {
    url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
  });
  handlers = createPlugin({
    logger: createLogger({ write: (line) => logs.push(JSON.parse(line)) }),
    metrics: false,
    tracing: { env: { GF_INSTANCE_OTLP_ADDRESS: receiver.address } },
    queryData: async (request) => {
      // Plugin code: its own span, and an outgoing request carrying the trace.
      await withSpan("fetch rows", async (span) => {
        span.setAttribute("rows", 3);
        const headers: Record<string, string> = {};
        injectTraceHeaders(headers);
        outgoing.push(headers);
      });
      // The SDK's HTTP client: a client span per request, its trace headers sent along.
      if (request.queries[0]?.refId === "A") {
        await (await api.fetch("/rows")).text();
        await (await api.fetch("/missing")).text();
      }
      if (request.queries[0]?.refId === "FAIL")
        throw new PluginError("upstream is down", { status: 502 });
      return { responses: { A: { frames: [] } } };
    },
  });
  server = await startTestServer(protocol, handlers);
  await server.clients.data.queryData(
    { pluginContext, queries: [{ refId: "A" }] },
    { metadata: traceparent(GRAFANA_TRACE, GRAFANA_SPAN, "01") },
  );
  await server.clients.data.queryData(
    { pluginContext, queries: [{ refId: "FAIL" }] },
    { metadata: traceparent(GRAFANA_TRACE, GRAFANA_SPAN, "01") },
  );
  // Grafana did not sample this one: neither does the plugin (parent-based sampling).
  await server.clients.data.queryData(
    { pluginContext, queries: [{ refId: "A" }] },
    { metadata: traceparent(UNSAMPLED_TRACE, GRAFANA_SPAN, "00") },
  );
  await server.close();
  await disposePlugin(handlers); // flushes the batched spans to the receiver
});

afterAll(async () => {
  await receiver?.close();
  upstream?.close();
});

const named = (name: string) => receiver.spans.filter((s) => s.name === name);
const childOf = (parent: ReceivedSpan, name: string) =>
  receiver.spans.find((s) => s.name === name && s.parentSpanId === parent.spanId);

describe("tracing", () => {
  it("continues Grafana's trace: a server span per call, parented on Grafana's span", () => {
    expect(tracingEnabled()).toBe(true);
    const servers = named("pluginv2.Data/QueryData");
    expect(servers).toHaveLength(2);
    for (const span of servers) {
      expect(span).toMatchObject({
        traceId: GRAFANA_TRACE,
        parentSpanId: GRAFANA_SPAN,
        kind: "SPAN_KIND_SERVER",
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": "pluginv2.Data",
          "rpc.method": "QueryData",
        },
      });
      expect(span.resource).toMatchObject({
        "service.name": "acme-db-datasource",
        "service.version": "1.4.0",
      });
    }
  });

  it("nests sdk.queryData (the Go SDK's span and attributes) and the plugin's own span inside", () => {
    const [ok] = named("pluginv2.Data/QueryData");
    const sdk = childOf(ok, "sdk.queryData")!;
    expect(sdk).toMatchObject({
      traceId: GRAFANA_TRACE,
      attributes: {
        plugin_id: "acme-db-datasource",
        org_id: 2,
        datasource_name: "DB",
        datasource_uid: "db-1",
        user: "Ada",
        request_status: "ok",
        status_source: "plugin",
      },
    });
    const own = childOf(sdk, "fetch rows")!;
    expect(own).toMatchObject({ traceId: GRAFANA_TRACE, attributes: { rows: 3 } });
    // The outgoing request continues the trace from the plugin's span.
    expect(outgoing[0].traceparent).toBe(`00-${GRAFANA_TRACE}-${own.spanId}-01`);
  });

  it("wraps the HTTP client's requests in client spans whose trace headers the API receives", () => {
    const [ok] = named("pluginv2.Data/QueryData");
    const sdk = childOf(ok, "sdk.queryData")!;
    const requests = named("HTTP Outgoing Request").filter((s) => s.parentSpanId === sdk.spanId);
    expect(requests.map((s) => s.attributes)).toEqual([
      expect.objectContaining({ "http.method": "GET", "http.status_code": 200 }),
      expect.objectContaining({ "http.method": "GET", "http.status_code": 404 }),
    ]);
    expect(requests[0]).toMatchObject({ kind: "SPAN_KIND_CLIENT", traceId: GRAFANA_TRACE });
    expect(String(requests[0]!.attributes["http.url"])).toMatch(/\/rows$/);
    expect(requests[1]!.status).toMatchObject({ code: "STATUS_CODE_ERROR" });
    // The first sampled call's two requests carried their own span as parent.
    expect(upstreamSaw.slice(0, 2).map((h) => h.traceparent)).toEqual(
      requests.map((s) => `00-${GRAFANA_TRACE}-${s.spanId}-01`),
    );
  });

  it("marks a failed call's span with the error, status and source", () => {
    const failed = named("sdk.queryData").find((s) => s.attributes.request_status === "error")!;
    expect(failed).toMatchObject({
      traceId: GRAFANA_TRACE,
      attributes: { request_status: "error", status_source: "downstream" },
      status: { code: "STATUS_CODE_ERROR", message: "upstream is down" },
      events: ["exception"],
    });
  });

  it("exports nothing for a trace Grafana did not sample, yet still propagates it", () => {
    expect(receiver.spans.filter((s) => s.traceId === UNSAMPLED_TRACE)).toEqual([]);
    expect(outgoing[2].traceparent).toMatch(new RegExp(`^00-${UNSAMPLED_TRACE}-[0-9a-f]{16}-00$`));
  });

  it("logs with Grafana's trace id and says tracing is on", () => {
    expect(logs.find((l) => l["@message"] === "Tracing enabled")).toBeDefined();
    expect(
      logs.find((l) => l["@message"] === "Plugin Request Completed" && l.traceId === GRAFANA_TRACE),
    ).toBeDefined();
    expect(getTracer()).toBeDefined();
  });
});
