/**
 * Grafana's durations and intervals, as grafana-plugin-sdk-go's `backend/gtime` parses and formats
 * them. Go's units (`ms`, `s`, `m`, `h`, …, see go-duration.ts) plus Grafana's calendar units `d`,
 * `w`, `M` and `y`, which only ever stand alone (`1d`, never `1d12h`). Two readings of a calendar
 * unit exist and both are kept:
 *
 * - a *duration* (parseDuration) is independent of the date: 1d = 24h, 1w = 7d, 1y = 365.25d
 *   (the Julian year), 1M = 1y/12;
 * - an *interval* (parseInterval) is what the calendar makes of it starting now, in UTC: 1M from
 *   31 January is 28 or 29 days (Go's AddDate overflow: 31 Jan + 1M = 3 Mar, less 31 Jan).
 *
 * All results are milliseconds (fractions keep sub-millisecond units), the unit of Grafana's
 * `intervalMs` and of JavaScript dates.
 */
import { DurationError } from "./errors.js";
import { goQuote, parseGoDuration } from "./go-duration.js";

const MS_PER_DAY = 86_400_000;
/** The average (Julian) year and month gtime uses for `y` and `M` durations, in nanoseconds. */
const NS_PER_DAY = 86_400_000_000_000n;
const NS_PER_YEAR = 31_557_600_000_000_000n; // 365.25 days
const NS_PER_MONTH = NS_PER_YEAR / 12n; // 30.4375 days, exact in nanoseconds
const INT64_MAX = (1n << 63n) - 1n;

type CalendarUnit = "d" | "w" | "M" | "y";

/** A parsed text: a Go duration in nanoseconds, or a count of one calendar unit. */
type Parsed = { nanos: bigint } | { count: number; unit: CalendarUnit };

function parse(text: string): Parsed {
  if (text === "") throw new DurationError("empty input");
  const last = text[text.length - 1];
  if (last !== "d" && last !== "w" && last !== "M" && last !== "y") {
    return { nanos: parseGoDuration(text) };
  }
  const digits = text.slice(0, -1);
  if (!/^\d*$/.test(digits)) return { nanos: parseGoDuration(text) }; // e.g. "1h1d": Go's message
  const count = Number(digits);
  if (digits === "" || !Number.isSafeInteger(count)) {
    // strconv.Atoi's messages, as gtime returns them.
    const why = digits === "" ? "invalid syntax" : "value out of range";
    throw new DurationError(`strconv.Atoi: parsing ${goQuote(digits)}: ${why}`);
  }
  return { count, unit: last };
}

/**
 * gtime.ParseDuration: milliseconds in `text`, calendar units at fixed lengths (see the module
 * comment). Throws DurationError for text Go rejects, and for results beyond int64 nanoseconds
 * (about 292 years), which Go would silently wrap around.
 */
export function parseDuration(text: string): number {
  return nanosToMillis(parseDurationNanos(text), text);
}

/** {@link parseDuration} in exact int64 nanoseconds, Go's time.Duration. */
export function parseDurationNanos(text: string): bigint {
  const parsed = parse(text);
  if ("nanos" in parsed) return parsed.nanos;
  const unitNanos = {
    d: NS_PER_DAY,
    w: 7n * NS_PER_DAY,
    M: NS_PER_MONTH,
    y: NS_PER_YEAR,
  }[parsed.unit];
  const nanos = BigInt(parsed.count) * unitNanos;
  if (nanos > INT64_MAX) {
    throw new DurationError(`duration ${goQuote(text)} is longer than Go's time.Duration holds`);
  }
  return nanos;
}

/**
 * gtime.ParseInterval: milliseconds in `text`, with calendar units counted on the UTC calendar
 * from `nowMs` (default: now). `1M` from 2024-01-31 is 2024-03-02 minus 2024-01-31 = 31 days.
 */
