// The interval a query steps by: gtime.RoundInterval's table at every boundary, and the interval
// calculation Grafana runs from a time range and maxDataPoints (intervalv2 Calculate with the Go
// SDK's table). Expected values were checked against the Go code.

import { describe, expect, it } from "vitest";
import { calculateInterval, calculateSafeInterval, roundInterval } from "../runtime/query/index.js";

const S = 1e3;
const M = 60e3;
const H = 3600e3;
const D = 86400e3;

describe("roundInterval (gtime.RoundInterval)", () => {
  // [threshold, value at or below it, value just above it]
  const table: Array<[number, number, number]> = [
    [10, 1, 10],
    [15, 10, 20],
    [35, 20, 50],
    [75, 50, 100],
    [150, 100, 200],
    [350, 200, 500],
    [750, 500, S],
    [1.5 * S, S, 2 * S],
    [3.5 * S, 2 * S, 5 * S],
    [7.5 * S, 5 * S, 10 * S],
    [12.5 * S, 10 * S, 15 * S],
    [17.5 * S, 15 * S, 20 * S],
    [25 * S, 20 * S, 30 * S],
    [45 * S, 30 * S, M],
    [1.5 * M, M, 2 * M],
    [3.5 * M, 2 * M, 5 * M],
    [7.5 * M, 5 * M, 10 * M],
    [12.5 * M, 10 * M, 15 * M],
    [17.5 * M, 15 * M, 20 * M],
    [25 * M, 20 * M, 30 * M],
    [45 * M, 30 * M, H],
    [1.5 * H, H, 2 * H],
    [2.5 * H, 2 * H, 3 * H],
    [4.5 * H, 3 * H, 6 * H],
    [9 * H, 6 * H, 12 * H],
    [D, 12 * H, D],
    [2 * D, D, D],
    [7 * D, D, 7 * D],
    [21 * D, 7 * D, 30 * D],
  ];
  it.each(table)("at %d ms → %d, a nanosecond above → %d", (threshold, atOrBelow, above) => {
    expect(roundInterval(threshold)).toBe(atOrBelow);
    expect(roundInterval(threshold + 1e-6)).toBe(above);
  });

  it("steps by 30 days below two years and by a 365-day year from two years on", () => {
    expect(roundInterval(0)).toBe(1);
    expect(roundInterval(730 * D - 1)).toBe(30 * D);
    expect(roundInterval(730 * D)).toBe(365 * D);
    expect(roundInterval(10_000 * D)).toBe(365 * D);
  });
});

describe("calculateInterval (Grafana's interval calculator)", () => {
  it.each([
    // span, maxDataPoints, minInterval → interval, text
    [6 * H, 1000, 1, 20 * S, "20s"], // 21.6s rounds to 20s
    [6 * H, 0, 1, 15 * S, "15s"], // no maxDataPoints: 1500 points
    [H, 1500, 1, 2 * S, "2s"],
    [D, 1440, 1, M, "1m"], // exactly 60s is within the 1m step
    [D, 43200, 1, 2 * S, "2s"],
    [7 * D, 1000, 1, 10 * M, "10m"],
    [30 * D, 500, 1, H, "1h"],
    [365 * D, 1000, 1, 6 * H, "6h"],
    [365 * D, 100, 1, D, "1d"],
    [365 * D, 10, 1, 30 * D, "30d"],
    [3650 * D, 2, 1, 365 * D, "1y"],
    [6 * H, 1000, M, M, "1m"], // below the minimum: the minimum, unrounded
    [6 * H, 1000, 7 * S, 20 * S, "20s"],
    [999, 1000, 1, 1, "1ms"], // 999 µs is below the 1 ms minimum
    [15_000, 1000, 1, 10, "10ms"],
    [15_001, 1000, 1, 20, "20ms"], // 15.001 ms: just over the 15 ms threshold
    [0, 100, 1, 1, "1ms"],
  ])("%d ms over %d points (min %d) → %d ms", (span, maxDataPoints, minIntervalMs, ms, text) => {
    const from = 1_700_000_000_000;
    expect(
      calculateInterval({ fromMs: from, toMs: from + span }, { maxDataPoints, minIntervalMs }),
    ).toEqual({ ms, text });
  });

  it("divides the span in whole nanoseconds as Go does", () => {
    // 1 ms over 3 points: Go's int64 division gives 333333 ns, below the 1 ms minimum.
    expect(calculateInterval({ fromMs: 0, toMs: 1 }, { maxDataPoints: 3 })).toEqual({
      ms: 1,
      text: "1ms",
    });
    // A reversed range is a negative interval, raised to the minimum.
    expect(
      calculateInterval({ fromMs: 10, toMs: 0 }, { maxDataPoints: 100, minIntervalMs: 5 }),
    ).toEqual({ ms: 5, text: "5ms" });
  });

  it("calculateSafeInterval rounds without a minimum", () => {
    expect(calculateSafeInterval({ fromMs: 0, toMs: 365 * D }, 11_000)).toEqual({
      ms: H, // 47.8 minutes
      text: "1h",
    });
    expect(() => calculateSafeInterval({ fromMs: 0, toMs: 1 }, 0)).toThrow(/at least 1 point/);
  });
});
