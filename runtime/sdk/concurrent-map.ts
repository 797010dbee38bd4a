/**
 * Runs a function over items with at most `limit` calls in flight, results in
 * input order, yielding to the event loop once a turn has run long (see
 * yield-point.ts). `mapEagerly` answers synchronously while every call does:
 * most query handlers compute their frames without awaiting anything, and an
 * async pass costs each query several promises (each one a hook call while
 * the SDK's AsyncLocalStorage is active). Items still start in input order,
 * and never more than `limit` at once.
 */
import { isPromise, type MaybePromise } from "./maybe-promise.js";
import { yieldPoints } from "./yield-point.js";

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  return mapEagerly(items, limit, fn);
}

/**
 * As mapConcurrent, but the results themselves (not a promise) when every
 * `fn` returned a value and no yield fell due; `fn` must not throw.
 */
export function mapEagerly<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => MaybePromise<R>,
): MaybePromise<R[]> {
  const results = new Array<R>(items.length);
  // Synchronous handlers would otherwise run every item in one turn of the event loop.
  const yieldPoint = yieldPoints();
  let next = 0;
  const worker = async (first?: { index: number; result: PromiseLike<R> }) => {
    if (first) {
      results[first.index] = await first.result;
      const pause = yieldPoint();
      if (pause) await pause;
    }
    while (next < items.length) {
      const i = next++;
      const result = fn(items[i]!, i);
      results[i] = isPromise(result) ? await result : result;
      const pause = yieldPoint();
      if (pause) await pause;
    }
  };
  // The workers that would have started: this one's item is in flight, the others begin now.
  const concurrently = async (first?: { index: number; result: PromiseLike<R> }) => {
    const workers = Math.max(1, Math.min(limit, items.length - next + (first ? 1 : 0)));
    const all = [worker(first)];
    for (let w = 1; w < workers; w++) all.push(worker());
    await Promise.all(all);
    return results;
  };
  while (next < items.length) {
    const i = next++;
    const result = fn(items[i]!, i);
    if (isPromise(result)) return concurrently({ index: i, result });
    results[i] = result;
    const pause = yieldPoint();
    if (pause) return pause.then(() => concurrently());
  }
  return results;
}
