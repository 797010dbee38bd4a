/**
 * QueryData through the real go-plugin host (test/interop/gohost, Debian's
 * go-plugin 1.0.1, the way Grafana calls plugins), five peers interleaved in
 * one run so machine noise hits all alike:
 *
 * - go:         test/interop/goplugin, answers a fixed 22-byte "frame";
 * - floor:      bench/peers/floor-plugin.ts, node:http2 and the ts-proto
 *               codec, no gRPC library: the floor for any Node.js plugin;
 * - naive:      bench/peers/naive-plugin.ts, grpc-js and the generated
 *               service definitions, no runtime;
 * - ts-echo:    test/fixtures/plugins/echo-plugin.ts, the same answer served
 *               by our runtime (runtime + transport cost, like for like);
 * - ts-example: the example datasource (builds real Arrow frames; its cost
 *               is mostly frame building, shown for scale).
 *
 * Per concurrency (1, 8, 32) and round: calls/s, p50, p99 of each peer, the
 * peer order rotated each round; rows carry the median, the min–max and the
 * per-round samples (goals.ts pairs them round by round). Then, spawns
 * interleaved across peers: start to handshake and idle RSS (VmRSS after
 * 1 s idle).
 *
 * The Node peers run identically: one CommonJS script each, bundled as
 * `build` bundles, behind `build`'s sh launcher on the same Node.js (by
 * default the LTS line `package` embeds, fetched like `package` fetches it;
 * `--node current` for the one running the bench) with the options every
 * plugin gets (packaging/plugin-node-options.ts).
 *
 * Part of `npm run bench` (bench/main.ts); alone:
 *   npx tsx bench/query-data.ts [--calls N] [--rounds R] [--only go,ts-echo] [--node 24|current] [--quick]
 */
