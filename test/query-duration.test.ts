// Durations and intervals as grafana-plugin-sdk-go's gtime parses and formats them. Expected values
// were checked against the Go SDK's own code (gtime.go with go-datemath, built with Go 1.19): the
// same texts are accepted and rejected, with Go's messages, and give the same nanoseconds.

import { describe, expect, it } from "vitest";
import {
  DurationError,
  formatInterval,
  intervalFrom,
  parseDuration,
  parseDurationNanos,
  parseInterval,
  parseIntervalText,
} from "../runtime/query/index.js";

const MS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

describe("parseDuration (gtime.ParseDuration)", () => {
  it.each([
    ["1m", MS.m],
    ["1h30m", 1.5 * MS.h],
    ["-1.5h", -1.5 * MS.h],
    ["+5s", 5 * MS.s],
    ["300ms", 300],
    ["15.5m", 15.5 * MS.m],
    [".5s", 500],
    ["5.s", 5000],
    ["1us", 0.001],
    ["1\u00b5s", 0.001], // micro sign
    ["1\u03bcs", 0.001], // Greek mu
    ["0", 0],
    ["1d", MS.d],
    ["0d", 0],
    ["00010d", 10 * MS.d],
    ["1w", 7 * MS.d],
    ["3w", 21 * MS.d],
    ["1M", 30.4375 * MS.d], // a twelfth of the Julian year
    ["12M", 365.25 * MS.d],
    ["1y", 365.25 * MS.d],
    ["292y", 292 * 365.25 * MS.d],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("keeps Go's nanosecond arithmetic, fractions truncated", () => {
    expect(parseDurationNanos("1.0000000000000000001s")).toBe(1_000_000_000n);
    expect(parseDurationNanos("0.001ns")).toBe(0n);
    expect(parseDurationNanos("9223372036854775807ns")).toBe(9223372036854775807n);
    expect(parseDurationNanos("-9223372036854775808ns")).toBe(-9223372036854775808n);
    expect(parseDurationNanos("2562047h")).toBe(2562047n * 3_600_000_000_000n);
  });

  it.each([
    ["", "empty input"],
    ["1", 'time: missing unit in duration "1"'],
    ["1.5", 'time: missing unit in duration "1.5"'],
    ["1x", 'time: unknown unit "x" in duration "1x"'],
    ["-1d", 'time: unknown unit "d" in duration "-1d"'],
    ["1.5d", 'time: unknown unit "d" in duration "1.5d"'],
    ["1h1d", 'time: unknown unit "d" in duration "1h1d"'],
    ["1e3s", 'time: unknown unit "e" in duration "1e3s"'],
    ["1h 2m", 'time: unknown unit "h " in duration "1h 2m"'],
    [".s", 'time: invalid duration ".s"'],
    ["d", 'strconv.Atoi: parsing "": invalid syntax'],
    ["99999999999999999999d", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ["2562048h", 'time: invalid duration "2562048h"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
    ["\u00b5s", 'time: invalid duration "\\xc2\\xb5s"'],
  ])("rejects %j with Go's message", (text, message) => {
    expect(() => parseDuration(text)).toThrow(new DurationError(message));
  });

  it("rejects calendar durations past int64 nanoseconds, which Go silently wraps", () => {
    expect(() => parseDuration("293y")).toThrow(/longer than Go's time.Duration holds/);
    expect(() => parseDuration("106752d")).toThrow(DurationError);
  });
});

describe("parseInterval (gtime.ParseInterval): calendar units from now, in UTC", () => {
  const jan31 = Date.UTC(2024, 0, 31, 12);
  it.each([
    ["1d", jan31, MS.d],
    ["1w", jan31, 7 * MS.d],
    ["1M", jan31, 31 * MS.d], // 31 Jan + 1M normalises to 2 Mar (2024 is a leap year)
    ["13M", jan31, (366 + 31) * MS.d], // to 2 Mar 2025
    ["1y", Date.UTC(2024, 1, 29), 366 * MS.d], // 29 Feb 2024 + 1y = 1 Mar 2025
    ["1M", Date.UTC(2023, 11, 31, 23, 59, 59, 999), 31 * MS.d],
    ["2y", Date.UTC(2021, 2, 28, 1, 30), 730 * MS.d],
    ["1h", jan31, MS.h],
  ])("%s from %d → %d ms", (text, now, ms) => {
    expect(parseInterval(text, now)).toBe(ms);
  });
});

describe("formatInterval (gtime.FormatInterval)", () => {
  it.each([
    [0.5, "1ms"],
    [0, "1ms"],
    [1, "1ms"],
    [999, "999ms"],
    [1000, "1s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [3_599_999, "59m"],
    [3_600_000, "1h"],
    [86_399_999, "23h"],
    [86_400_000, "1d"],
    [364 * MS.d + 1, "364d"],
    [365 * MS.d, "1y"],
    [730 * MS.d, "2y"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatInterval(ms)).toBe(text);
  });
});

describe("parseIntervalText (min-interval fields)", () => {
  it.each([
    ["30", 30 * MS.s], // a bare number is seconds
    ["<30>", 30 * MS.s],
    ["<1m>", MS.m],
    ["<1d", MS.d],
    ["1m>", MS.m],
    ["1M", 30.4375 * MS.d],
  ])("%s → %d ms", (text, ms) => {
    expect(parseIntervalText(text)).toBe(ms);
  });

  it("resolves $__interval forms when the query's interval is known", () => {
    expect(parseIntervalText("$__interval", { intervalMs: 15_000 })).toBe(15_000);
    expect(parseIntervalText("${__interval}", { intervalMs: 15_000 })).toBe(15_000);
    expect(parseIntervalText("<$__interval>", { intervalMs: 20 })).toBe(20);
    expect(() => parseIntervalText("$__interval")).toThrow(/needs the query's interval/);
  });

  it("rejects what Go rejects", () => {
    expect(() => parseIntervalText("")).toThrow("invalid interval");
    expect(() => parseIntervalText("<>")).toThrow('strconv.ParseInt: parsing "": invalid syntax');
    expect(() => parseIntervalText("1x")).toThrow('time: unknown unit "x" in duration "1x"');
  });
});

describe("intervalFrom (gtime.GetIntervalFrom)", () => {
  it("prefers the query's text, then its intervalMs, then the data source's, then the default", () => {
    const base = { defaultIntervalMs: 7 };
    expect(
      intervalFrom({ ...base, queryInterval: "1m", queryIntervalMs: 5, dataSourceInterval: "1h" }),
    ).toBe(MS.m);
    expect(
      intervalFrom({ ...base, queryInterval: "", queryIntervalMs: 5, dataSourceInterval: "1h" }),
    ).toBe(5);
    expect(intervalFrom({ ...base, queryInterval: "0s", queryIntervalMs: 5 })).toBe(5); // "0s" is unset
    expect(intervalFrom({ ...base, queryInterval: "0s", dataSourceInterval: "<10s>" })).toBe(
      10 * MS.s,
    );
    expect(intervalFrom({ ...base, dataSourceInterval: "30" })).toBe(30 * MS.s);
    expect(intervalFrom(base)).toBe(7);
    expect(() => intervalFrom({ ...base, queryInterval: "soon" })).toThrow(DurationError);
  });
});
