/** The figures every benchmark prints: medians, of values and of timed runs. */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface TimingOptions {
  /** Untimed calls first: JIT, allocation paths. */
  warmups: number;
  minRuns: number;
  /** Keep running until at least this long has passed. */
  minMs: number;
}

/** Median milliseconds per call of `fn`, over at least `minRuns` runs and `minMs` of running. */
export function medianMsPerCall(fn: () => unknown, options: TimingOptions): number {
  for (let i = 0; i < options.warmups; i++) fn();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < options.minRuns || performance.now() - started < options.minMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
