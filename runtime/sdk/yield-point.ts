/**
 * Cooperative yielding for long loops on the event loop. A plugin serves all
 * of Grafana's calls on one thread: a request with thousands of queries that
 * runs them in one turn makes every other call (a health check, a query from
 * another dashboard) wait for all of them. `yieldPoint()` returns a promise
 * that resolves on a later macrotask once `budgetMs` of work has passed since
 * the last yield, and undefined otherwise (nothing to await, no cost).
 */
import { setImmediate as nextMacrotask } from "node:timers/promises";

export const DEFAULT_YIELD_BUDGET_MS = 10;

export function yieldPoints(
  budgetMs = DEFAULT_YIELD_BUDGET_MS,
): () => Promise<unknown> | undefined {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < budgetMs) return undefined;
    return nextMacrotask().then(() => {
      since = performance.now();
    });
  };
}
