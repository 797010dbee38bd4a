/**
 * Grafana time-range texts to instants, as the Go SDK reads them (gtime.TimeRange.ParseFrom /
 * ParseTo): an epoch-millisecond number (`1700000000000`), a bare duration meaning that long ago
 * (`6h`, `7d`), or date math (`now-6h`, `now/d`, `now-1d/d`, see date-math.ts). Calendar steps and
 * rounding happen on the wall clock of the dashboard's time zone, so `now-1d` across a DST change
 * is 23 or 25 hours and `now/d` is local midnight; `to` rounds up to the period's last millisecond
 * (`now/d` as `to` is 23:59:59.999). Results are epoch milliseconds.
 */
import { parseDateMath, type DateMathStep, type DateMathUnit } from "./date-math.js";
import { parseDuration } from "./duration.js";
import { DurationError, RelativeTimeError } from "./errors.js";
import type { QueryTimeRange } from "./interval.js";
import {
  fixedZone,
  instantOf,
  localZone,
  namedZone,
  wallClockAt,
  type WallClock,
  type Zone,
} from "./time-zone.js";

export type WeekStart = "sunday" | "monday" | "saturday" | 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface RelativeTimeOptions {
  /** The current time in epoch ms (default Date.now()). */
  nowMs?: number;
  /** IANA zone of the dashboard (default "UTC"); also the zone of timestamps written without one. */
  timeZone?: string;
  /** First day of the week for `/w` (default Monday, as in the Go SDK); 0 = Sunday. */
  weekStart?: WeekStart;
  /** Month (1–12) the fiscal year starts in, for `fy` and `fQ` (default 1). */
  fiscalYearStartMonth?: number;
  /** Round `/unit` to the end of the period instead of its start (what `to` uses). */
  roundUp?: boolean;
}

/** The instant `text` denotes; throws RelativeTimeError (or TimeZoneError) saying why not. */
export function parseRelativeTime(text: string, options: RelativeTimeOptions = {}): number {
  const nowMs = options.nowMs ?? Date.now();
  if (/^[+-]?\d+$/.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms)) throw new RelativeTimeError(`time ${text} is out of range`);
    return ms;
  }
  try {
    return nowMs - parseDuration(text);
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
  }
  return evaluate(text, nowMs, options);
}

/** A time range from its texts: `from` rounds down, `to` rounds up (gtime ParseFrom / ParseTo). */
export function parseTimeRange(
  range: { from: string; to: string },
  options: Omit<RelativeTimeOptions, "roundUp"> = {},
): QueryTimeRange {
  const nowMs = options.nowMs ?? Date.now(); // one "now" for both ends
  return {
    fromMs: parseRelativeTime(range.from, { ...options, nowMs, roundUp: false }),
    toMs: parseRelativeTime(range.to, { ...options, nowMs, roundUp: true }),
  };
}

interface Context {
  zone: Zone;
  weekStart: number;
  fiscalMonth: number;
  roundUp: boolean;
}

function evaluate(text: string, nowMs: number, options: RelativeTimeOptions): number {
  const expression = parseDateMath(text);
  const defaultZone = namedZone(options.timeZone ?? "UTC");
  const { anchor } = expression;
  let zone = defaultZone;
  let t: number;
  if (anchor.kind === "now") t = nowMs;
  else if (anchor.kind === "epochMs") {
    zone = localZone(); // go-datemath reads epoch anchors with time.Unix: the process's zone
    t = anchor.ms;
  } else {
    if (anchor.offsetMs !== undefined) zone = fixedZone(anchor.offsetMs);
    const fields = new Date(anchor.fieldsAsUTC);
    t = instantOf(wallFromUTCFields(fields), zone);
  }
  const ctx: Context = {
    zone,
    weekStart: weekdayNumber(options.weekStart ?? "monday"),
    fiscalMonth: fiscalMonth(options.fiscalYearStartMonth ?? 1),
    roundUp: options.roundUp ?? false,
  };
  for (const step of expression.steps) t = apply(step, t, ctx);
  return t;
}

function apply(step: DateMathStep, t: number, ctx: Context): number {
  if (step.op === "add") return add(t, step.amount, step.unit, ctx);
  const start = roundDown(t, step.unit, ctx);
  return ctx.roundUp ? add(start, 1, step.unit, ctx) - 1 : start;
}

