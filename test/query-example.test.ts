// The example datasource's "stepped" query type, served by the SDK on a real in-process gRPC
// server: the step is Grafana's interval for the time range and maxDataPoints, never below the
// query's min interval; the query text's macros are expanded with it into executedQueryString;
// a bad min interval or macro comes back as that query's 400 with the parser's message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { frameFromArrow, type Frame } from "../runtime/frames/index.js";
import {
  createPlugin,
  QueryTypeMux,
  startTestServer,
  type TestServer,
} from "../runtime/sdk/index.js";
import { parseSettings, type Settings } from "../examples/timeseries-datasource/src/settings.js";
import { steppedSeries } from "../examples/timeseries-datasource/src/stepped-query.js";

let server: TestServer<(typeof protocol.pluginSets)[2]>;
beforeAll(async () => {
  const queries = new QueryTypeMux<Settings>().handle("stepped", steppedSeries);
  server = await startTestServer(
    protocol,
    createPlugin({ jsonData: parseSettings, queryData: queries, metrics: false }),
  );
});
afterAll(async () => {
  await server?.close();
});

const FROM = Date.UTC(2024, 0, 1, 0, 0, 0);
const SIX_HOURS = 6 * 3600_000;

async function stepped(json: object, maxDataPoints = 1000, intervalMS = 0) {
  const res = await server.clients.data.queryData({
    pluginContext: { dataSourceInstanceSettings: { jsonData: Buffer.from("{}") } },
    queries: [
      {
        refId: "A",
        queryType: "stepped",
        maxDataPoints: BigInt(maxDataPoints),
        intervalMS: BigInt(intervalMS),
        timeRange: { fromEpochMS: BigInt(FROM), toEpochMS: BigInt(FROM + SIX_HOURS) },
        json: Buffer.from(JSON.stringify(json)),
      },
    ],
  });
  return res.responses.A;
}

function times(frame: Frame): number[] {
  return Array.from(frame.fields[0].values as BigInt64Array, (ns) => Number(ns / 1_000_000n));
}

describe("example datasource: stepped query", () => {
  it("steps by Grafana's interval and expands the query's macros with it", async () => {
    const answer = await stepped({
      rawQuery:
        "SELECT $__timeGroup(time, $__interval), avg(v) FROM m WHERE $__timeFilter(time) GROUP BY 1",
    });
    const frame = frameFromArrow(answer.frames[0]);
    // 6h over 1000 points is 21.6s, which Grafana rounds to 20s: 1081 points from 00:00 to 06:00.
    expect(times(frame).slice(0, 2)).toEqual([FROM, FROM + 20_000]);
    expect(frame.rowCount()).toBe(1081);
    expect(frame.fields[0].config?.interval).toBe(20_000);
    expect(frame.meta?.executedQueryString).toBe(
      "SELECT floor(extract(epoch from time)/20)*20, avg(v) FROM m WHERE time >= '2024-01-01T00:00:00Z' AND time <= '2024-01-01T06:00:00Z' GROUP BY 1",
    );
  });

  it("never steps below the min interval, from the query text or Grafana's intervalMs", async () => {
    const fromText = frameFromArrow(
      (await stepped({ interval: "<5m>", rawQuery: "$__interval" })).frames[0],
    );
    expect(fromText.meta?.executedQueryString).toBe("5m");
    expect(fromText.rowCount()).toBe(73);
    const fromMs = frameFromArrow(
      (await stepped({ rawQuery: "$__interval_ms" }, 1000, 60_000)).frames[0],
    );
    expect(fromMs.meta?.executedQueryString).toBe("60000");
  });

  it("answers a bad min interval or macro with a 400 naming the problem", async () => {
    const badInterval = await stepped({ interval: "5 minutes" });
    expect(badInterval.status).toBe(400);
    expect(badInterval.error).toContain('time: unknown unit " minutes" in duration "5 minutes"');
    const badMacro = await stepped({ rawQuery: "SELECT 1 WHERE $__timeFilter(time" });
    expect(badMacro.status).toBe(400);
    expect(badMacro.error).toContain('macro $__timeFilter at character 16: missing ")"');
    const tooFine = await stepped({ interval: "1ms" }, 10_000_000);
    expect(tooFine.status).toBe(400);
    expect(tooFine.error).toMatch(/a step of 1ms gives 21600001 points \(at most 100000\)/);
  });
});
