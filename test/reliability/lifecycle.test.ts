// The plugin process's life around its host, with real processes:
// - its host SIGKILLed (Grafana crashing or OOM-killed): the plugin is gone
//   within 1 s, whether it notices through its stdin pipe or only through its
//   parent pid;
// - SIGTERM with calls in flight: calls that take under 1 s complete, an open
//   RunStream is cut at the end of the grace, the process exits 0 within 2 s,
//   and its unix socket is removed.
import { existsSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin } from "../../runtime/index.js";
import {
  exitWithin,
  fixtureBundler,
  isAlive,
  spawnRaw,
  waitUntil,
  type RawPlugin,
} from "../support/runtime-helpers.js";

const fixtures = fixtureBundler();
const hosts: RawPlugin[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.child.kill("SIGKILL");
});
afterAll(() => fixtures.cleanup());

describe("lifecycle", () => {
  it.each([
    ["its stdin pipe closes", "pipe"],
    ["it is re-parented (parent-pid watch only)", "no-pipe"],
  ])("host SIGKILLed: the plugin is gone within 1 s (%s)", async (_how, mode) => {
    const plugin = await fixtures.bundle("reliability-plugin");
    const host = spawnRaw(await fixtures.bundle("dying-host"), process.env, [plugin, mode]);
    hosts.push(host);
    const line = await host.firstLine;
    expect(line, host.stderr()).toBeDefined();
    const { pid } = JSON.parse(line!) as { pid: number };
    try {
      expect(isAlive(pid)).toBe(true);
      host.child.kill("SIGKILL");
      const goneAfter = await waitUntil(() => !isAlive(pid), 1_000, 10);
      expect(goneAfter, "plugin still running 1 s after its host was killed").toBeDefined();
      console.log(`host SIGKILLed (${mode}): plugin gone after ${Math.round(goneAfter!)} ms`);
    } finally {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("SIGTERM: calls under 1 s complete, exit 0 within 2 s, socket removed", async () => {
    const plugin = await startPlugin({
      executable: await fixtures.bundle("reliability-plugin"),
      protocol,
      onLog: () => {},
    });
    const socket = plugin.handshake.address;
    expect(existsSync(socket)).toBe(true);
    const calls = Array.from({ length: 5 }, (_, i) =>
      plugin.clients.data.queryData({
        queries: [
          { refId: `S${i}`, json: Buffer.from(`{"behaviour":"sleep","ms":${500 + i * 100}}`) },
        ],
      }),
    );
    const stream = plugin.clients.stream.runStream({ path: "open" });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const drained = (async () => {
      try {
        while (!(await iterator.next()).done);
      } catch {
        // cut at the end of the grace: expected
      }
    })();
    const sent = performance.now();
    process.kill(plugin.pid, "SIGTERM");
    const answers = await Promise.all(calls);
    expect(answers.map((a) => Object.values(a.responses)[0]?.status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(await exitWithin(plugin.exited, 2_000)).toEqual({ code: 0, signal: null });
    console.log(
      `SIGTERM → exit 0 in ${Math.round(performance.now() - sent)} ms (a RunStream open)`,
    );
    expect(existsSync(socket)).toBe(false);
    await drained;
  });
});
