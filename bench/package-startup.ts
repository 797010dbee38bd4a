/**
 * Reproduces the figures in docs/packaging.md: packages a plugin project
 * as a single executable and as a development build (sh launcher + bundled
 * script, run by the node that built it; also with source maps, as `dev`
 * runs it), then prints
 * sizes, package time and the median start-to-handshake time of each.
 *
 *   npx tsx bench/package-startup.ts [DIR] [--runs N]
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { handshake } from "../output/glue.js";
import { PROTOCOL_VERSIONS_ENV } from "../runtime/go-plugin/environment.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { timeToHandshake } from "../packaging/handshake-time.js";
import { packagePlugin } from "../packaging/package-plugin.js";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 10;
const projectDir = resolve(args[0] ?? "examples/timeseries-datasource");
const work = await mkdtemp(join(tmpdir(), "gpts-measure-"));
try {
  const packaged = await packagePlugin({ projectDir, outDir: join(work, "package") });
  const launcherStarted = performance.now();
  const launcher = await buildPlugin(projectDir, { outDir: join(work, "launcher") });
  const launcherMs = performance.now() - launcherStarted;
  const mapsStarted = performance.now();
  const withMaps = await buildPlugin(projectDir, { outDir: join(work, "maps"), sourcemap: true });
  const mapsMs = performance.now() - mapsStarted;
  const sea = packaged.executables[0]!;
  const env = {
    [handshake.magicCookieKey]: handshake.magicCookieValue,
    [PROTOCOL_VERSIONS_ENV]: "2",
  };
  const rows = [
    ["single executable", sea.path, sea.path, packaged.ms],
    ["build (sh launcher)", launcher.executable, launcher.script, launcherMs],
    ["build, source maps (dev)", withMaps.executable, withMaps.script, mapsMs],
  ] as const;
  // Interleaved, so all see the same machine load.
  const samples: number[][] = rows.map(() => []);
  for (let i = 0; i < runs; i++)
    for (const [n, [, path]] of rows.entries())
      samples[n]!.push((await timeToHandshake(path, { env })).ms);
  console.log(`node ${process.version}, ${runs} interleaved runs each, median start-to-handshake`);
  for (const [n, [label, , payload, buildMs]] of rows.entries()) {
    const bytes = (await stat(payload)).size;
    console.log(
      `${label.padEnd(26)} ${(bytes / 2 ** 20).toFixed(1).padStart(6)} MiB  ` +
        `built in ${(buildMs / 1000).toFixed(1).padStart(4)} s  handshake ${median(samples[n]!).toFixed(1)} ms`,
    );
  }
  for (const zip of packaged.archives)
    console.log(`zip ${zip.arch}: ${(zip.bytes / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await rm(work, { recursive: true, force: true });
}
