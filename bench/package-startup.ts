/**
 * Reproduces the figures in docs/packaging.md: packages a plugin project
 * as single executables (the newest Node LTS from npm, stripped, for amd64
 * and arm64; the same unstripped; the Node running this, `--node current`)
 * and as a development build (sh launcher + bundled script, run by the node
 * that built it; also with source maps, as `dev` runs it), then reports
 * sizes, package time, the median start-to-handshake time and the idle RSS
 * (VmRSS 1 s after the handshake) of each one this machine can run.
 * Starts are interleaved (A B C D, A B C D, …) so all see the same load.
 *
 *   npx tsx bench/package-startup.ts [DIR] [--runs N] [--rss-runs N]
 *
 * `measurePackageStartup()` returns the figures and `packageStartupSection`
 * is the `npm run bench` section (bench/report.ts).
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { handshake } from "../output/glue.js";
import { PROTOCOL_VERSIONS_ENV, UNIX_SOCKET_DIR_ENV } from "../runtime/go-plugin/environment.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { timeToHandshake } from "../packaging/handshake-time.js";
import { CURRENT_NODE, nodeBinaryFor } from "../packaging/node-binaries.js";
import { packagePlugin, type PackageOptions } from "../packaging/package-plugin.js";
import { goArch } from "../packaging/plugin-json.js";
import { PLUGIN_NODE_OPTIONS } from "../packaging/plugin-node-options.js";
import { buildSeaExecutable } from "../packaging/sea-executable.js";
import { stripToolFor } from "../packaging/strip-tool.js";
import { EXAMPLE_DIR } from "../test/support/example-plugin.js";
import { idleMemoryAfterFirstLineMiB, idleMemoryMiB } from "./idle-rss.js";
import { GOAL_ROWS, rowFromSamples, type BenchRow, type SectionRunner } from "./report.js";
import { median } from "./stats.js";

export interface StartupOptions {
  /** Default: the example datasource. */
  projectDir?: string;
  /** Spawns per executable for start to handshake; default 10. */
  runs?: number;
  /** Starts per executable for idle RSS; default 3. */
  rssRuns?: number;
  /** Only the default package (this arch + the other one for its size) and the launcher. */
  quick?: boolean;
}

export interface StartupFigure {
  label: string;
  /** Go architecture name. */
  arch: string;
  /** The executable, or for a build the bundled script it runs. */
  bytes: number;
  nodeVersion: string;
  buildMs: number;
  /** Spawn to handshake line, in run order; empty for another arch. */
  startMs: number[];
  /** VmRSS 1 s after the handshake, MiB, in run order; empty for another arch. */
  idleRssMiB: number[];
  /** Its RssAnon part (private: heap, code), MiB, in run order. */
  idleAnonMiB: number[];
}

export interface StartupFigures {
  figures: StartupFigure[];
  /** Zip sizes of the default package, per arch. */
  zips: { arch: string; bytes: number }[];
  notes: string[];
}

/** The default package's row: the one the goals (packaged start, idle RSS) are about. */
export const DEFAULT_PACKAGE = "single executable (Node LTS, stripped)";

/**
 * Node's own share of the default package's figures: the same Node binary, options and packaging
 * around a script that only prints a handshake-shaped line and waits. No plugin gets below it.
 */
export const NODE_FLOOR = "Node floor: same single executable, empty script";
const FLOOR_SCRIPT =
  'process.stdout.write("1|2|unix|/nonexistent|grpc\\n");\nsetInterval(() => {}, 2 ** 30);\n';

