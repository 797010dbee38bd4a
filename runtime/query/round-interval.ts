/**
 * gtime.RoundInterval: the "nice" interval at or below a computed one, so that a query over 6 hours
 * with 1000 points steps by 20s rather than 21.6s. The table is the Go SDK's, threshold for
 * threshold (each threshold sits between two nice values; at or below it, the lower value wins).
 *
 * Grafana's own intervalv2 package uses the same table except that its last step (30d) ends at 6
 * weeks instead of 2 years; plugins built on the Go SDK see the table below, and so do ours.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** [inclusive upper bound of the computed interval, the interval it rounds to], both in ms. */
const STEPS: ReadonlyArray<readonly [number, number]> = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1.5 * SECOND, SECOND],
  [3.5 * SECOND, 2 * SECOND],
  [7.5 * SECOND, 5 * SECOND],
  [12.5 * SECOND, 10 * SECOND],
  [17.5 * SECOND, 15 * SECOND],
  [25 * SECOND, 20 * SECOND],
  [45 * SECOND, 30 * SECOND],
  [1.5 * MINUTE, MINUTE],
  [3.5 * MINUTE, 2 * MINUTE],
  [7.5 * MINUTE, 5 * MINUTE],
  [12.5 * MINUTE, 10 * MINUTE],
  [17.5 * MINUTE, 15 * MINUTE],
  [25 * MINUTE, 20 * MINUTE],
  [45 * MINUTE, 30 * MINUTE],
  [1.5 * HOUR, HOUR],
  [2.5 * HOUR, 2 * HOUR],
  [4.5 * HOUR, 3 * HOUR],
  [9 * HOUR, 6 * HOUR],
  [DAY, 12 * HOUR],
  [2 * DAY, DAY],
  [7 * DAY, DAY],
  [21 * DAY, 7 * DAY],
];

/** Two years: below it (strictly) the interval is 30 days, from it on one year of 365 days. */
const MONTHLY_UNTIL = 730 * DAY;

/** The rounded interval for `ms` (milliseconds), per gtime.RoundInterval. */
export function roundInterval(ms: number): number {
  for (const [upTo, rounded] of STEPS) if (ms <= upTo) return rounded;
  return ms < MONTHLY_UNTIL ? 30 * DAY : 365 * DAY;
}
