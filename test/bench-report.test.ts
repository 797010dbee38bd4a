// The pure parts of `npm run bench`: the goal table (ratios paired round by
// round, absolute limits, ✓/✗) and the SVG chart (well-formed XML, one bar
// per peer and concurrency, text escaped), on hand-made section reports.

import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { absoluteCheck, evaluateGoals, formatGoals, ratioCheck } from "../bench/goals.js";
import {
  CONCURRENCY,
  PEERS,
  PLUGIN_START_SECTION,
  QUERY_DATA_SECTION,
  startRowName,
  throughputRowName,
} from "../bench/query-data-rows.js";
import {
  GOAL_ROWS,
  formatNumber,
  formatSection,
  rowFromSamples,
  type SectionReport,
} from "../bench/report.js";
import { escapeXml, niceStep, renderThroughputSvg } from "../bench/svg-chart.js";

/** calls/s per peer (three rounds, ±10 %), p99 per peer, at every concurrency. */
function queryDataReport(
  rates: Record<string, number>,
  p99: Record<string, number>,
): SectionReport {
  const rows = Object.keys(rates).flatMap((peer) =>
    CONCURRENCY.flatMap((c) => [
      rowFromSamples(throughputRowName(peer, c, "calls/s"), "calls/s", [
        rates[peer]! * 0.9,
        rates[peer]!,
        rates[peer]! * 1.1,
      ]),
      rowFromSamples(throughputRowName(peer, c, "p99"), "ms", [p99[peer]!]),
    ]),
  );
  return { section: QUERY_DATA_SECTION, title: "QueryData", rows };
}

const queryData = queryDataReport(
  { go: 29_000, floor: 10_000, naive: 7_500, "ts-echo": 8_000, "ts-example": 4_000 },
  { go: 1, floor: 2, naive: 3, "ts-echo": 4, "ts-example": 5 },
);
const others: SectionReport[] = [
  {
    section: PLUGIN_START_SECTION,
    title: "start",
    rows: [{ name: startRowName("ts-example", "rss"), value: 44, unit: "MiB" }],
  },
  {
    section: GOAL_ROWS.frame100.section,
    title: "frames",
    rows: [{ name: GOAL_ROWS.frame100.name, value: 30, unit: "µs" }],
  },
  {
    section: GOAL_ROWS.packagedStart.section,
    title: "packaged",
    rows: [
      { name: GOAL_ROWS.packagedStart.name, value: 55, unit: "ms" },
      { name: GOAL_ROWS.packagedRss.name, value: 50, unit: "MiB" },
    ],
  },
  {
    section: GOAL_ROWS.generate.section,
    title: "generate",
    rows: [{ name: GOAL_ROWS.generate.name, value: 2, unit: "s" }],
  },
];

describe("goals", () => {
  it("pairs ratios round by round: median and min–max of the per-round ratios", () => {
    const a = rowFromSamples("a", "calls/s", [100, 300, 200]);
    const b = rowFromSamples("b", "calls/s", [100, 100, 400]);
    const check = ratioCheck("a / b", a, b, { kind: "at least", target: 1, unit: "×" });
    // Per round: 1, 3, 0.5 → median 1, not median(a) / median(b) = 2.
    expect(check).toMatchObject({ value: 1, spread: { min: 0.5, max: 3 }, met: true });
  });

  it("falls back to the ratio of the values when rounds do not line up", () => {
    const check = ratioCheck(
      "x",
      { name: "a", value: 3, unit: "ms" },
      rowFromSamples("b", "ms", [1, 2]),
      { kind: "at most", target: 1.5, unit: "×" },
    );
    expect(check).toMatchObject({ value: 2, met: false });
    expect(check.spread).toBeUndefined();
  });

  it("says 'not measured' instead of guessing when a row is missing", () => {
    const check = ratioCheck("x", undefined, rowFromSamples("b", "ms", [1]), {
      kind: "at least",
      target: 1,
      unit: "×",
    });
    expect(check).toMatchObject({ value: undefined, met: undefined });
    expect(formatGoals([check])).toContain("not measured");
  });

  it("refuses to compare a row with a goal in another unit", () => {
    expect(() =>
      absoluteCheck(
        "frame",
        { name: "100 rows", value: 0.03, unit: "ms" },
        {
          kind: "at most",
          target: 25,
          unit: "µs",
        },
      ),
    ).toThrow(/in ms, the goal in µs/);
  });

  it("evaluates every goal of issue #14 with ✓/✗", () => {
    const checks = evaluateGoals([queryData, ...others]);
    const byLabel = Object.fromEntries(checks.map((c) => [c.label, c]));
    for (const c of CONCURRENCY) {
      expect(byLabel[`ours / naive calls/s, c=${c}`]).toMatchObject({ met: true });
      expect(byLabel[`ours / naive calls/s, c=${c}`]!.value).toBeCloseTo(8_000 / 7_500);
      expect(byLabel[`ours / floor calls/s, c=${c}`]).toMatchObject({ value: 0.8, met: undefined });
      expect(byLabel[`example / ours calls/s, c=${c}`]).toMatchObject({ value: 0.5, met: false });
      expect(byLabel[`ours p99 / floor p99, c=${c}`]).toMatchObject({ value: 2, met: false });
    }
    expect(byLabel["100-row frame build + encode"]).toMatchObject({ value: 30, met: false });
    expect(byLabel["idle RSS, example (node launcher)"]).toMatchObject({ met: true });
    expect(byLabel["idle RSS, packaged"]).toMatchObject({ met: false });
    expect(byLabel["packaged start to handshake"]).toMatchObject({ met: true });
    // At the limit counts as met.
    expect(byLabel["generate, no change"]).toMatchObject({ value: 2, met: true });

    const table = formatGoals(checks);
    expect(table.split("\n")).toHaveLength(checks.length + 1);
    expect(table).toMatch(/ours \/ naive calls\/s, c=8 +1\.07× \[1\.07–1\.07\] +≥ 1× +✓/);
    expect(table).toMatch(/100-row frame build \+ encode +30\.0 µs +≤ 25 µs +✗/);
  });
});

