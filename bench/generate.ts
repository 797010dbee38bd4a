/**
 * `generate` with nothing to change, as a user runs it
 * (`node bin/grafana-plugin-ts.js generate`), timed whole and per step (the
 * `✓ step (x s)` lines it prints), median of N runs. It generates into a
 * temporary copy of output/ (one untimed run first brings the copy up to
 * date and fills generate's caches), so a bench never rewrites output/ in a
 * working tree others are editing. Also times the CLI's start alone
 * (`--version`): in a checkout that is tsx loading TypeScript.
 *
 * `--against DIR` times another checkout (e.g. `git archive HEAD` unpacked,
 * node_modules linked) in the same run, alternating run by run, so both see
 * the same machine load.
 *
 *   npx tsx bench/generate.ts [--runs 5] [--against DIR]
 */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { GOAL_ROWS, formatSection, rowFromSamples, type SectionReport } from "./report.js";
import { median } from "./stats.js";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface GenerateFigures {
  root: string;
  /** Whole runs, in s. */
  totals: number[];
  /** `--version` runs, in s: process start plus loading the CLI. */
  starts: number[];
  /** Step name → seconds per run, as the command printed them. */
  steps: Map<string, number[]>;
}

/** Times `roots` (checkouts with bin/ and proto/), alternating run by run. */
export async function measureGenerate(roots: string[], runs: number): Promise<GenerateFigures[]> {
  const work = await mkdtemp(join(tmpdir(), "gpts-bench-generate-"));
  try {
    const figures = roots.map((root) => ({
      root,
      out: join(work, String(roots.indexOf(root)), "output"),
      totals: [] as number[],
      starts: [] as number[],
      steps: new Map<string, number[]>(),
    }));
    for (const f of figures) {
      await cp(join(f.root, "output"), f.out, { recursive: true });
      runCli(f.root, ["generate", "--out", f.out]);
    }
    for (let i = 0; i < runs; i++) {
      for (const f of figures) {
        const run = runCli(f.root, ["generate", "--out", f.out]);
        f.totals.push(run.seconds);
        for (const [step, s] of stepTimes(run.stdout))
          f.steps.set(step, [...(f.steps.get(step) ?? []), s]);
        f.starts.push(runCli(f.root, ["--version"]).seconds);
      }
    }
    return figures.map(({ out: _out, ...f }) => f);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The `npm run bench` section: this checkout, median of 5 runs (1 with --quick). */
export async function generateSection({ quick }: { quick: boolean }): Promise<SectionReport> {
  const [figures] = await measureGenerate([REPO_ROOT], quick ? 1 : 5);
  return report(figures!, quick ? 1 : 5);
}

function report(f: GenerateFigures, runs: number): SectionReport {
  return {
    section: GOAL_ROWS.generate.section,
    title: `generate with nothing to change (s, median of ${runs} [min–max])`,
    rows: [
      rowFromSamples(GOAL_ROWS.generate.name, "s", f.totals),
      rowFromSamples("CLI start (--version)", "s", f.starts),
      ...[...f.steps].map(([step, samples]) => rowFromSamples(`  ${step}`, "s", samples)),
    ],
    notes: [
      `${f.root}; steps overlap (buf's runs are concurrent), so they do not add up to the total`,
    ],
  };
}

function runCli(root: string, args: string[]): { seconds: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(root, "bin", "grafana-plugin-ts.js"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0)
    throw new Error(`${root}: ${args.join(" ")} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  return { seconds, stdout: run.stdout };
}

/** `✓ lint protos (buf, MINIMAL rules) (0.21 s)` → ["lint protos (buf, MINIMAL rules)", 0.21]. */
function stepTimes(stdout: string): [string, number][] {
  return [...stdout.matchAll(/^✓ (.*) \((\d+(?:\.\d+)?) s\)$/gm)].map((m) => [m[1]!, Number(m[2])]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "5" }, against: { type: "string" } },
  });
  const runs = Number(values.runs);
  const roots = [REPO_ROOT, ...(values.against ? [resolve(values.against)] : [])];
  const figures = await measureGenerate(roots, runs);
  for (const f of figures) console.log(`${formatSection(report(f, runs))}\n`);
  if (figures.length === 2) {
    const [ours, theirs] = figures as [GenerateFigures, GenerateFigures];
    const ratios = ours.totals.map((t, i) => t / theirs.totals[i]!);
    console.log(
      `this checkout / --against, run by run: median ${median(ratios).toFixed(2)}× [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`,
    );
  }
}
