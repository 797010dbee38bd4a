// QueryTypeMux over a real grpc-js server: routing by queryType, per-refId
// errors with status and source, the concurrency bound, frames on the wire.
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { float64Field, frameFromArrow, newFrame } from "../runtime/frames/index.js";
import {
  createPlugin,
  downstreamError,
  PluginError,
  QueryTypeMux,
  startTestServer,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveMux(mux: QueryTypeMux, grafanaConfig: Record<string, string> = {}) {
  server = await startTestServer(protocol, createPlugin({ queryData: mux, metrics: false }));
  return (queries: { refId: string; queryType?: string; json?: object }[]) =>
    server!.clients.data.queryData({
      pluginContext: { grafanaConfig },
      queries: queries.map((q) => ({ ...q, json: Buffer.from(JSON.stringify(q.json ?? {})) })),
    });
}

const frame = (name: string) => newFrame(name, float64Field("v", [1, 2, 3]));

describe("QueryTypeMux", () => {
  it("routes by queryType, answers every refId, and one failure stays with its query", async () => {
    const mux = new QueryTypeMux()
      .handle<{ n: number }>("ok", (q) => [frame(`ok-${q.json.n}`)])
      .handle("downstream", () => {
        throw downstreamError(new Error("upstream said 503"), 503);
      })
      .handle("bug", () => {
        throw new TypeError("undefined is not a function");
      })
      .handle("limited", () => {
        throw new PluginError("too many series", { status: 400 });
      });
    const query = await serveMux(mux);
    const res = await query([
      { refId: "A", queryType: "ok", json: { n: 1 } },
      { refId: "B", queryType: "downstream" },
      { refId: "C", queryType: "bug" },
      { refId: "D", queryType: "limited" },
      { refId: "E", queryType: "unknown" },
    ]);
    expect(res.responses.A).toMatchObject({ error: "", status: 200 });
    const decoded = frameFromArrow(res.responses.A.frames[0]);
    expect([decoded.name, decoded.refId]).toEqual(["ok-1", "A"]);
    expect(res.responses.B).toMatchObject({
      error: "upstream said 503",
      status: 503,
      errorSource: "downstream",
    });
    expect(res.responses.C).toMatchObject({
      error: "undefined is not a function",
      status: 500,
      errorSource: "plugin",
    });
    expect(res.responses.D).toMatchObject({
      error: "too many series",
      status: 400,
      errorSource: "downstream",
    });
    expect(res.responses.E.errorSource).toBe("plugin");
    expect(res.responses.E.error).toBe(
      'no handler for query type "unknown" (this data source handles: "ok", "downstream", "bug", "limited")',
    );
  });

  it("sends the query's bad JSON back as that query's error", async () => {
    const query = await serveMux(new QueryTypeMux().handle("", (q) => (q.json, [])));
    const res = await server!.clients.data.queryData({
      queries: [
        { refId: "A", json: Buffer.from("{nope") },
        { refId: "B", json: Buffer.from("{}") },
      ],
    });
    void query;
    expect(res.responses.A).toMatchObject({ status: 400, errorSource: "plugin" });
    expect(res.responses.A.error).toMatch(/^query A is not valid JSON: /);
    expect(res.responses.B.error).toBe("");
  });

  async function peakConcurrency(mux: QueryTypeMux, config: Record<string, string>, n: number) {
    let running = 0;
    let peak = 0;
    mux.handle("", async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 15));
      running--;
      return [];
    });
    const query = await serveMux(mux, config);
    const res = await query(Array.from({ length: n }, (_, i) => ({ refId: `R${i}` })));
    expect(Object.keys(res.responses)).toHaveLength(n);
    return peak;
  }

  it("runs at most 10 queries at once by default", async () => {
    expect(await peakConcurrency(new QueryTypeMux(), {}, 25)).toBe(10);
  });

  it("follows Grafana's concurrent_query_count, unless maxConcurrency is given", async () => {
    expect(await peakConcurrency(new QueryTypeMux(), { GF_CONCURRENT_QUERY_COUNT: "3" }, 12)).toBe(
      3,
    );
    await server!.close();
    expect(
      await peakConcurrency(
        new QueryTypeMux({ maxConcurrency: 2 }),
        { GF_CONCURRENT_QUERY_COUNT: "3" },
        12,
      ),
    ).toBe(2);
  });

  it("refuses duplicate registrations and a bound below 1", () => {
    const mux = new QueryTypeMux().handle("a", () => []);
    expect(() => mux.handle("a", () => [])).toThrow('query type "a" is already registered');
    expect(() => new QueryTypeMux({ maxConcurrency: 0 })).toThrow(RangeError);
  });
});
