// Relative and absolute times as the Go SDK reads a time range (gtime.TimeRange with go-datemath):
// calendar steps and rounding on the wall clock of a time zone, across DST changes (Berlin, New
// York, Lord Howe's half-hour shift), month and year ends, fiscal years and week starts. Every
// expected instant here was checked against the Go code.

import { describe, expect, it } from "vitest";
import {
  parseRelativeTime,
  parseTimeRange,
  RelativeTimeError,
  TimeZoneError,
  type RelativeTimeOptions,
} from "../runtime/query/index.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

function read(text: string, now: string, options: RelativeTimeOptions = {}): string {
  return iso(parseRelativeTime(text, { nowMs: at(now), ...options }));
}

describe("DST changes (Europe/Berlin: 2024-03-31 02:00 → 03:00, 2024-10-27 03:00 → 02:00)", () => {
  const timeZone = "Europe/Berlin";
  const spring = "2024-03-31T12:00:00Z"; // 14:00 CEST, on a 23-hour day
  const autumn = "2024-10-27T12:00:00Z"; // 13:00 CET, on a 25-hour day

  it("now-1d is the same wall time yesterday: 23 hours back in spring, 25 in autumn", () => {
    expect(read("now-1d", spring, { timeZone })).toBe("2024-03-30T13:00:00.000Z");
    expect(read("now-24h", spring, { timeZone })).toBe("2024-03-30T12:00:00.000Z");
    expect(read("now-1d", autumn, { timeZone })).toBe("2024-10-26T11:00:00.000Z");
  });

  it("now/d is local midnight; as `to` it is the day's last millisecond", () => {
    expect(read("now/d", spring, { timeZone })).toBe("2024-03-30T23:00:00.000Z"); // 00:00 CET
    expect(read("now/d", spring, { timeZone, roundUp: true })).toBe("2024-03-31T21:59:59.999Z");
    expect(read("now/d", autumn, { timeZone })).toBe("2024-10-26T22:00:00.000Z"); // 00:00 CEST
    expect(read("now/d", autumn, { timeZone, roundUp: true })).toBe("2024-10-27T22:59:59.999Z");
    expect(read("now-1d/d", spring, { timeZone })).toBe("2024-03-29T23:00:00.000Z");
  });

  it("a skipped wall time lands after the gap; a repeated one takes the later offset (Go's time.Date)", () => {
    expect(read("2024-03-31T02:30:00", spring, { timeZone })).toBe("2024-03-31T01:30:00.000Z"); // 03:30 CEST
    expect(read("2024-10-27T02:30:00", autumn, { timeZone })).toBe("2024-10-27T01:30:00.000Z"); // 02:30 CET
  });

  it("works in other zones: New York, Lord Howe (30-minute shift)", () => {
    const ny = "America/New_York";
    expect(read("2024-03-10T02:30:00||+1h", "2024-03-10T12:00:00Z", { timeZone: ny })).toBe(
      "2024-03-10T07:30:00.000Z",
    );
    expect(read("now-1d/d", "2024-11-04T03:30:00Z", { timeZone: ny })).toBe(
      "2024-11-02T04:00:00.000Z",
    );
    expect(read("now/d", "2024-04-07T12:00:00Z", { timeZone: "Australia/Lord_Howe" })).toBe(
      "2024-04-06T13:00:00.000Z",
    );
  });

  it("h, m and s round on elapsed time as Go's Truncate does, even in a half-hour zone", () => {
    // 16:15 in Kolkata rounds to 15:30 local (10:00 UTC), not 16:00.
    expect(read("now/h", "2024-05-01T10:45:00Z", { timeZone: "Asia/Kolkata" })).toBe(
      "2024-05-01T10:00:00.000Z",
    );
    expect(read("now/s", "2024-02-29T13:17:42.123Z", { roundUp: true })).toBe(
      "2024-02-29T13:17:42.999Z",
    );
  });
});