export function parseInterval(text: string, nowMs: number = Date.now()): number {
  const parsed = parse(text);
  if ("nanos" in parsed) return nanosToMillis(parsed.nanos, text);
  const now = new Date(nowMs);
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  const time = nowMs - Date.UTC(y, m, d);
  const n = parsed.count;
  const later = {
    d: () => Date.UTC(y, m, d + n),
    w: () => Date.UTC(y, m, d + 7 * n),
    M: () => Date.UTC(y, m + n, d),
    y: () => Date.UTC(y + n, m, d),
  }[parsed.unit]();
  if (!Number.isFinite(later)) {
    throw new DurationError(`interval ${goQuote(text)} reaches past the last representable date`);
  }
  return later + time - nowMs;
}

/**
 * gtime.FormatInterval: the largest whole unit (y of 365 days, d, h, m, s, ms) that fits, rounded
 * down: 90000 → "1m", 86400000 → "1d". Anything under a millisecond is "1ms".
 */
export function formatInterval(ms: number): string {
  const units: Array<[string, number]> = [
    ["y", 365 * MS_PER_DAY],
    ["d", MS_PER_DAY],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ];
  for (const [suffix, size] of units) {
    if (ms >= size) return `${Math.floor(ms / size)}${suffix}`;
  }
  return "1ms";
}

/** What a query's interval text may refer to besides a literal duration. */
export interface IntervalVariables {
  /** `$__interval` / `${__interval}`: the interval Grafana computed for the query, in ms. */
  intervalMs?: number;
}

/**
 * gtime.ParseIntervalStringToTimeDuration: a min-interval text as query editors and data source
 * settings hold it: `<10s>` (the brackets mean "at least", and are dropped), a bare number of
 * seconds (`30`), or a duration (`1m`, `1d`, …). `$__interval` and `$__interval_ms`, which a raw
 * query text can carry into the field, resolve to `variables.intervalMs` when given.
 */
export function parseIntervalText(text: string, variables: IntervalVariables = {}): number {
  if (text.length === 0) throw new DurationError("invalid interval");
  let inner = text;
  if (inner[0] === "<") inner = inner.slice(1);
  if (inner.endsWith(">")) inner = inner.slice(0, -1);
  const variable = /^\$(?:__interval(_ms)?|\{__interval(_ms)?\})$/.exec(inner);
  if (variable) {
    if (variables.intervalMs === undefined) {
      throw new DurationError(`interval ${goQuote(text)} needs the query's interval to resolve`);
    }
    return variables.intervalMs;
  }
  // Go tests "only digits" with a loop that an empty string passes, then fails to parse it.
  if (inner === "") throw new DurationError('strconv.ParseInt: parsing "": invalid syntax');
  if (/^\d+$/.test(inner)) return Number(inner) * 1000;
  return parseDuration(inner);
}

/** Where a query's minimum interval can come from, in gtime.GetIntervalFrom's order of precedence. */
export interface IntervalSources {
  // `| undefined` on each: callers pass optional query fields straight
  // through, also under exactOptionalPropertyTypes.
  /** The query's own interval text ("" and "0s" count as unset). */
  queryInterval?: string | undefined;
  /** The query's interval in ms (`intervalMs`), used when `queryInterval` is unset. */
  queryIntervalMs?: number | undefined;
  /** The data source's configured min interval (jsonData.timeInterval). */
  dataSourceInterval?: string | undefined;
  /** Used when nothing else is set, in ms. */
  defaultIntervalMs: number;
}

/** gtime.GetIntervalFrom: the minimum interval a query asks for, in ms. */
export function intervalFrom(sources: IntervalSources): number {
  let text = sources.queryInterval ?? "";
  if (text === "0s") text = "";
  if (text === "" && sources.queryIntervalMs) return sources.queryIntervalMs;
  if (text === "") text = sources.dataSourceInterval ?? "";
  if (text === "") return sources.defaultIntervalMs;
  return parseIntervalText(text);
}

function nanosToMillis(nanos: bigint, text: string): number {
  const whole = nanos / 1_000_000n;
  const ms = Number(whole) + Number(nanos - whole * 1_000_000n) / 1e6;
  if (!Number.isFinite(ms)) throw new DurationError(`duration ${goQuote(text)} is out of range`);
  return ms;
}
