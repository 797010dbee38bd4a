// One huge request must not stall every other call: while the example data
// source answers a QueryData with 20,000 queries, CheckHealth calls made
// every 50 ms keep being answered promptly, because the SDK yields to the
// event loop between queries instead of running them all in one turn.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin, type HostedPlugin } from "../../runtime/index.js";
import { exampleExecutable } from "../support/example-plugin.js";
import { sleep } from "../support/runtime-helpers.js";

let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;
beforeAll(async () => {
  plugin = await startPlugin({ executable: exampleExecutable(), protocol });
});
afterAll(async () => {
  await plugin?.kill();
});

const QUERIES = 20_000;

describe("head-of-line blocking", () => {
  it(`CheckHealth stays responsive while a ${QUERIES}-query request runs`, async () => {
    const pluginContext = {
      pluginId: "grafana-ts-timeseries-datasource",
      dataSourceInstanceSettings: { uid: "ds-1", name: "example", jsonData: Buffer.from("{}") },
    };
    const from = 1_700_000_000_000n;
    const big = plugin.clients.data.queryData({
      pluginContext,
      queries: Array.from({ length: QUERIES }, (_, i) => ({
        refId: `Q${i}`,
        maxDataPoints: 50n,
        intervalMS: 1000n,
        timeRange: { fromEpochMS: from, toEpochMS: from + 3_600_000n },
      })),
    });
    let done = false;
    const bigDone = big.then((r) => {
      done = true;
      return r;
    });
    const latencies: number[] = [];
    await sleep(200); // the request is being worked on
    while (!done) {
      const started = performance.now();
      await plugin.clients.diagnostics.checkHealth({ pluginContext });
      latencies.push(performance.now() - started);
      await sleep(50);
    }
    const answer = await bigDone;
    expect(Object.keys(answer.responses)).toHaveLength(QUERIES);
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `head-of-line: ${latencies.length} health checks during the big request, median ${Math.round(median)} ms, slowest ${Math.round(sorted.at(-1)!)} ms`,
    );
    // Without yielding, one check waited ~6 s for the whole batch and few ran at all.
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    expect(median).toBeLessThan(200);
    // The last stretch (converting and serialising the 20,000-entry answer) is still one turn.
    expect(sorted.at(-1)!).toBeLessThan(2_500);
  }, 180_000);
});
