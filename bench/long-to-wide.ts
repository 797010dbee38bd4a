// Long → wide on a million rows: `npx tsx bench/long-to-wide.ts`
//
// A long frame as a SQL query returns it: time (sorted, one row per series per step), two label
// columns (host × region) and one float64 value. 1,000,000 rows = 10,000 times × 100 series. Prints
// the median time of longToWide without fill and with fill "previous" (which adds a pass over every
// output cell), and rows per second. Figures are medians over repeated runs after a warm-up.

import {
  float64Field,
  longToWide,
  newFrame,
  stringField,
  timeField,
  type Frame,
} from "../runtime/frames/index.js";
import { medianMsPerCall } from "./stats.js";

const timed = (fn: () => unknown) => medianMsPerCall(fn, { warmups: 2, minRuns: 7, minMs: 3000 });

const TIMES = 10_000;
const HOSTS = 25;
const REGIONS = 4;
const SERIES = HOSTS * REGIONS;
const ROWS = TIMES * SERIES;

function longFrame(): Frame {
  const time = new Float64Array(ROWS);
  const value = new Float64Array(ROWS);
  const host = new Array<string>(ROWS);
  const region = new Array<string>(ROWS);
  const hostNames = Array.from({ length: HOSTS }, (_, i) => `host-${i}`);
  const regionNames = ["eu-west", "eu-north", "us-east", "ap-south"];
  for (let t = 0, r = 0; t < TIMES; t++) {
    for (let s = 0; s < SERIES; s++, r++) {
      time[r] = 1_700_000_000_000 + t * 15_000;
      host[r] = hostNames[s % HOSTS];
      region[r] = regionNames[Math.floor(s / HOSTS)];
      value[r] = Math.sin(t / 50 + s);
    }
  }
  return newFrame(
    "long",
    timeField("time", time),
    stringField("host", host),
    stringField("region", region),
    float64Field("value", value),
  );
}

const input = longFrame();
const check = longToWide(input);
if (check.fields.length !== SERIES + 1 || check.rowCount() !== TIMES) {
  throw new Error(`unexpected shape: ${check.fields.length} fields × ${check.rowCount()} rows`);
}

const plain = timed(() => longToWide(input));
const previous = timed(() => longToWide(input, { mode: "previous" }));
const rate = (ms: number): string => `${(((ROWS / ms) * 1000) / 1e6).toFixed(1)}M rows/s`;

console.log(
  `long-to-wide: ${ROWS.toLocaleString("en")} rows (time + 2 labels + value), ${SERIES} series × ${TIMES} times`,
);
console.log(`  longToWide (no fill)        ${plain.toFixed(1).padStart(7)} ms  ${rate(plain)}`);
console.log(
  `  longToWide (fill previous)  ${previous.toFixed(1).padStart(7)} ms  ${rate(previous)}`,
);