describe("months, years, quarters, fiscal years, weeks, business days (UTC)", () => {
  it.each<[string, string, RelativeTimeOptions, string]>([
    ["now+1M", "2024-01-31T12:00:00Z", {}, "2024-03-02T12:00:00.000Z"], // 31 Feb normalises
    ["now-1M/M", "2024-03-31T12:00:00Z", {}, "2024-03-01T00:00:00.000Z"], // 31 Feb = 2 Mar, then /M
    ["now-1M/M", "2024-03-31T12:00:00Z", { roundUp: true }, "2024-03-31T23:59:59.999Z"],
    ["now/y", "2024-02-29T13:17:42.123Z", {}, "2024-01-01T00:00:00.000Z"],
    ["now-1y", "2024-02-29T13:17:42.123Z", {}, "2023-03-01T13:17:42.123Z"],
    ["now/Q", "2024-05-15T00:00:00Z", { roundUp: true }, "2024-06-30T23:59:59.999Z"],
    ["now/fy", "2024-02-15T00:00:00Z", { fiscalYearStartMonth: 4 }, "2023-04-01T00:00:00.000Z"],
    ["now/fQ", "2024-02-15T00:00:00Z", { fiscalYearStartMonth: 10 }, "2024-01-01T00:00:00.000Z"],
    ["now/w", "2024-02-29T13:17:42.123Z", {}, "2024-02-26T00:00:00.000Z"], // weeks start Monday
    ["now/w", "2024-02-29T13:17:42.123Z", { weekStart: "sunday" }, "2024-02-25T00:00:00.000Z"],
    ["now/w", "2024-03-03T10:00:00Z", { roundUp: true }, "2024-03-03T23:59:59.999Z"], // a Sunday
    ["now-3b", "2024-03-04T10:00:00Z", {}, "2024-02-28T10:00:00.000Z"], // skips the weekend
  ])("%s at %s %j → %s", (text, now, options, expected) => {
    expect(read(text, now, options)).toBe(expected);
  });
});

describe("the other forms gtime accepts", () => {
  const now = "2024-03-04T10:00:00Z";
  it("epoch milliseconds, and bare durations meaning that long ago (fixed lengths, not the calendar)", () => {
    expect(read("1700000000000", now)).toBe("2023-11-14T22:13:20.000Z");
    expect(read("6h", now)).toBe("2024-03-04T04:00:00.000Z");
    expect(read("1d", "2024-03-31T12:00:00Z", { timeZone: "Europe/Berlin" })).toBe(
      "2024-03-30T12:00:00.000Z",
    );
    expect(read("1M", now)).toBe("2024-02-02T23:30:00.000Z"); // 30.4375 days
  });

  it("absolute dates: offsets in the text win, otherwise the time zone applies", () => {
    const timeZone = "Europe/Berlin";
    expect(read("2024-01-01T00:00:00+05:30||/d", now, { timeZone })).toBe(
      "2023-12-31T18:30:00.000Z",
    );
    expect(read("2024-02-29", now, { timeZone })).toBe("2024-02-28T23:00:00.000Z");
    expect(read("2024-02-29T23:59:59.5Z", now)).toBe("2024-02-29T23:59:59.500Z");
  });

  it("parseTimeRange rounds `from` down and `to` up against one clock", () => {
    const range = parseTimeRange(
      { from: "now-1d/d", to: "now-1d/d" },
      { nowMs: at("2024-03-31T12:00:00Z"), timeZone: "Europe/Berlin" },
    );
    expect(iso(range.fromMs)).toBe("2024-03-29T23:00:00.000Z");
    expect(iso(range.toMs)).toBe("2024-03-30T22:59:59.999Z");
  });
});

describe("errors name the text and the place", () => {
  it.each([
    ["now-x", /invalid time "now-x": expected a unit .* at character 5 \(found "x"\)/],
    ["nowx", /expected "\+", "-" or "\/" at character 4/],
    ["", /expected now, a date or a time at character 1 \(found the end\)/],
    ["2024-13", /month out of bounds 13 at character 6/],
    ["2024-02-30", /day 30 out of bounds for month 2 at character 9/],
    ["25:00", /hours out of bounds 25 at character 1/], // "25" alone is epoch ms 25
    ["2024-01-01T10:00:00+0530", /expected ":" at character 23 \(found "30"\)/],
  ])("%j", (text, message) => {
    expect(() => parseRelativeTime(text, { nowMs: 0 })).toThrow(RelativeTimeError);
    expect(() => parseRelativeTime(text, { nowMs: 0 })).toThrow(message);
  });

  it("rejects /b (go-datemath panics on it), unknown zones and bad options", () => {
    expect(() => parseRelativeTime("now/b")).toThrow(
      "rounding to business days (/b) is not supported",
    );
    expect(() => parseRelativeTime("now/d", { timeZone: "Mars/Olympus" })).toThrow(TimeZoneError);
    expect(() => parseRelativeTime("now/d", { timeZone: "Mars/Olympus" })).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    expect(() => parseRelativeTime("now/w", { weekStart: "friday" as never })).toThrow(
      /week start must be/,
    );
    expect(() => parseRelativeTime("now/fy", { fiscalYearStartMonth: 13 })).toThrow(
      /fiscal year start month must be 1–12/,
    );
  });
});
