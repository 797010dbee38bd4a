// The example datasource as Grafana runs it: built executable, started by the
// TS host (startPlugin), called over go-plugin's gRPC with the typed clients.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import {
  CheckHealthResponse_HealthStatus,
  DataFrameFormat,
  type QueryChunkedDataResponse,
} from "../output/pluginv2/backend.js";
import { frameFromArrow, frameFromJSON, type Frame } from "../runtime/frames/index.js";
import { startPlugin, type HostedPlugin } from "../runtime/index.js";
import { exampleExecutable } from "./support/example-plugin.js";
import { PLUGIN_NODE_OPTIONS } from "../packaging/plugin-node-options.js";

let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;

beforeAll(async () => {
  plugin = await startPlugin({ executable: exampleExecutable(), protocol });
});
afterAll(async () => {
  await plugin?.kill();
});

function pluginContext(jsonData: object = {}, updated = 1) {
  return {
    orgId: 1n,
    pluginId: "grafana-ts-timeseries-datasource",
    dataSourceInstanceSettings: {
      id: 1n,
      uid: "ds-1",
      name: "example",
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      lastUpdatedMS: BigInt(updated),
    },
  };
}

const now = Date.now();
function query(refId: string, queryType: string, json: object, maxDataPoints = 50) {
  return {
    refId,
    queryType,
    maxDataPoints: BigInt(maxDataPoints),
    intervalMS: 1000n,
    timeRange: { fromEpochMS: BigInt(now - 3_600_000), toEpochMS: BigInt(now) },
    json: Buffer.from(JSON.stringify(json)),
  };
}

