/**
 * The interval a query should step by: Grafana's calculation (pkg/tsdb/intervalv2 `Calculate`),
 * which every Go data source runs with its time range and maxDataPoints. Span / max points, in
 * whole nanoseconds as Go divides them, raised to the minimum interval if below it, else rounded
 * to a nice value (round-interval.ts). `text` is what `$__interval` expands to.
 */
import { formatInterval } from "./duration.js";
import { roundInterval } from "./round-interval.js";

/** A query's time range in epoch milliseconds (the SDK's TimeRange has these fields). */
export interface QueryTimeRange {
  fromMs: number;
  toMs: number;
}

export interface CalculatedInterval {
  /** The interval in milliseconds. */
  ms: number;
  /** The interval as Grafana writes it: "20s", "1m", "1d" (gtime.FormatInterval). */
  text: string;
}

/** Points Grafana aims for when a query gives no maxDataPoints (intervalv2.DefaultRes). */
export const DEFAULT_RESOLUTION = 1500;

export interface IntervalOptions {
  /** The query's maxDataPoints; 0 or absent means {@link DEFAULT_RESOLUTION}. */
  maxDataPoints?: number;
  /** Never go below this many ms (see intervalFrom for where it comes from). Default 1 ms. */
  minIntervalMs?: number;
}

/** The step for `range` at `maxDataPoints`, per Grafana's interval calculator. */
export function calculateInterval(
  range: QueryTimeRange,
  options: IntervalOptions = {},
): CalculatedInterval {
  const resolution = Math.trunc(options.maxDataPoints ?? 0) || DEFAULT_RESOLUTION;
  const minIntervalMs = options.minIntervalMs ?? 1;
  const calculated = stepMs(range, resolution);
  if (calculated < minIntervalMs) return { ms: minIntervalMs, text: formatInterval(minIntervalMs) };
  const rounded = roundInterval(calculated);
  return { ms: rounded, text: formatInterval(rounded) };
}

/**
 * intervalv2 `CalculateSafeInterval`: the rounded step that keeps `range` within `safeResolution`
 * points (data sources use it to refuse queries that would return too many points).
 */
export function calculateSafeInterval(
  range: QueryTimeRange,
  safeResolution: number,
): CalculatedInterval {
  if (!(safeResolution >= 1)) {
    throw new RangeError(`safe resolution must be at least 1 point (got ${safeResolution})`);
  }
  const rounded = roundInterval(stepMs(range, safeResolution));
  return { ms: rounded, text: formatInterval(rounded) };
}

/**
 * span / divisor as Go computes it: int64 nanoseconds divided and truncated toward zero. Done in
 * BigInt so boundaries stay exact (a 6h range at 1000 points is 21.6s, not 21.599999…s).
 */
function stepMs(range: QueryTimeRange, divisor: number): number {
  const span = toNanos(range.toMs) - toNanos(range.fromMs);
  const step = span / BigInt(Math.trunc(divisor));
  return Number(step) / 1e6;
}

function toNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