/** go-datemath addUnits: calendar units on the wall clock (Go's AddDate), h/m/s as elapsed time. */
function add(t: number, n: number, unit: DateMathUnit, ctx: Context): number {
  switch (unit) {
    case "y":
    case "fy":
      return addDate(t, ctx.zone, n, 0, 0);
    case "Q":
    case "fQ":
      return addDate(t, ctx.zone, 0, 3 * n, 0);
    case "M":
      return addDate(t, ctx.zone, 0, n, 0);
    case "w":
      return addDate(t, ctx.zone, 0, 0, 7 * n);
    case "d":
      return addDate(t, ctx.zone, 0, 0, n);
    case "b":
      return addBusinessDays(t, n, ctx.zone);
    case "h":
      return t + n * 3_600_000;
    case "m":
      return t + n * 60_000;
    default:
      return t + n * 1_000;
  }
}

/** go-datemath truncateUnits (rounding down); h/m/s truncate elapsed time, like Go's Truncate. */
function roundDown(t: number, unit: DateMathUnit, ctx: Context): number {
  const w = wallClockAt(t, ctx.zone);
  const at = (year: number, month: number, day: number): number =>
    instantOf({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, ctx.zone);
  switch (unit) {
    case "y":
      return at(w.year, 1, 1);
    case "fy":
      return fiscalYearStart(w, ctx);
    case "Q":
      return at(w.year, Math.floor((w.month - 1) / 3) * 3 + 1, 1);
    case "fQ": {
      const yearStart = fiscalYearStart(w, ctx);
      const monthsIn = (w.month - ctx.fiscalMonth + 12) % 12;
      return addDate(yearStart, ctx.zone, 0, Math.floor(monthsIn / 3) * 3, 0);
    }
    case "M":
      return at(w.year, w.month, 1);
    case "w": {
      const diff = w.weekday - ctx.weekStart;
      let today = at(w.year, w.month, w.day);
      if (diff < 0) today = addDate(today, ctx.zone, 0, 0, -7);
      return addDate(today, ctx.zone, 0, 0, -diff);
    }
    case "d":
      return at(w.year, w.month, w.day);
    case "b": // go-datemath panics here; a clear error is kinder
      throw new RelativeTimeError("rounding to business days (/b) is not supported");
    case "h":
      return floorTo(t, 3_600_000);
    case "m":
      return floorTo(t, 60_000);
    default:
      return floorTo(t, 1_000);
  }
}

function fiscalYearStart(w: WallClock, ctx: Context): number {
  const start = (year: number): number =>
    instantOf(
      { year, month: ctx.fiscalMonth, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 },
      ctx.zone,
    );
  const thisYear = start(w.year);
  return thisYear > instantOf(w, ctx.zone) ? start(w.year - 1) : thisYear;
}

function addDate(t: number, zone: Zone, years: number, months: number, days: number): number {
  const w = wallClockAt(t, zone);
  return instantOf(
    { ...w, year: w.year + years, month: w.month + months, day: w.day + days },
    zone,
  );
}

function addBusinessDays(t: number, n: number, zone: Zone): number {
  const direction = n < 0 ? -1 : 1;
  for (let left = n; left !== 0; left -= direction) {
    do t = addDate(t, zone, 0, 0, direction);
    while (isWeekend(wallClockAt(t, zone).weekday));
  }
  return t;
}

function isWeekend(weekday: number): boolean {
  return weekday === 0 || weekday === 6;
}

function floorTo(t: number, unit: number): number {
  return Math.floor(t / unit) * unit;
}

function wallFromUTCFields(d: Date): WallClock {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

function weekdayNumber(weekStart: WeekStart): number {
  if (
    typeof weekStart === "number" &&
    Number.isInteger(weekStart) &&
    weekStart >= 0 &&
    weekStart <= 6
  )
    return weekStart;
  const named = { sunday: 0, monday: 1, saturday: 6 }[weekStart as string];
  if (named === undefined) {
    throw new RelativeTimeError(
      `week start must be "sunday", "monday", "saturday" or 0–6 (got ${JSON.stringify(weekStart)})`,
    );
  }
  return named;
}

function fiscalMonth(month: number): number {
  if (!(Number.isInteger(month) && month >= 1 && month <= 12)) {
    throw new RelativeTimeError(`fiscal year start month must be 1–12 (got ${month})`);
  }
  return month;
}
