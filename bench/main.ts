/**
 * `npm run bench`: every figure of issue #14 in one invocation. Sections run
 * one after another (never two at once: they would measure each other):
 *
 * - query-data: QueryData via the go-plugin host, five peers interleaved,
 *   c = 1/8/32; then start to handshake and idle RSS per peer (query-data.ts);
 * - frames:     small/medium/large frame build + encode (sections/frames.ts);
 * - packaged:   the packaged example: size, start, idle RSS (package-startup.ts);
 * - generate:   the generator with nothing to change (generate.ts).
 *
 * Then the ratio table with the goals (goals.ts). A full run writes
 * bench/results/latest.json and docs/bench.svg; a --quick or --only run
 * writes bench/results/partial.json and partial.svg instead, so a smoke run
 * never replaces the published figures.
 *
 *   npm run bench [-- --quick] [-- --only query-data,frames] [-- --node current]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../test/support/example-plugin.js";
import { evaluateGoals, formatGoals } from "./goals.js";
import { QUERY_DATA_SECTION } from "./query-data-rows.js";
import { formatSection, type SectionOptions, type SectionReport } from "./report.js";
import { renderThroughputSvg } from "./svg-chart.js";

type Runner = (options: SectionOptions) => Promise<SectionReport | SectionReport[]>;

/** Quick and full QueryData settings (query-data.ts), also for the chart's round count. */
const queryDataSettings = async (quick: boolean) => {
  const { QUERY_DATA_FULL, QUERY_DATA_QUICK } = await import("./query-data.js");
  return { ...(quick ? QUERY_DATA_QUICK : QUERY_DATA_FULL), node: values.node };
};

// Each section is loaded when it runs: one that fails to load (a module
// mid-change) fails alone, and no section pays for another's imports.
const SECTIONS: { key: string; run: Runner }[] = [
  {
    key: QUERY_DATA_SECTION,
    run: async ({ quick }) =>
      (await import("./query-data.js")).benchQueryData(await queryDataSettings(quick)),
  },
  { key: "frames", run: async (o) => (await import("./sections/frames.js")).framesSection(o) },
  {
    key: "packaged",
    run: async (o) => (await import("./package-startup.js")).packageStartupSection(o),
  },
  {
    key: "generate",
    run: async (o) => (await import("./generate.js")).generateSection(o),
  },
];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    // The Node.js the QueryData peers run on (query-data.ts): 24, 24.22.3, current.
    node: { type: "string" },
  },
});
const only = values.only?.split(",").map((s) => s.trim());
for (const key of only ?? [])
  if (!SECTIONS.some((s) => s.key === key)) {
    console.error(
      `--only ${key}: no such section (sections: ${SECTIONS.map((s) => s.key).join(", ")})`,
    );
    process.exit(2);
  }
const options: SectionOptions = { quick: values.quick };
const startedAt = new Date();
const machine = describeMachine();
console.log(
  `npm run bench${options.quick ? " --quick (smoke run: do not quote these figures)" : ""}: ${machine}, run by node ${process.version}\n`,
);

const reports: SectionReport[] = [];
const failures: { section: string; error: string }[] = [];
for (const section of SECTIONS.filter((s) => !only || only.includes(s.key))) {
  const started = performance.now();
  try {
    const result = await section.run(options);
    for (const report of Array.isArray(result) ? result : [result]) {
      reports.push(report);
      console.log(`${formatSection(report)}\n`);
    }
    console.log(`  (${section.key}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push({ section: section.key, error: message });
    console.error(`${section.key} FAILED: ${message}\n`);
  }
}

const goals = evaluateGoals(reports);
console.log(formatGoals(goals));

const complete = !options.quick && !only && failures.length === 0;
const resultsDir = join(REPO_ROOT, "bench", "results");
const jsonPath = join(resultsDir, complete ? "latest.json" : "partial.json");
const svgPath = complete ? join(REPO_ROOT, "docs", "bench.svg") : join(resultsDir, "partial.svg");
const date = startedAt.toISOString().slice(0, 10);
await mkdir(resultsDir, { recursive: true });
await writeFile(
  jsonPath,
  JSON.stringify(
    { startedAt, machine, quick: options.quick, only, sections: reports, goals, failures },
    null,
    2,
  ) + "\n",
);
const written = [jsonPath];
if (reports.some((r) => r.section === QUERY_DATA_SECTION)) {
  const { rounds } = await queryDataSettings(options.quick);
  await mkdir(dirname(svgPath), { recursive: true });
  const peersOn = reports.find((r) => r.section === QUERY_DATA_SECTION)?.runtime;
  const chartMachine = peersOn ? `${machine}; Node peers on ${peersOn}` : machine;
  await writeFile(svgPath, renderThroughputSvg(reports, { date, machine: chartMachine, rounds }));
  written.push(svgPath);
}
console.log(`\nwrote ${written.map((p) => relative(REPO_ROOT, p)).join(", ")}`);
if (failures.length > 0) {
  console.error(`failed sections: ${failures.map((f) => f.section).join(", ")}`);
  process.exitCode = 1;
}

/** The hardware; which Node.js the peers run on is each section's own note (query-data: --node). */
function describeMachine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  return `${cpu.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}-${process.arch}`;
}
