/**
 * What the handler chain costs per call: QueryData over an in-process gRPC
 * server, one query, an empty answer, in three set-ups interleaved per round:
 *
 * - raw:         a generated handler given through createPlugin's `raw`
 *                (no SDK adapter, no chain) — the floor;
 * - sdk:         createPlugin with its chain (request log at info level into
 *                a no-op writer, metrics, no tracing) — the usual plugin;
 * - sdk+tracing: the same with tracing on, exporting to an OTLP receiver in
 *                this process (test/support/otlp-receiver.ts).
 *
 * Prints calls/s and p50 per set-up (median of the rounds), concurrency 1 and 16.
 *
 *   npx tsx bench/sdk-middleware.ts [--calls N] [--rounds R]
 */
import { parseArgs } from "node:util";
import { Registry } from "prom-client";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import { createPlugin, disposePlugin, startTestServer } from "../runtime/sdk/index.js";
import { startOtlpReceiver } from "../test/support/otlp-receiver.js";
import { median } from "./stats.js";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "3000" }, rounds: { type: "string", default: "3" } },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const quiet = createLogger({ level: "info", write: () => {} });
const receiver = await startOtlpReceiver();

const answer = () => ({ responses: { A: {} } });
const setups = {
  raw: createPlugin({
    metrics: false,
    logger: quiet,
    tracing: false,
    raw: { data: { queryData: answer } },
  }),
  sdk: createPlugin({
    metrics: { registry: new Registry(), defaultMetrics: false },
    logger: quiet,
    tracing: false,
    queryData: answer,
  }),
  "sdk+tracing": createPlugin({
    metrics: { registry: new Registry(), defaultMetrics: false },
    logger: quiet,
    tracing: { env: { GF_INSTANCE_OTLP_ADDRESS: receiver.address } },
    queryData: answer,
  }),
};
const servers = Object.fromEntries(
  await Promise.all(
    Object.entries(setups).map(
      async ([name, handlers]) => [name, await startTestServer(protocol, handlers)] as const,
    ),
  ),
);
const request = { pluginContext: { pluginId: "bench" }, queries: [{ refId: "A" }] };

async function run(name: string, concurrency: number) {
  const data = servers[name].clients.data;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const t = performance.now();
        await data.queryData(request);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: calls / seconds, p50: latencies[Math.floor(latencies.length / 2)] };
}

for (const name of Object.keys(servers)) await run(name, 4); // warm-up
console.log(`QueryData, ${calls} calls x ${rounds} rounds (median)`);
for (const concurrency of [1, 16]) {
  const results: Record<string, { perSec: number[]; p50: number[] }> = {};
  for (let r = 0; r < rounds; r++)
    for (const name of Object.keys(servers)) {
      const { perSec, p50 } = await run(name, concurrency);
      (results[name] ??= { perSec: [], p50: [] }).perSec.push(perSec);
      results[name].p50.push(p50);
    }
  for (const [name, { perSec, p50 }] of Object.entries(results))
    console.log(
      `  c=${String(concurrency).padEnd(2)} ${name.padEnd(12)} ${median(perSec).toFixed(0).padStart(6)} calls/s  p50 ${median(p50).toFixed(3)} ms`,
    );
}
for (const server of Object.values(servers)) await server.close();
await disposePlugin(setups["sdk+tracing"]);
console.log(`  spans received: ${receiver.spans.length}`);
await receiver.close();
