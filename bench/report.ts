/**
 * The one shape every `npm run bench` section returns (bench/main.ts prints
 * it, evaluates the goals on it, charts it, writes it as JSON). A section is
 * a function `(options) => Promise<SectionReport>`; to join the run, a bench
 * script exports one and bench/sections/<name>.ts calls it.
 */
import { median } from "./stats.js";

export interface BenchRow {
  /** What was measured, e.g. "ts-echo c=8" or "100 rows". */
  name: string;
  /** The headline figure: the median of the samples. */
  value: number;
  unit: string;
  /** Lowest and highest sample (rounds, spawns, runs) behind `value`. */
  spread?: { min: number; max: number };
  /**
   * The samples in run order. Rounds of interleaved sections line up across
   * rows, so a ratio can be taken round by round (goals.ts).
   */
  samples?: number[];
}

export interface SectionReport {
  /** Stable key, e.g. "query-data", "frames"; `--only` selects by it. */
  section: string;
  title: string;
  rows: BenchRow[];
  /** Anything a reader needs to read the rows right (what was skipped, why). */
  notes?: string[];
  /** What the measured processes ran on, when not the bench's own Node (e.g. "Node.js 24.22.3"). */
  runtime?: string;
}

export interface SectionOptions {
  /** Fewer calls, rounds and runs: a smoke run, not figures to quote. */
  quick: boolean;
}

export type SectionRunner = (options: SectionOptions) => Promise<SectionReport>;

/**
 * Row names the goals (goals.ts) look up, per section. A section that
 * measures one of these must name its row exactly so.
 */
export const GOAL_ROWS = {
  /** Build + encode of a 100-row time + float64 frame, in µs. */
  frame100: { section: "frames", name: "100 rows" },
  /** The packaged single executable (this machine's arch): ms, MiB. */
  packagedStart: { section: "packaged", name: "start to handshake" },
  packagedRss: { section: "packaged", name: "idle RSS" },
  /** `npm run generate` with nothing to change, in s. */
  generate: { section: "generate", name: "generate, no change" },
} as const;

/** A row from samples: median as value, min–max as spread. */
export function rowFromSamples(name: string, unit: string, samples: number[]): BenchRow {
  return {
    name,
    value: median(samples),
    unit,
    spread: { min: Math.min(...samples), max: Math.max(...samples) },
    samples,
  };
}

export function findRow(
  reports: readonly SectionReport[],
  section: string,
  name: string,
): BenchRow | undefined {
  return reports.find((r) => r.section === section)?.rows.find((row) => row.name === name);
}

/** About three significant digits: 29012 → "29012", 1.5 → "1.50", 0.01234 → "0.0123", 0.09 → "0.09". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || value === 0) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return String(Number(value.toPrecision(3)));
}

/** The section as an aligned text table, spread in brackets. */
export function formatSection(report: SectionReport): string {
  const width = Math.max(8, ...report.rows.map((r) => r.name.length));
  const lines = [report.title];
  for (const row of report.rows) {
    const spread = row.spread
      ? `  [${formatNumber(row.spread.min)}–${formatNumber(row.spread.max)}]`
      : "";
    lines.push(
      `  ${row.name.padEnd(width)} ${formatNumber(row.value).padStart(9)} ${row.unit}${spread}`,
    );
  }
  for (const note of report.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
