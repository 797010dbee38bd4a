// Nothing a call leaves behind accumulates in a real plugin process:
// - heap after a full GC grows less than 5 MB over 3 rounds of
//   RELIABILITY_LEAK_CALLS (default 30,000) calls of every shape (unary,
//   server stream; answered, failed, cancelled);
// - after 500 RunStreams are cancelled, no RunStream handler is still running
//   and every one of them saw its ctx.signal aborted; after 200 cancelled
//   QueryData calls, every handler that had started saw its signal abort,
//   with "cancelled" as the reason.
// Cancelled calls at this rate are a reset storm, which Node 20 answers by
// closing the connection (see cancellation.test.ts): the plugin runs on
// Node 24 when the npm registry has it, else on this Node without the
// cancelled shapes in the heap rounds.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin, type HostedPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { nodeBinary } from "../support/node-binary.js";
import { fixtureBundler, sleep, waitUntil } from "../support/runtime-helpers.js";

const CALLS_PER_ROUND = Number(process.env.RELIABILITY_LEAK_CALLS ?? 30_000);
const ROUNDS = 3;
const HEAP_GROWTH_LIMIT = 5 * 1024 * 1024;
const CONCURRENCY = 16;

const node24 = await nodeBinary(24);
if (!node24.ok)
  console.warn(`reliability/leaks: heap rounds without cancellations: ${node24.reason}`);
const SHAPES = node24.ok ? 5 : 3;

const fixtures = fixtureBundler();
let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;
const logs: PluginLogEntry[] = [];

beforeAll(async () => {
  plugin = await startPlugin({
    // --expose-gc: the plugin's "heap" resource runs a full collection before measuring.
    executable: node24.ok ? node24.path : process.execPath,
    args: ["--expose-gc", await fixtures.bundle("reliability-plugin")],
    protocol,
    onLog: (entry) => logs.push(entry),
  });
}, 120_000);

afterAll(async () => {
  await plugin?.kill();
  await fixtures.cleanup();
});

async function resourceJson<T>(path: string): Promise<T> {
  for await (const part of plugin.clients.resource.callResource({ path }))
    return JSON.parse(part.body.toString("utf8")) as T;
  throw new Error(`resource ${path}: no answer`);
}

/** Polls an async check until it holds or `timeoutMs` passes. */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

const heapUsed = async () => (await resourceJson<{ heapUsed: number }>("heap")).heapUsed;

/** One call of the i-th shape; every shape completes, fails or is cancelled on purpose. */
async function oneCall(i: number): Promise<void> {
  const { data, diagnostics, resource, stream } = plugin.clients;
  switch (i % SHAPES) {
    case 0:
      await data.queryData({ queries: [{ refId: `Q${i}`, json: Buffer.from("{}") }] });
      return;
    case 1:
      await diagnostics.checkHealth({});
      return;
    case 2:
      for await (const _ of resource.callResource({ path: `r/${i}` }));
      return;
    case 3: {
      // A hung handler the caller gives up on.
      const abort = new AbortController();
      const call = data.queryData(
        { queries: [{ refId: "H", json: Buffer.from('{"behaviour":"hang"}') }] },
        { signal: abort.signal },
      );
      setTimeout(() => abort.abort(), 2);
      await call.catch((error: { code?: number }) => {
        if (error.code !== status.CANCELLED) throw error;
      });
      return;
    }
    default: {
      // A live stream: first packet, then cancelled.
      const live = stream.runStream({ path: `s/${i}` });
      await live[Symbol.asyncIterator]().next();
      live.cancel();
    }
  }
}

async function run(calls: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < calls) await oneCall(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

interface StreamCounters {
  started: number;
  running: number;
  endedAborted: number;
  endedNotAborted: number;
}

describe("leaks", () => {
  it(`heap after GC grows < 5 MB over ${ROUNDS} × ${CALLS_PER_ROUND} calls`, async () => {
    await run(2_000); // warm-up: JIT, pools, lazily built structures
    const baseline = await heapUsed();
    const after: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await run(CALLS_PER_ROUND);
      after.push(await heapUsed());
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
    console.log(
      `heap after GC: baseline ${mb(baseline)} MB, after each round ${after.map(mb).join(", ")} MB`,
    );
    expect(after.at(-1)! - baseline).toBeLessThan(HEAP_GROWTH_LIMIT);
  }, 600_000);

  it("after 500 cancelled RunStreams: none still running, every signal aborted", async () => {
    const before = await resourceJson<StreamCounters>("streams");
    const streams = Array.from({ length: 500 }, (_, i) =>
      plugin.clients.stream.runStream({ path: `cancel-${i}` }),
    );
    await Promise.all(streams.map((s) => s[Symbol.asyncIterator]().next()));
    for (const s of streams) s.cancel();
    let counters = before;
    const settled = await waitFor(async () => {
      counters = await resourceJson<StreamCounters>("streams");
      return counters.running === 0;
    }, 5_000);
    expect(settled, JSON.stringify(counters)).toBe(true);
    expect(counters.started - before.started).toBe(500);
    expect(counters.endedAborted - before.endedAborted).toBe(500);
    expect(counters.endedNotAborted).toBe(before.endedNotAborted);
  }, 120_000);

  it("after 200 cancelled QueryData calls: every handler that started saw its signal abort, as cancelled", async () => {
    const aborted = () => logs.filter((l) => l.message === "handler aborted");
    const logsBefore = aborted().length;
    const before = await resourceJson<StreamCounters>("hangs");
    const calls = Array.from({ length: 200 }, async () => {
      const abort = new AbortController();
      const call = plugin.clients.data.queryData(
        { queries: [{ refId: "H", json: Buffer.from('{"behaviour":"hang"}') }] },
        { signal: abort.signal },
      );
      setTimeout(() => abort.abort(), 20);
      return call.then(
        () => undefined,
        (error: { code?: number }) => error.code,
      );
    });
    expect(new Set(await Promise.all(calls))).toEqual(new Set([status.CANCELLED]));
    // A call cancelled before its request was read never starts a handler.
    let hangs = before;
    const settled = await waitFor(async () => {
      hangs = await resourceJson<StreamCounters>("hangs");
      return hangs.running === 0;
    }, 5_000);
    expect(settled, JSON.stringify(hangs)).toBe(true);
    const started = hangs.started - before.started;
    expect(started).toBeGreaterThan(0);
    expect(hangs.endedAborted - before.endedAborted).toBe(started);
    const logged = await waitUntil(() => aborted().length - logsBefore >= started, 5_000);
    expect(
      logged,
      `${aborted().length - logsBefore} of ${started} handlers logged their abort`,
    ).toBeDefined();
    const reasons = new Set(
      aborted()
        .slice(logsBefore)
        .map((l) => String(l.fields.reason)),
    );
    expect([...reasons]).toEqual(["/pluginv2.Data/QueryData was cancelled by the caller"]);
  }, 60_000);
});
