/**
 * Wall-clock arithmetic in a named time zone, with `Intl` (Node ships the full ICU time zone
 * database), reproducing Go's `time.Date` for the two kinds of local time that do not map to one
 * instant: a time skipped by a DST change (02:30 on a spring-forward night) lands after the gap
 * (03:30), and a repeated time (02:30 on a fall-back night) is read in the offset after the change.
 * That is the instant Go's relative-time evaluation produces, so `now/d` and `now-1d` agree with a
 * Go data source to the millisecond.
 */
import { TimeZoneError } from "./errors.js";

/** A local date and time; month is 1–12. Fields may overflow (day 32, hour -1) and normalise. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True for "UTC" and the zones without any offset ever, which need no Intl lookup. */
function isUTC(zone: string): boolean {
  return zone === "UTC" || zone === "utc" || zone === "Etc/UTC" || zone === "Z";
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
        era: "short",
      });
    } catch {
      throw new TimeZoneError(
        `unknown time zone ${JSON.stringify(zone)}: use an IANA name such as "Europe/Berlin" or "UTC"`,
      );
    }
    formatters.set(zone, f);
  }
  return f;
}

/** A time zone: its offset from UTC at any instant. */
export interface Zone {
  /** The offset at the instant `utcMs`, in ms (Berlin in summer: +7200000). */
  offsetMs(utcMs: number): number;
}

/** A zone by IANA name ("Europe/Berlin", "UTC"); throws TimeZoneError if Intl does not know it. */
export function namedZone(name: string): Zone {
  if (isUTC(name)) return UTC;
  formatter(name); // fail now, not at first use
  return { offsetMs: (utcMs) => namedOffsetMs(name, utcMs) };
}

/** A zone at a constant offset from UTC (what `+05:30` in a timestamp denotes). */
export function fixedZone(offsetMs: number): Zone {
  return { offsetMs: () => offsetMs };
}

export const UTC: Zone = fixedZone(0);

/** The zone this process runs in (Go's time.Local, from TZ). */
export function localZone(): Zone {
  return namedZone(new Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
}

function namedOffsetMs(zone: string, utcMs: number): number {
  const wholeSecond = Math.floor(utcMs / 1000) * 1000;
  const parts = formatter(zone).formatToParts(new Date(wholeSecond));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  const era = parts.find((p) => p.type === "era")!.value;
  const year = era === "BC" || era === "B" ? 1 - get("year") : get("year");
  const local = utcFromFields(
    year,
    get("month"),
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
    0,
  );
  return local - wholeSecond;
}

/** The local wall clock of instant `utcMs` in `zone`. */
export function wallClockAt(utcMs: number, zone: Zone): WallClock & { weekday: number } {
  const local = new Date(utcMs + zone.offsetMs(utcMs));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    /** 0 = Sunday … 6 = Saturday, as Go's time.Weekday. */
    weekday: local.getUTCDay(),
  };
}

/**
 * The instant of wall clock `w` in `zone`, as Go's time.Date picks it (see the module comment):
 * take the offset in force at the wall time read as UTC; if the instant that gives lies outside
 * that offset's period, use the offset in force at that instant instead.
 */
export function instantOf(w: WallClock, zone: Zone): number {
  const asUTC = utcFromFields(w.year, w.month, w.day, w.hour, w.minute, w.second, w.millisecond);
  const guess = zone.offsetMs(asUTC);
  const corrected = zone.offsetMs(asUTC - guess);
  return asUTC - corrected;
}

/** Date.UTC with month 1–12 and without its mapping of years 0–99 to 1900–1999. */
export function utcFromFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millisecond);
  return d.getTime();
}
