// Small, medium and large frames, built and encoded: `npx tsx bench/small-frames.ts`
//
// A plugin builds a frame per query from typed arrays (milliseconds for time) and encodes it to
// Arrow; for small frames the fixed per-frame cost (schema, metadata JSON, flatbuffers) dominates.
// Four cases: time + float64 at 10, 100 and 10k rows, and 100 rows with labels, a field config and
// a string field. Each is timed two ways, interleaved round by round so machine load hits both
// alike: "before" encodes with apache-arrow's writer (frameToArrowReference, the encoder the cache
// falls back to for a new shape), "after" with frameToArrow. Both build the frame with the same
// builders. The byte length of the output is printed with whether both encoders wrote the same
// bytes (the golden tests prove those bytes against the Go SDK's). µs per frame: median over rounds
// after warm-up rounds, with the interquartile range.
//
// smallFrameFigures() returns the figures for the `npm run bench` orchestrator.

import { pathToFileURL } from "node:url";
import type { Frame } from "../runtime/frames/index.js";
import {
  float64Field,
  frameToArrow,
  newFrame,
  stringField,
  timeField,
} from "../runtime/frames/index.js";
import { frameToArrowReference } from "../runtime/frames/arrow-encode-reference.js";
import { median } from "./stats.js";

export interface SmallFrameFigure {
  case: string;
  rows: number;
  /** Encoded length in bytes. */
  bytes: number;
  /** Both encoders wrote the same bytes. */
  identical: boolean;
  /** µs per frame, build + encode with apache-arrow's writer: median, 25th and 75th percentile. */
  before: Spread;
  /** µs per frame, build + frameToArrow. */
  after: Spread;
  /** before / after per round: median, 25th and 75th percentile. */
  speedup: Spread;
}

export interface Spread {
  median: number;
  p25: number;
  p75: number;
}

export interface SmallFrameOptions {
  /** Timed rounds per case (each times both encoders); default 15. */
  rounds?: number;
  /** Untimed rounds first; default 3. */
  warmups?: number;
}

interface Case {
  name: string;
  rows: number;
  build: () => Frame;
}

function cases(): Case[] {
  const start = Date.UTC(2024, 0, 1);
  const series = (rows: number): Case => {
    const ms = new Float64Array(rows).map((_, i) => start + i * 1000);
    const values = new Float64Array(rows).map((_, i) => Math.sin(i / 10));
    return {
      name: `time + float64, ${rows} rows`,
      rows,
      build: () => newFrame("series", timeField("time", ms), float64Field("value", values)),
    };
  };
  const rows = 100;
  const ms = new Float64Array(rows).map((_, i) => start + i * 1000);
  const values = new Float64Array(rows).map((_, i) => Math.sin(i / 10));
  const status = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? "degraded" : "ok"));
  const labelled: Case = {
    name: `labels + config + string, ${rows} rows`,
    rows,
    // Fresh option objects per frame, as a query handler writes them.
    build: () =>
      newFrame(
        { name: "cpu", refId: "A" },
        timeField("time", ms),
        float64Field("value", values, {
          labels: { host: "web-1", region: "eu-west" },
          config: { unit: "percent", decimals: 1 },
        }),
        stringField("status", status),
      ),
  };
  return [series(10), series(100), series(10_000), labelled];
}

/** Microseconds per frame of `iterations` calls of `fn`. */
function microsPerCall(fn: () => unknown, iterations: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) * 1000) / iterations;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: median(values), p25: at(0.25), p75: at(0.75) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Times every case (see the file comment) and returns the figures. */
export function smallFrameFigures(options: SmallFrameOptions = {}): SmallFrameFigure[] {
  const rounds = options.rounds ?? 15;
  const warmups = options.warmups ?? 3;
  return cases().map((c) => {
    // About 5 ms of work per timed batch, whatever the frame size.
    const iterations = Math.max(5, Math.round(200_000 / (c.rows + 1_000)));
    const before = () => frameToArrowReference(c.build());
    const after = () => frameToArrow(c.build());
    const beforeTimes: number[] = [];
    const afterTimes: number[] = [];
    for (let round = 0; round < warmups + rounds; round++) {
      // Alternate which encoder goes first, so neither always runs on a freshly collected heap.
      const [a, b] =
        round % 2 === 0
          ? [microsPerCall(before, iterations), microsPerCall(after, iterations)]
          : [microsPerCall(before, iterations), microsPerCall(after, iterations)].reverse();
      if (round < warmups) continue;
      beforeTimes.push(round % 2 === 0 ? a : b);
      afterTimes.push(round % 2 === 0 ? b : a);
    }
    const frame = c.build();
    const ours = frameToArrow(frame);
    return {
      case: c.name,
      rows: c.rows,
      bytes: ours.length,
      identical: sameBytes(ours, frameToArrowReference(frame)),
      before: spread(beforeTimes),
      after: spread(afterTimes),
      speedup: spread(beforeTimes.map((t, i) => t / afterTimes[i]!)),
    };
  });
}

export function printSmallFrameFigures(figures: SmallFrameFigure[]): void {
  const us = (s: Spread) => `${s.median.toFixed(1)} (${s.p25.toFixed(1)}–${s.p75.toFixed(1)})`;
  const x = (s: Spread) => `${s.median.toFixed(2)}× (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`;
  console.log("\nframe build + encode, µs per frame: median (interquartile range)");
  console.log(
    `  ${"case".padEnd(36)}${"bytes".padStart(8)}  same  ${"apache-arrow writer".padEnd(24)}${"frameToArrow".padEnd(24)}speed-up`,
  );
  for (const f of figures) {
    console.log(
      `  ${f.case.padEnd(36)}${String(f.bytes).padStart(8)}  ${(f.identical ? "yes" : "NO").padEnd(4)}  ${us(f.before).padEnd(24)}${us(f.after).padEnd(24)}${x(f.speedup)}`,
    );
  }
  const medium = figures.find((f) => f.case === "time + float64, 100 rows");
  if (medium)
    console.log(`  100-row time + float64: ${medium.after.median.toFixed(1)} µs (goal ≤ 25)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printSmallFrameFigures(smallFrameFigures());
}