export async function measurePackageStartup(options: StartupOptions = {}): Promise<StartupFigures> {
  const projectDir = resolve(options.projectDir ?? EXAMPLE_DIR);
  const here = goArch();
  const other = here === "amd64" ? "arm64" : "amd64";
  const work = await mkdtemp(join(tmpdir(), "gpts-measure-"));
  try {
    const figures: (StartupFigure & { path: string; floor?: boolean })[] = [];
    const notes: string[] = [];
    const packaged = async (label: string, extra: Partial<PackageOptions>) => {
      const result = await packagePlugin({
        projectDir,
        outDir: join(work, `package-${figures.length}`),
        ...extra,
      });
      const perExecutable = result.ms / result.executables.length;
      for (const exe of result.executables)
        figures.push({
          label: exe.arch === here ? label : `${label}, linux/${exe.arch}`,
          arch: exe.arch,
          bytes: exe.bytes,
          nodeVersion: exe.nodeVersion,
          buildMs: perExecutable,
          startMs: [],
          idleRssMiB: [],
          idleAnonMiB: [],
          path: exe.path,
        });
      notes.push(...result.skipped.map((s) => `linux/${s.arch} not built: ${s.reason}`));
      return result;
    };
    const main = await packaged(DEFAULT_PACKAGE, { arches: [here, other] });
    const mainVersion = main.executables.find((e) => e.arch === here)!.nodeVersion;
    figures.push({ ...(await buildFloor(join(work, "floor"), mainVersion)), floor: true });
    if (!options.quick) {
      await packaged("single executable (Node LTS, not stripped)", { strip: false });
      await packaged(`single executable (--node current)`, { node: CURRENT_NODE });
    }
    const built = async (label: string, sourcemap: boolean) => {
      const started = performance.now();
      const build = await buildPlugin(projectDir, { outDir: join(work, label), sourcemap });
      figures.push({
        label,
        arch: here,
        bytes: (await stat(build.script)).size,
        nodeVersion: process.version.slice(1),
        buildMs: performance.now() - started,
        startMs: [],
        idleRssMiB: [],
        idleAnonMiB: [],
        path: build.executable,
      });
    };
    await built("build (sh launcher)", false);
    if (!options.quick) await built("build, source maps (dev)", true);

    const runnable = figures.filter((f) => f.arch === here);
    const env = {
      [handshake.magicCookieKey]: handshake.magicCookieValue,
      [PROTOCOL_VERSIONS_ENV]: "2",
      [UNIX_SOCKET_DIR_ENV]: work,
    };
    for (let i = 0; i < (options.runs ?? 10); i++)
      for (const figure of runnable)
        figure.startMs.push((await timeToHandshake(figure.path, { env })).ms);
    for (let i = 0; i < (options.rssRuns ?? 3); i++)
      for (const figure of runnable) {
        const memory = figure.floor
          ? await idleMemoryAfterFirstLineMiB(figure.path, env)
          : await idleMemoryMiB(figure.path, { [UNIX_SOCKET_DIR_ENV]: work });
        figure.idleRssMiB.push(memory.rss);
        figure.idleAnonMiB.push(memory.anon);
      }
    return {
      figures: figures.map(({ path: _path, floor: _floor, ...figure }) => figure),
      zips: main.archives.map((a) => ({ arch: a.arch, bytes: a.bytes })),
      notes,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The NODE_FLOOR executable, built in `dir` the way `package` builds the default one. */
async function buildFloor(dir: string, nodeVersion: string) {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const script = join(dir, "floor.cjs");
  await writeFile(script, FLOOR_SCRIPT);
  const path = join(dir, "node-floor");
  const node = await nodeBinaryFor(goArch(), { node: nodeVersion });
  await buildSeaExecutable({
    script,
    outFile: path,
    nodeBinary: node.path,
    execArgv: [...PLUGIN_NODE_OPTIONS],
    stripWith: stripToolFor(goArch()),
    workDir: dir,
  });
  return {
    label: NODE_FLOOR,
    arch: goArch(),
    bytes: (await stat(path)).size,
    nodeVersion,
    buildMs: performance.now() - started,
    startMs: [] as number[],
    idleRssMiB: [] as number[],
    idleAnonMiB: [] as number[],
    path,
  };
}

/** The "packaged" section of `npm run bench`: goal rows first, then every figure. */
export const packageStartupSection: SectionRunner = async ({ quick }) => {
  const measured = await measurePackageStartup(
    quick ? { quick, runs: 3, rssRuns: 1 } : { runs: 10, rssRuns: 3 },
  );
  const main = measured.figures.find((f) => f.label === DEFAULT_PACKAGE)!;
  const rows: BenchRow[] = [
    rowFromSamples(GOAL_ROWS.packagedStart.name, "ms", main.startMs),
    rowFromSamples(GOAL_ROWS.packagedRss.name, "MiB", main.idleRssMiB),
    rowFromSamples("idle RSS, anonymous part", "MiB", main.idleAnonMiB),
  ];
  for (const figure of measured.figures) {
    if (figure.label.startsWith("single executable"))
      rows.push({ name: `size ${figure.label}`, value: figure.bytes / 2 ** 20, unit: "MiB" });
    if (figure.label === DEFAULT_PACKAGE) continue;
    if (figure.startMs.length > 0)
      rows.push(rowFromSamples(`start ${figure.label}`, "ms", figure.startMs));
    if (figure.idleRssMiB.length > 0) {
      rows.push(rowFromSamples(`idle RSS ${figure.label}`, "MiB", figure.idleRssMiB));
      rows.push(rowFromSamples(`idle RssAnon ${figure.label}`, "MiB", figure.idleAnonMiB));
    }
  }
  return {
    section: GOAL_ROWS.packagedStart.section,
    title: `packaged single executable (example datasource, Node.js ${main.nodeVersion}, linux-${main.arch} for start and RSS)`,
    rows,
    notes: measured.notes,
  };
};

function print(measured: StartupFigures, runs: number): void {
  console.log(
    `${runs} interleaved starts each (median [min–max] start to handshake), idle RSS median`,
  );
  for (const f of measured.figures) {
    const timing =
      f.startMs.length === 0
        ? "not started here"
        : `handshake ${median(f.startMs).toFixed(1)} ms [${Math.min(...f.startMs).toFixed(0)}–${Math.max(...f.startMs).toFixed(0)}]` +
          `  idle RSS ${median(f.idleRssMiB).toFixed(1)} MiB (anon ${median(f.idleAnonMiB).toFixed(1)})`;
    console.log(
      `${f.label.padEnd(52)} ${(f.bytes / 2 ** 20).toFixed(1).padStart(6)} MiB  Node ${f.nodeVersion.padEnd(8)} ` +
        `built in ${(f.buildMs / 1000).toFixed(1).padStart(4)} s  ${timing}`,
    );
  }
  for (const zip of measured.zips)
    console.log(`zip linux/${zip.arch}: ${(zip.bytes / 2 ** 20).toFixed(1)} MiB`);
  for (const note of measured.notes) console.log(`note: ${note}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const runs = flag("--runs", 10);
  const rssRuns = flag("--rss-runs", 3);
  print(await measurePackageStartup({ projectDir: args[0], runs, rssRuns }), runs);
}
