// Cancellation storms, as a busy Grafana causes them (users navigating away,
// dashboards refreshing, live subscriptions dropped): a burst of 2,000
// RunStream cancels and 5,000 QueryData cancels at 100/s through one real
// connection to a real plugin process. The connection must stay up: no
// unrelated call in flight may fail (a GOAWAY fails them with INTERNAL).
//
// Node's HTTP/2 closes a connection after 1,000 resets in a burst or 33/s
// (rapid-reset protection); the runtime raises those limits
// (runtime/plugin/stream-reset-limits.ts), which Node 22 and later honour and
// Node 20 cannot. So the plugin runs on an official Node 24 from the npm
// registry (what `package` embeds), and a control on this Node shows the limit.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin, type HostedPlugin } from "../../runtime/index.js";
import { nodeBinary } from "../support/node-binary.js";
import { fixtureBundler, sleep } from "../support/runtime-helpers.js";

const fixtures = fixtureBundler();
let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;

/** Unrelated QueryData calls kept in flight while the storm runs; resolves with their failures. */
function backgroundQueries(until: () => boolean): Promise<{ ok: number; failed: string[] }> {
  const failed: string[] = [];
  let ok = 0;
  const worker = async () => {
    while (!until()) {
      try {
        const res = await plugin.clients.data.queryData({
          queries: [{ refId: "bg", json: Buffer.from('{"behaviour":"sleep","ms":20}') }],
        });
        if (res.responses.bg?.status === 200) ok++;
        else failed.push(`status ${res.responses.bg?.status}`);
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
  };
  return Promise.all(Array.from({ length: 4 }, worker)).then(() => ({ ok, failed }));
}

const node24 = await nodeBinary(24);
if (!node24.ok) console.warn(`reliability/cancellation: skipping: ${node24.reason}`);

beforeAll(async () => {
  if (!node24.ok) return;
  plugin = await startPlugin({
    executable: node24.path,
    args: [await fixtures.bundle("behaviour-plugin")],
    protocol,
  });
}, 300_000);

afterAll(async () => {
  await plugin?.kill();
  await fixtures.cleanup();
});

describe.skipIf(!node24.ok)("cancellation storms (plugin on Node 24)", () => {
  it("a burst of 2,000 RunStream cancels leaves the connection and other calls alone", async () => {
    let done = false;
    const background = backgroundQueries(() => done);
    const streams = Array.from({ length: 2000 }, (_, i) =>
      plugin.clients.stream.runStream({ path: `burst-${i}` }),
    );
    // Every stream has started (first packet in) before any is cancelled.
    await Promise.all(streams.map((s) => s[Symbol.asyncIterator]().next()));
    for (const s of streams) s.cancel();
    await sleep(500);
    done = true;
    const { ok, failed } = await background;
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    const health = await plugin.clients.diagnostics.checkHealth({});
    expect(health.message).toBe("behaviour plugin ok");
  }, 120_000);

  it("5,000 QueryData cancels at 100/s leave the connection and other calls alone", async () => {
    let done = false;
    const background = backgroundQueries(() => done);
    const cancelled: Promise<number | undefined>[] = [];
    for (let i = 0; i < 5000; i++) {
      const abort = new AbortController();
      cancelled.push(
        plugin.clients.data
          .queryData(
            { queries: [{ refId: "c", json: Buffer.from('{"behaviour":"sleep","ms":1000}') }] },
            { signal: abort.signal },
          )
          .then(
            () => undefined,
            (error: { code?: number }) => error.code,
          ),
      );
      setTimeout(() => abort.abort(), 5);
      if (i % 10 === 9) await sleep(100);
    }
    const codes = await Promise.all(cancelled);
    done = true;
    const { ok, failed } = await background;
    expect(new Set(codes)).toEqual(new Set([status.CANCELLED]));
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(100);
  }, 180_000);
});