describe("section text", () => {
  it("prints the median with its min–max and the notes", () => {
    const text = formatSection({
      section: "s",
      title: "title",
      rows: [rowFromSamples("ts-echo c=8", "calls/s", [5_100, 5_250.4, 4_900])],
      notes: ["a note"],
    });
    expect(text).toBe("title\n  ts-echo c=8      5100 calls/s  [4900–5250]\n  note: a note");
    expect([0, 0.01234, 0.09, 1.5, 12.34, 29_012].map(formatNumber)).toEqual([
      "0",
      "0.0123",
      "0.09",
      "1.50",
      "12.3",
      "29012",
    ]);
  });
});

describe("SVG chart", () => {
  const meta = { date: "2026-12-01", machine: 'node v20 <2 × "CPU" & co>', rounds: 3 };
  const svg = renderThroughputSvg([queryData], meta);

  it("is well-formed XML (parsed by a real XML parser when one is installed)", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // Every element opened is closed, in order (the structure check that needs no parser).
    const stack: string[] = [];
    for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
    const python = parsedByPython(svg);
    if (python === undefined)
      console.warn("[bench-report] python3 absent: XML parser check skipped");
    else expect(python).toBe("svg");
  });

  it("draws one bar per peer and concurrency, with calls/s and p99 above it", () => {
    const bars = [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1]);
    expect(bars).toHaveLength(PEERS.length * CONCURRENCY.length);
    expect(bars).toContain("our runtime, c=8: 8k calls/s");
    expect(svg).toContain(">p99 4.00</text>");
    expect(svg).toContain(">29k</text>");
    for (const c of CONCURRENCY) expect(svg).toContain(`>c = ${c}</text>`);
  });

  it("puts the date and the machine in the title, escaped", () => {
    expect(svg).toContain("2026-12-01 · node v20 &lt;2 × &quot;CPU&quot; &amp; co&gt;");
    expect(escapeXml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });

  it("charts only the peers the run measured, and refuses a run without QueryData", () => {
    const two = queryDataReport({ floor: 10, "ts-echo": 5 }, { floor: 1, "ts-echo": 2 });
    const partial = renderThroughputSvg([two], meta);
    expect(partial.match(/<title>/g)).toHaveLength(2 * CONCURRENCY.length);
    expect(partial).not.toContain("Go reference");
    expect(() => renderThroughputSvg(others, meta)).toThrow(/no QueryData figures/);
  });

  it("picks tick steps that read well", () => {
    expect([0.7, 1, 1.2, 2.4, 4.1, 7_300, 12_000].map(niceStep)).toEqual([
      1, 1, 2, 2.5, 5, 10_000, 20_000,
    ]);
  });
});

/** The root element's tag as Python's expat-based parser reads it; undefined without python3. */
function parsedByPython(xml: string): string | undefined {
  try {
    return execFileSync(
      "python3",
      ["-c", "import sys, xml.etree.ElementTree as E; print(E.fromstring(sys.stdin.read()).tag)"],
      { input: xml, encoding: "utf8" },
    )
      .trim()
      .replace("{http://www.w3.org/2000/svg}", "");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
