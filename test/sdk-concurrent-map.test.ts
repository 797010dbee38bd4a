// mapEagerly: synchronous while every call is, the concurrency limit and the
// start order kept when a call turns out asynchronous.
import { describe, expect, it } from "vitest";
import { mapConcurrent, mapEagerly } from "../runtime/sdk/concurrent-map.js";

describe("mapEagerly", () => {
  it("answers with the results themselves, not a promise, when every call is synchronous", () => {
    const results = mapEagerly([1, 2, 3], 2, (n) => n * 10);
    expect(results).toEqual([10, 20, 30]);
  });

  it("switches to promises at the first asynchronous call, starting items in order within the limit", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const results = mapEagerly([0, 1, 2, 3, 4, 5], 2, (n) => {
      started.push(n);
      if (n === 0) return n; // synchronous
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise<number>((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve(n * 10);
        }, 10 - n),
      );
    });
    expect(results).toBeInstanceOf(Promise);
    expect(await results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it("mapConcurrent always answers with a promise", async () => {
    const results = mapConcurrent([1, 2], 4, async (n) => n + 1);
    expect(results).toBeInstanceOf(Promise);
    expect(await results).toEqual([2, 3]);
  });
});
