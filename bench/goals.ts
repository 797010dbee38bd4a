/**
 * Issue #14's goals, evaluated on one run's sections: the ratios between
 * peers per concurrency and the absolute limits (frame, RSS, start,
 * generate), each with ✓/✗ next to its goal.
 *
 * Ratios between peers are taken round by round (the rounds are
 * interleaved, so round i of two peers saw the same machine), and reported
 * as the median of those per-round ratios with their min–max, which keeps a
 * noisy round from tilting one side only.
 */
import { GOAL_ROWS, findRow, formatNumber, type BenchRow, type SectionReport } from "./report.js";
import {
  CONCURRENCY,
  PLUGIN_START_SECTION,
  QUERY_DATA_SECTION,
  startRowName,
  throughputRowName,
} from "./query-data-rows.js";
import { median } from "./stats.js";

export interface Goal {
  /** "at least" for figures that should be high (throughput), "at most" otherwise. */
  kind: "at least" | "at most";
  target: number;
  unit: string;
}

export interface GoalCheck {
  label: string;
  /** undefined when the run did not measure it (section skipped or failed). */
  value: number | undefined;
  unit: string;
  spread?: { min: number; max: number };
  /** Absent for figures reported for information ("how far from the floor"). */
  goal?: Goal;
  /** undefined when there is no goal or no value. */
  met: boolean | undefined;
}

/** Every check of issue #14, in the order the table prints them. */
export function evaluateGoals(reports: readonly SectionReport[]): GoalCheck[] {
  const checks: GoalCheck[] = [];
  const q = (peer: string, c: number, metric: "calls/s" | "p99") =>
    findRow(reports, QUERY_DATA_SECTION, throughputRowName(peer, c, metric));
  for (const c of CONCURRENCY) {
    checks.push(
      ratioCheck(
        `ours / naive calls/s, c=${c}`,
        q("ts-echo", c, "calls/s"),
        q("naive", c, "calls/s"),
        {
          kind: "at least",
          target: 1,
          unit: "×",
        },
      ),
      ratioCheck(
        `ours / floor calls/s, c=${c}`,
        q("ts-echo", c, "calls/s"),
        q("floor", c, "calls/s"),
      ),
      ratioCheck(
        `example / ours calls/s, c=${c}`,
        q("ts-example", c, "calls/s"),
        q("ts-echo", c, "calls/s"),
        {
          kind: "at least",
          target: 0.6,
          unit: "×",
        },
      ),
      ratioCheck(`ours p99 / floor p99, c=${c}`, q("ts-echo", c, "p99"), q("floor", c, "p99"), {
        kind: "at most",
        target: 1.5,
        unit: "×",
      }),
    );
  }
  const row = (key: keyof typeof GOAL_ROWS) =>
    findRow(reports, GOAL_ROWS[key].section, GOAL_ROWS[key].name);
  checks.push(
    absoluteCheck("100-row frame build + encode", row("frame100"), {
      kind: "at most",
      target: 25,
      unit: "µs",
    }),
    absoluteCheck(
      "idle RSS, example (node launcher)",
      findRow(reports, PLUGIN_START_SECTION, startRowName("ts-example", "rss")),
      { kind: "at most", target: 45, unit: "MiB" },
    ),
    absoluteCheck("idle RSS, packaged", row("packagedRss"), {
      kind: "at most",
      target: 45,
      unit: "MiB",
    }),
    absoluteCheck("packaged start to handshake", row("packagedStart"), {
      kind: "at most",
      target: 60,
      unit: "ms",
    }),
    absoluteCheck("generate, no change", row("generate"), {
      kind: "at most",
      target: 2,
      unit: "s",
    }),
  );
  return checks;
}

/** a / b: per round when both have aligned samples, else of the medians. */
export function ratioCheck(
  label: string,
  a: BenchRow | undefined,
  b: BenchRow | undefined,
  goal?: Goal,
): GoalCheck {
  if (!a || !b) return { label, value: undefined, unit: "×", goal, met: undefined };
  const paired =
    a.samples && b.samples && a.samples.length === b.samples.length && a.samples.length > 0
      ? a.samples.map((x, i) => x / b.samples![i]!)
      : undefined;
  const value = paired ? median(paired) : a.value / b.value;
  const spread = paired ? { min: Math.min(...paired), max: Math.max(...paired) } : undefined;
  return { label, value, unit: "×", spread, goal, met: goal ? meets(value, goal) : undefined };
}

export function absoluteCheck(label: string, row: BenchRow | undefined, goal: Goal): GoalCheck {
  if (!row) return { label, value: undefined, unit: goal.unit, goal, met: undefined };
  if (row.unit !== goal.unit)
    throw new Error(`${label}: row "${row.name}" is in ${row.unit}, the goal in ${goal.unit}`);
  return {
    label,
    value: row.value,
    unit: row.unit,
    spread: row.spread,
    goal,
    met: meets(row.value, goal),
  };
}

function meets(value: number, goal: Goal): boolean {
  return goal.kind === "at least" ? value >= goal.target : value <= goal.target;
}

/** The checks as a text table: value [spread], goal, ✓ / ✗ / "–" (not measured or no goal). */
export function formatGoals(checks: readonly GoalCheck[]): string {
  const width = Math.max(...checks.map((c) => c.label.length));
  const lines = ["ratios and goals (median [min–max])"];
  for (const check of checks) {
    const value =
      check.value === undefined
        ? "not measured"
        : `${formatNumber(check.value)}${check.unit === "×" ? "×" : ` ${check.unit}`}`;
    const spread = check.spread
      ? `[${formatNumber(check.spread.min)}–${formatNumber(check.spread.max)}]`
      : "";
    const goal = check.goal
      ? `${check.goal.kind === "at least" ? "≥" : "≤"} ${check.goal.target}${check.goal.unit === "×" ? "×" : ` ${check.goal.unit}`}`
      : "(for information)";
    const mark = check.met === undefined ? "–" : check.met ? "✓" : "✗";
    lines.push(
      `  ${check.label.padEnd(width)}  ${value.padStart(12)} ${spread.padEnd(15)} ${goal.padEnd(17)} ${mark}`,
    );
  }
  return lines.join("\n");
}
