/**
 * QueryData through the real go-plugin host (test/interop/gohost, Debian's
 * go-plugin 1.0.1, the way Grafana calls plugins), TypeScript plugins against
 * the Go plugin, interleaved in one run so machine noise hits all alike:
 *
 * - go:         test/interop/goplugin, answers a fixed 22-byte "frame";
 * - ts-echo:    test/fixtures/plugins/echo-plugin.ts, the same answer served
 *               by our runtime (runtime + transport cost, like for like);
 * - ts-example: the example datasource (builds real Arrow frames; its cost
 *               is mostly frame building, shown for scale).
 *
 * Per concurrency (1, 8, 32): calls/s, p50, p99 (median of the rounds) and
 * the ratio to Go; then start-to-handshake time (median of 10 spawns) and
 * idle RSS (VmRSS after 1 s idle) per plugin.
 *
 * Both TypeScript plugins run as the launcher `build` ships: one CommonJS
 * script (ts-echo from a temp dir, ts-example from its dist/).
 *
 * Run: npx tsx bench/query-data.ts [--calls N] [--rounds R] [--only go,ts-echo]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { protocol } from "../output/glue.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { startPlugin } from "../runtime/index.js";
import { EXAMPLE_DIR, exampleExecutable } from "../test/support/example-plugin.js";
import { buildGoInterop, runGoHost } from "../test/support/go-interop.js";
import { fixtureBundler } from "../test/support/runtime-helpers.js";
import { median } from "./stats.js";

const CONCURRENCY = [1, 8, 32];

interface Target {
  name: string;
  executable: string;
}

interface BenchLine {
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "4000" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);

const go = await buildGoInterop();
if (!go.ok) {
  console.error(`bench needs the Go interop peers: ${go.reason}`);
  process.exit(1);
}
const fixtures = fixtureBundler();
await buildPlugin(EXAMPLE_DIR);
const all: Target[] = [
  { name: "go", executable: go.pluginPath },
  { name: "ts-echo", executable: await fixtures.bundle("echo-plugin") },
  { name: "ts-example", executable: exampleExecutable() },
];
const only = values.only?.split(",");
const targets = all.filter((t) => !only || only.includes(t.name));
const socketDir = await mkdtemp(join(tmpdir(), "gpts-bench-"));
const env = { PLUGIN_UNIX_SOCKET_DIR: socketDir };

console.log(
  `QueryData via go-plugin ${go.goPluginVersion} host: ${calls} calls per run, ${rounds} rounds, ` +
    `median shown; node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()})\n`,
);

try {
  await throughput();
  await startTimes();
  await idleRss();
} finally {
  await fixtures.cleanup();
  await rm(socketDir, { recursive: true, force: true });
}

async function throughput(): Promise<void> {
  console.log("conc  plugin       calls/s   p50 ms   p99 ms   calls/s vs go");
  for (const concurrency of CONCURRENCY) {
    const results = new Map<string, BenchLine[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so no plugin always runs first (or last).
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length];
        results.get(target.name)!.push(await benchOnce(target, concurrency));
      }
    }
    const goRate = median((results.get("go") ?? []).map((r) => r.callsPerSec));
    for (const target of targets) {
      const lines = results.get(target.name)!;
      const rate = median(lines.map((l) => l.callsPerSec));
      const errors = lines.reduce((n, l) => n + l.errors, 0);
      console.log(
        [
          String(concurrency).padStart(4),
          target.name.padEnd(11),
          rate.toFixed(0).padStart(8),
          median(lines.map((l) => l.p50Ms))
            .toFixed(3)
            .padStart(8),
          median(lines.map((l) => l.p99Ms))
            .toFixed(3)
            .padStart(8),
          (Number.isNaN(goRate) ? "" : `${(rate / goRate).toFixed(2)}x`).padStart(9),
          errors ? `  (${errors} errors)` : "",
        ].join(" "),
      );
    }
  }
}

async function benchOnce(target: Target, concurrency: number): Promise<BenchLine> {
  const run = await runGoHost(
    target.executable,
    [
      "-bench-query",
      String(calls),
      "-concurrency",
      String(concurrency),
      "-warmup",
      "300",
      "-log-level",
      "error",
    ],
    { env, timeoutMs: 300_000 },
  );
  const line = run.lines.find((l) => l.call === "bench-query");
  if (run.code !== 0 || !line)
    throw new Error(`${target.name} c=${concurrency}: host exited ${run.code}\n${run.stderr}`);
  return line as BenchLine;
}

/** Spawn → first stdout line (the handshake), as a host measures a plugin start. */
async function startTimes(): Promise<void> {
  console.log("\nstart to handshake (median of 10 spawns)");
  for (const target of targets) {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push(await timeToHandshake(target.executable));
    console.log(
      `  ${target.name.padEnd(11)} ${median(times).toFixed(1).padStart(7)} ms  (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
    );
  }
}

function timeToHandshake(executable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(executable, [], {
      env: {
        ...process.env,
        ...env,
        [protocol.handshake.magicCookieKey]: protocol.handshake.magicCookieValue,
        PLUGIN_PROTOCOL_VERSIONS: "2",
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    child.once("error", reject);
    createInterface({ input: child.stdout! }).once("line", () => {
      const ms = performance.now() - started;
      child.once("exit", () => resolve(ms));
      child.kill("SIGKILL");
    });
  });
}

async function idleRss(): Promise<void> {
  console.log("\nidle RSS (VmRSS 1 s after the handshake, median of 3 starts)");
  for (const target of targets) {
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) samples.push(await rssAfterIdle(target.executable));
    console.log(
      `  ${target.name.padEnd(11)} ${median(samples).toFixed(1).padStart(7)} MiB  (${samples.map((s) => s.toFixed(1)).join(", ")})`,
    );
  }
}

async function rssAfterIdle(executable: string): Promise<number> {
  const plugin = await startPlugin({
    executable,
    protocol,
    env,
    onLog: () => {},
    onStdio: () => {},
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const status = readFileSync(`/proc/${plugin.pid}/status`, "utf8");
  await plugin.kill();
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}
