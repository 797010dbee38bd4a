/**
 * The "frames" section of `npm run bench`: build + encode of small, medium
 * and large frames in µs per frame, from bench/small-frames.ts's
 * smallFrameFigures() (its file comment says what each case is). Rows are
 * named "<N> rows" for the time + float64 cases (GOAL_ROWS.frame100 is
 * "100 rows"), by the case's own name otherwise.
 */
import { GOAL_ROWS, type BenchRow, type SectionRunner } from "../report.js";
import { smallFrameFigures } from "../small-frames.js";

const SERIES_CASE = /^time \+ float64, (\d+) rows$/;

export const framesSection: SectionRunner = async ({ quick }) => {
  const figures = smallFrameFigures(quick ? { rounds: 5, warmups: 1 } : {});
  const rows: BenchRow[] = figures.map((f) => ({
    name: SERIES_CASE.test(f.case) ? `${SERIES_CASE.exec(f.case)![1]} rows` : f.case,
    value: f.after.median,
    unit: "µs",
    spread: { min: f.after.p25, max: f.after.p75 },
  }));
  return {
    section: GOAL_ROWS.frame100.section,
    title: "frame build + encode with frameToArrow (µs per frame, median [interquartile range])",
    rows,
    notes: figures.map(
      (f) =>
        `${f.case}: ${f.bytes} bytes, ${f.speedup.median.toFixed(2)}× apache-arrow's writer` +
        (f.identical ? "" : " (NOT the same bytes as apache-arrow's writer)"),
    ),
  };
};
