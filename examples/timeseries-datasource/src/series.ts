/**
 * The generator: timestamps across a query's time range, and per series a
 * random walk or a sine wave, as Grafana data frames (one frame per series,
 * "timeseries-multi").
 */
import { float64Field, newFrame, timeField, type Frame } from "grafana-plugin-ts/runtime/frames";

export type SeriesType = "randomWalk" | "sine";

export const SERIES_TYPES: { type: SeriesType; description: string; options: string[] }[] = [
  {
    type: "randomWalk",
    description: "a random walk starting at `offset`, steps up to `amplitude`",
    options: ["seriesCount", "amplitude", "offset", "seed", "alias"],
  },
  {
    type: "sine",
    description: "a sine wave of `amplitude` around `offset`, one cycle per `periodMs`",
    options: ["seriesCount", "amplitude", "offset", "periodMs", "alias"],
  },
];

export interface SeriesOptions {
  seriesCount: number;
  amplitude: number;
  offset: number;
  periodMs: number;
  seed: number;
  alias?: string | undefined;
}

/** At most `maxPoints` evenly spaced times from `fromMs` to `toMs`, no closer than `intervalMs`. */
export function timestamps(
  fromMs: number,
  toMs: number,
  intervalMs: number,
  maxPoints: number,
): Float64Array {
  const span = Math.max(0, toMs - fromMs);
  const points = Math.max(1, Math.min(maxPoints, 10_000));
  const step = Math.max(intervalMs, span / Math.max(1, points - 1), 1);
  const count = Math.min(points, Math.floor(span / step) + 1);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = Math.round(fromMs + i * step);
  return times;
}

export function generate(type: SeriesType, times: Float64Array, options: SeriesOptions): Frame[] {
  const frames: Frame[] = [];
  for (let s = 0; s < options.seriesCount; s++)
    frames.push(seriesFrame(type, times, seriesValues(type, times, options, s), options, s));
  return frames;
}

/** The values of series `s` (0-based) at `times`. */
export function seriesValues(
  type: SeriesType,
  times: Float64Array,
  options: SeriesOptions,
  s: number,
): Float64Array {
  return type === "sine" ? sine(times, options, s) : randomWalk(times, options, s);
}

/** Series `s` as a frame; a slice of its times and values gives a chunk of it. */
export function seriesFrame(
  type: SeriesType,
  times: Float64Array,
  values: Float64Array,
  options: SeriesOptions,
  s: number,
): Frame {
  const name = seriesName(type, options, s);
  return newFrame(
    { name, meta: { type: "timeseries-multi", typeVersion: [0, 1] } },
    timeField("time", times),
    float64Field("value", values, {
      labels: { series: String(s + 1) },
      config: { displayNameFromDS: name },
    }),
  );
}

export function seriesName(type: SeriesType, options: SeriesOptions, s: number): string {
  return `${options.alias ?? type}-${s + 1}`;
}

function sine(times: Float64Array, o: SeriesOptions, series: number): Float64Array {
  const phase = (series * Math.PI) / Math.max(1, o.seriesCount);
  return times.map(
    (t) => o.offset + o.amplitude * Math.sin((2 * Math.PI * t) / o.periodMs + phase),
  );
}

function randomWalk(times: Float64Array, o: SeriesOptions, series: number): Float64Array {
  const random = mulberry32(o.seed + series * 7919);
  let value = o.offset;
  return times.map(() => (value += (random() * 2 - 1) * o.amplitude));
}

/** A small seeded PRNG, so the same query draws the same walk. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