import { chmod, copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { protocol } from "../output/glue.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { NODE_LTS_LINE, nodeBinaryFor } from "../packaging/node-binaries.js";
import { nodeLauncher } from "../packaging/node-launcher.js";
import { PLUGIN_NODE_OPTIONS } from "../packaging/plugin-node-options.js";
import { goArch } from "../packaging/plugin-json.js";
import { timeToHandshake } from "../packaging/handshake-time.js";
import { PROTOCOL_VERSIONS_ENV, UNIX_SOCKET_DIR_ENV } from "../runtime/go-plugin/environment.js";
import { EXAMPLE_DIR, REPO_ROOT } from "../test/support/example-plugin.js";
import { buildGoInterop, runGoHost } from "../test/support/go-interop.js";
import { fixtureBundler } from "../test/support/runtime-helpers.js";
import {
  CONCURRENCY,
  PEERS,
  PLUGIN_START_SECTION,
  QUERY_DATA_SECTION,
  startRowName,
  throughputRowName,
  type Peer,
} from "./query-data-rows.js";
import { idleRssMiB } from "./idle-rss.js";
import { formatSection, rowFromSamples, type BenchRow, type SectionReport } from "./report.js";

export interface QueryDataOptions {
  /** Timed QueryData calls per peer, concurrency and round. */
  calls: number;
  rounds: number;
  /** Untimed calls before each timed run. */
  warmup: number;
  /** Spawns per peer for start to handshake. */
  startSpawns: number;
  /** Starts per peer for idle RSS. */
  rssStarts: number;
  /** Only these peers (default: all). */
  only?: readonly string[];
  /**
   * The Node.js every Node peer runs on: a version, a major line, or
   * "current" (the one running the bench). Default: the LTS line `package`
   * embeds, so the figures are what a packaged plugin gets.
   */
  node?: string;
}

/**
 * A plugin is a long-running process: the figures are its steady state. Each
 * run starts the plugin afresh, and V8 needs a few thousand calls to compile
 * the hot paths (a runtime with more code than a naive plugin takes longer:
 * with 300 calls of warm-up ours measured 0.61× naive at c=32, 0.87× after
 * 20,000), so the warm-up is long.
 */
export const QUERY_DATA_FULL: QueryDataOptions = {
  calls: 8000,
  rounds: 3,
  warmup: 3000,
  startSpawns: 10,
  rssStarts: 3,
};
export const QUERY_DATA_QUICK: QueryDataOptions = {
  calls: 300,
  rounds: 1,
  warmup: 30,
  startSpawns: 2,
  rssStarts: 1,
};

interface Target {
  peer: Peer;
  executable: string;
}

interface HostBenchLine {
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  error?: string;
}

/**
 * `script` behind the launcher `build` writes (it runs `<launcher>.cjs`), on
 * the chosen Node.js with the options every plugin gets: all Node peers run
 * the same way, so the differences are runtime and transport.
 */
async function asBuildShipsIt(script: string, name: string, nodePath: string): Promise<string> {
  const launcher = `${script}-launcher`;
  await copyFile(script, `${launcher}.cjs`);
  await writeFile(launcher, nodeLauncher({ pluginId: name, nodePath }));
  await chmod(launcher, 0o755);
  return launcher;
}

/** The two sections: "query-data" (throughput) and "plugin-start" (start, RSS). */
export async function benchQueryData(options: QueryDataOptions): Promise<SectionReport[]> {
  for (const name of options.only ?? [])
    if (!(PEERS as readonly string[]).includes(name))
      throw new Error(`unknown peer "${name}": expected some of ${PEERS.join(", ")}`);
  const go = await buildGoInterop();
  if (!go.ok) throw new Error(`the QueryData bench needs the Go interop peers: ${go.reason}`);
  const work = await mkdtemp(join(tmpdir(), "gpts-bench-"));
  const fixtures = fixtureBundler();
  const peers = fixtureBundler(join(REPO_ROOT, "bench", "peers"));
  const env = { [UNIX_SOCKET_DIR_ENV]: work };
  try {
    const node = await nodeBinaryFor(goArch(), { node: options.node ?? NODE_LTS_LINE });
    const launch = async (script: string | Promise<string>, name: Peer) =>
      asBuildShipsIt(await script, name, node.path);
    const wanted = (peer: Peer) => !options.only || options.only.includes(peer);
    const executables: Record<Peer, () => Promise<string>> = {
      go: async () => go.pluginPath,
      floor: () => launch(peers.bundle("floor-plugin"), "floor"),
      naive: () => launch(peers.bundle("naive-plugin"), "naive"),
      "ts-echo": () => launch(fixtures.bundle("echo-plugin"), "ts-echo"),
      "ts-example": async () =>
        launch(
          (await buildPlugin(EXAMPLE_DIR, { outDir: join(work, "example") })).script,
          "ts-example",
        ),
    };
    const targets: Target[] = [];
    for (const peer of PEERS.filter(wanted))
      targets.push({ peer, executable: await executables[peer]() });
    const machineNote = `go-plugin ${go.goPluginVersion} host; Node peers on Node.js ${node.version} (${PLUGIN_NODE_OPTIONS.join(" ")}); ${options.calls} calls per run, ${options.rounds} round(s), warm-up ${options.warmup}`;
    const throughput = await measureThroughput(targets, options, env);
    const start = await measureStart(targets, options, env);
    return [
      {
        section: QUERY_DATA_SECTION,
        title: "QueryData through the go-plugin host (median of rounds [min–max])",
        runtime: `Node.js ${node.version}`,
        rows: throughput.rows,
        notes: [machineNote, ...throughput.notes],
      },
      {
        section: PLUGIN_START_SECTION,
        title: `start to handshake (${options.startSpawns} spawns) and idle RSS (${options.rssStarts} starts, VmRSS 1 s after the handshake)`,
        rows: start,
      },
    ];
  } finally {
    await fixtures.cleanup();
    await peers.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

async function measureThroughput(
  targets: Target[],
  options: QueryDataOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const concurrency of CONCURRENCY) {
    const lines = new Map<Peer, HostBenchLine[]>(targets.map((t) => [t.peer, []]));
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order each round, so no peer always runs first (or last).
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length]!;
        lines.get(target.peer)!.push(await benchOnce(target, concurrency, options, env));
      }
    }
    for (const { peer } of targets) {
      const runs = lines.get(peer)!;
      const rate = (metric: "calls/s" | "p50" | "p99") =>
        throughputRowName(peer, concurrency, metric);
      rows.push(
        rowFromSamples(
          rate("calls/s"),
          "calls/s",
          runs.map((r) => r.callsPerSec),
        ),
        rowFromSamples(
          rate("p50"),
          "ms",
          runs.map((r) => r.p50Ms),
        ),
        rowFromSamples(
          rate("p99"),
          "ms",
          runs.map((r) => r.p99Ms),
        ),
      );
      const errors = runs.reduce((n, r) => n + r.errors, 0);
      if (errors > 0)
        notes.push(
          `${peer} c=${concurrency}: ${errors} failed calls (${runs.find((r) => r.error)?.error})`,
        );
    }
  }
  return { rows, notes };
}