describe("example timeseries datasource through startPlugin", () => {
  it("runs under the Node.js options every plugin gets (plugin-node-options.ts)", () => {
    // The launcher execs node: the plugin's own command line carries them.
    const argv = readFileSync(`/proc/${plugin.pid}/cmdline`, "utf8").split("\0");
    for (const option of PLUGIN_NODE_OPTIONS) expect(argv).toContain(option);
  });

  it("CheckHealth is OK with good settings and ERROR naming the problem with bad ones", async () => {
    const ok = await plugin.clients.diagnostics.checkHealth({
      pluginContext: pluginContext({ maxSeriesCount: 5 }),
    });
    expect(ok.status).toBe(CheckHealthResponse_HealthStatus.OK);
    expect(ok.message).toBe("timeseries datasource is working");
    expect(JSON.parse(ok.jsonDetails.toString())).toMatchObject({ maxSeriesCount: 5 });

    const bad = await plugin.clients.diagnostics.checkHealth({
      pluginContext: pluginContext({ maxSeriesCount: -1, liveIntervalMs: "fast" }, 2),
    });
    expect(bad.status).toBe(CheckHealthResponse_HealthStatus.ERROR);
    expect(bad.message).toContain("maxSeriesCount must be a whole number from 1 to 100");
    expect(bad.message).toContain("liveIntervalMs");
  });

  it("QueryData answers each refId with frames that decode to time + value fields", async () => {
    const res = await plugin.clients.data.queryData({
      pluginContext: pluginContext(),
      queries: [
        query("A", "", {}),
        query("B", "sine", { seriesCount: 3, amplitude: 2, offset: 5 }),
        query("C", "randomWalk", { seriesCount: 1000 }),
        query("D", "nope", {}),
      ],
    });
    const a = res.responses.A;
    expect(a.error).toBe("");
    expect(a.frames.length).toBe(1);
    const frameA = frameFromArrow(a.frames[0]);
    expect(frameA.refId).toBe("A");
    expect(frameA.fields.map((f) => [f.name, f.type])).toEqual([
      ["time", "time"],
      ["value", "float64"],
    ]);
    expect(frameA.rowCount()).toBe(50);

    const b = res.responses.B.frames.map((f) => frameFromArrow(f));
    expect(b.map((f) => f.name)).toEqual(["sine-1", "sine-2", "sine-3"]);
    expect(b[1].fields[1].labels).toEqual({ series: "2" });
    const values = Array.from(
      { length: b[0].rowCount() },
      (_, i) => b[0].fields[1].get(i) as number,
    );
    expect(Math.max(...values)).toBeLessThanOrEqual(7);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(3);

    // A bad option fails its own query only, with status and source.
    expect(res.responses.C).toMatchObject({ status: 400, errorSource: "downstream" });
    expect(res.responses.C.error).toContain("seriesCount must be from 1 to 20");
    // "nope" has no handler: the fallback ("" = random walk) answers it.
    expect(res.responses.D.error).toBe("");
  });

  it("QueryChunkedData streams the random walk in chunks that add up to QueryData's answer (Arrow, JSON)", async () => {
    const q = query("A", "randomWalk", { seriesCount: 2, seed: 7, chunkRows: 16 }, 50);
    const whole = await plugin.clients.data.queryData({
      pluginContext: pluginContext(),
      queries: [q],
    });
    const expected = Object.fromEntries(
      whole.responses.A.frames.map((bytes) => {
        const frame = frameFromArrow(bytes);
        return [frame.name, rowsOf(frame)];
      }),
    );
    expect(Object.keys(expected)).toEqual(["randomWalk-1", "randomWalk-2"]);
    for (const format of [DataFrameFormat.ARROW, DataFrameFormat.JSON]) {
      const chunks: QueryChunkedDataResponse[] = [];
      for await (const chunk of plugin.clients.data.queryChunkedData({
        pluginContext: pluginContext(),
        queries: [q],
        format,
      }))
        chunks.push(chunk);
      // 50 points in chunks of 16: 16, 16, 16, 2 per series.
      expect(chunks.map((c) => c.frameId)).toEqual([
        ...Array(4).fill("randomWalk-1"),
        ...Array(4).fill("randomWalk-2"),
      ]);
      for (const c of chunks)
        expect(c).toMatchObject({ refId: "A", status: 200, error: "", format });
      const received: Record<string, unknown[][]> = {};
      let schema: unknown;
      for (const c of chunks) {
        let frame: Frame;
        if (format === DataFrameFormat.ARROW) frame = frameFromArrow(c.frame);
        else {
          // Only a frame's first JSON chunk carries the schema; later ones are rows to append.
          const json = JSON.parse(c.frame.toString("utf8"));
          const first = !received[c.frameId];
          expect("schema" in json).toBe(first);
          if (first) schema = json.schema;
          frame = frameFromJSON(JSON.stringify({ schema, data: json.data }));
        }
        expect(frame.refId).toBe("A");
        received[c.frameId] = [...(received[c.frameId] ?? []), ...rowsOf(frame)];
      }
      expect(received).toEqual(expected);
    }
  });

  it("QueryChunkedData answers a bad query with an error chunk naming the problem", async () => {
    const chunks: QueryChunkedDataResponse[] = [];
    for await (const chunk of plugin.clients.data.queryChunkedData({
      pluginContext: pluginContext(),
      queries: [
        query("A", "randomWalk", { chunkRows: 0 }),
        query("B", "sine", { seriesCount: 99 }),
      ],
    }))
      chunks.push(chunk);
    const byRef = Object.fromEntries(chunks.map((c) => [c.refId, c]));
    expect(byRef.A).toMatchObject({
      status: 400,
      error: "chunkRows must be a positive integer (got 0)",
    });
    // "sine" has no chunked handler: its QueryData handler answers, error included.
    expect(byRef.B).toMatchObject({
      status: 400,
      errorSource: "downstream",
      error: "seriesCount must be from 1 to 20 (got 99)",
    });
  });

  it("CallResource routes GET /hello and /series-types, 404s and 405s the rest", async () => {
    const call = async (method: string, path: string) => {
      const parts = [];
      for await (const part of plugin.clients.resource.callResource({
        pluginContext: pluginContext(),
        method,
        path,
        url: `/${path}`,
      }))
        parts.push(part);
      return {
        code: parts[0].code,
        body: JSON.parse(Buffer.concat(parts.map((p) => p.body)).toString()),
      };
    };
    expect(await call("GET", "hello")).toEqual({
      code: 200,
      body: { message: "hello from typescript", path: "hello" },
    });
    const types = await call("GET", "series-types");
    expect(types.body.map((t: { type: string }) => t.type)).toEqual(["randomWalk", "sine"]);
    expect((await call("GET", "series-types/sine")).body.type).toBe("sine");
    expect((await call("GET", "series-types/cosine")).code).toBe(404);
    const missing = await call("GET", "nothing/here");
    expect(missing.code).toBe(404);
    expect(missing.body.routes).toContain("GET /hello");
    expect((await call("POST", "hello")).code).toBe(405);
  });

  it("RunStream pushes live frames until cancelled", async () => {
    const sub = await plugin.clients.stream.subscribeStream({
      pluginContext: pluginContext(),
      path: "stream/2",
    });
    expect(sub.status).toBe(0);
    const started = Date.now();
    const stream = plugin.clients.stream.runStream({
      pluginContext: pluginContext(),
      path: "stream/2",
    });
    const packets: Buffer[] = [];
    for await (const packet of stream) {
      packets.push(packet.data);
      if (packets.length === 4) break;
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(3 * 40);
    expect(elapsed).toBeLessThan(3000);
    const first = frameFromJSON(packets[0].toString());
    expect(first.fields.map((f) => f.name)).toEqual(["time", "series-1", "series-2"]);
    expect(JSON.parse(packets[1].toString())).toHaveProperty("data.values");
    expect(JSON.parse(packets[1].toString())).not.toHaveProperty("schema");
  });

  it("serves CollectMetrics with process and request metrics", async () => {
    const res = await plugin.clients.diagnostics.collectMetrics({ pluginContext: pluginContext() });
    const text = res.metrics!.prometheus.toString();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toMatch(/plugin_request_total\{endpoint="queryData",status="error"/);
  });
});

/** A frame's rows as [time, value] pairs. */
function rowsOf(frame: Frame): unknown[][] {
  return Array.from({ length: frame.rowCount() }, (_, i) => frame.fields.map((f) => f.get(i)));
}
