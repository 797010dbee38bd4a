// The frame transforms against golden frames: each case builds an input frame, runs a transform
// and compares the result, written by our frames JSON codec, with a file in
// test/fixtures/frames-transforms/ (compared without whitespace: the files are prettier-formatted). That folder's README says why each expected output is what
// the Go SDK produces for the same input. UPDATE_FRAME_GOLDENS=1 rewrites the files (then read
// the diff against the README before committing).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  boolField,
  float64Field,
  frameFromJSON,
  frameFromObjects,
  frameToJSON,
  int64Field,
  longToWide,
  newFrame,
  resampleWideFrame,
  stringField,
  timeField,
  wideToLong,
  type Frame,
} from "../runtime/frames/index.js";
import { repoRoot } from "./support/frames-golden.js";

const dir = path.join(repoRoot, "test/fixtures/frames-transforms");
const T0 = Date.UTC(2024, 0, 1); // times in ms; the codec writes them as ms too
const t = (seconds: number): number => T0 + seconds * 1000;

/** Five rows at three times; host "a" has nothing at the second time. */
function longHosts(): Frame {
  return newFrame(
    { name: "hosts", refId: "A" },
    timeField("time", [t(0), t(0), t(10), t(20), t(20)]),
    float64Field("cpu", [1, 2, 3, 4, 5]),
    int64Field("mem", [10n, 20n, 30n, 40n, 50n]),
    stringField("host", ["a", "b", "b", "a", "b"]),
  );
}

/** longHosts plus host "c", seen only at the second time. */
function longLateSeries(): Frame {
  return newFrame(
    "hosts",
    timeField("time", [t(0), t(0), t(10), t(10), t(20), t(20)]),
    float64Field("cpu", [1, 2, 3, 6, 4, 5]),
    int64Field("mem", [10n, 20n, 30n, 60n, 40n, 50n]),
    stringField("host", ["a", "b", "b", "c", "a", "b"]),
  );
}

/** Two factors (a nullable string, a bool), a nullable value with a null, a duplicate row. */
function longTwoFactors(): Frame {
  return newFrame(
    { name: "zones", meta: { executedQueryString: "SELECT …" } },
    timeField("time", [t(0), t(0), t(0), t(5), t(5)]),
    stringField("zone", ["west", null, "east", "west", "west"]),
    boolField("active", [true, false, true, true, true]),
    float64Field("load", [0.5, 0.25, null, 0.75, 0.9]),
  );
}

function wideHosts(): Frame {
  return newFrame(
    { name: "hosts", meta: { type: "timeseries-wide", typeVersion: [0, 1] } },
    timeField("time", [t(0), t(10)]),
    float64Field("cpu", [1, 3], { labels: { host: "a" } }),
    float64Field("cpu", [2, 4], { labels: { host: "b" } }),
    int64Field("mem", [10n, 30n], { labels: { host: "a" } }),
    float64Field("temp", [36.6, 36.7]),
  );
}

/** Irregular points for a 30 s grid: 0 s, 25 s and 61 s. */
function wideIrregular(): Frame {
  return newFrame(
    "irregular",
    timeField("time", [t(0), t(25), t(61)]),
    float64Field("value", [1, 2, 3], { labels: { sensor: "s1" } }),
  );
}

const grid = { fromMs: t(0), toMs: t(90), intervalMs: 30_000 };

const cases: Array<[string, () => Frame]> = [
  ["long-to-wide-no-fill", () => longToWide(longHosts())],
  ["long-to-wide-fill-null", () => longToWide(longLateSeries(), { mode: "null" })],
  ["long-to-wide-fill-previous", () => longToWide(longLateSeries(), { mode: "previous" })],
  ["long-to-wide-fill-value", () => longToWide(longLateSeries(), { mode: "value", value: -1.9 })],
  ["long-to-wide-two-factors", () => longToWide(longTwoFactors())],
  ["wide-to-long", () => wideToLong(wideHosts())],
  ["resample-fill-previous", () => resampleWideFrame(wideIrregular(), { mode: "previous" }, grid)],
  [
    "resample-fill-value",
    () => resampleWideFrame(wideIrregular(), { mode: "value", value: 0 }, grid),
  ],
  [
    "frame-from-objects",
    () =>
      frameFromObjects(
        [
          { host: "a", cpu: 0.5, at: new Date(t(0)), disk: { used: 10, free: 90 } },
          { host: "b", cpu: null, at: new Date(t(10)), disk: { used: 20 } },
          { host: "c", up: true, at: new Date(t(20)) },
        ],
        { name: "objects", column0: "at" },
      ),
  ],
];

/** `text` without the whitespace between tokens (the fixtures are kept prettier-formatted). */
function compact(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (m) => (m.startsWith('"') ? m : ""));
}

describe("frame transforms match their golden frames", () => {
  it.each(cases)("%s", async (name, build) => {
    const text = frameToJSON(build());
    const file = path.join(dir, `${name}.json`);
    if (process.env.UPDATE_FRAME_GOLDENS === "1") {
      const prettier = await import("prettier");
      const config = await prettier.resolveConfig(file);
      writeFileSync(file, await prettier.format(text, { ...config, filepath: file }));
    }
    expect(existsSync(file), `${file} is missing (UPDATE_FRAME_GOLDENS=1 writes it)`).toBe(true);
    const golden = readFileSync(file, "utf8");
    expect(text).toBe(compact(golden));
    // The golden decodes back to the same frame, so it is a frame our codec reads too.
    expect(frameToJSON(frameFromJSON(golden))).toBe(text);
  });
});