async function benchOnce(
  target: Target,
  concurrency: number,
  options: QueryDataOptions,
  env: NodeJS.ProcessEnv,
): Promise<HostBenchLine> {
  const run = await runGoHost(
    target.executable,
    [
      "-bench-query",
      String(options.calls),
      "-concurrency",
      String(concurrency),
      "-warmup",
      String(options.warmup),
      "-log-level",
      "error",
    ],
    { env, timeoutMs: 300_000 },
  );
  const line = run.lines.find((l) => l.call === "bench-query");
  if (run.code !== 0 || !line || line.callsPerSec === undefined)
    throw new Error(
      `${target.peer} c=${concurrency}: host exited ${run.code}${line?.error ? `: ${line.error}` : ""}\n${run.stderr}`,
    );
  return line as HostBenchLine;
}

/** Spawn → handshake line, then idle RSS; both interleaved across peers. */
async function measureStart(
  targets: Target[],
  options: QueryDataOptions,
  env: NodeJS.ProcessEnv,
): Promise<BenchRow[]> {
  const hostEnv = {
    ...env,
    [protocol.handshake.magicCookieKey]: protocol.handshake.magicCookieValue,
    [PROTOCOL_VERSIONS_ENV]: "2",
  };
  const starts = new Map<Peer, number[]>(targets.map((t) => [t.peer, []]));
  for (let i = 0; i < options.startSpawns; i++)
    for (const target of targets)
      starts
        .get(target.peer)!
        .push((await timeToHandshake(target.executable, { env: hostEnv })).ms);
  const rss = new Map<Peer, number[]>(targets.map((t) => [t.peer, []]));
  for (let i = 0; i < options.rssStarts; i++)
    for (const target of targets)
      rss.get(target.peer)!.push(await idleRssMiB(target.executable, env));
  return targets.flatMap(({ peer }) => [
    rowFromSamples(startRowName(peer, "start"), "ms", starts.get(peer)!),
    rowFromSamples(startRowName(peer, "rss"), "MiB", rss.get(peer)!),
  ]);
}

// Run alone: print the two sections.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      calls: { type: "string" },
      rounds: { type: "string" },
      only: { type: "string" },
      node: { type: "string" },
      quick: { type: "boolean", default: false },
    },
  });
  const base = values.quick ? QUERY_DATA_QUICK : QUERY_DATA_FULL;
  const sections = await benchQueryData({
    ...base,
    calls: values.calls ? Number(values.calls) : base.calls,
    rounds: values.rounds ? Number(values.rounds) : base.rounds,
    only: values.only?.split(","),
    node: values.node,
  });
  for (const section of sections) console.log(`\n${formatSection(section)}`);
}
