/**
 * A value now, or later. The request path passes results on synchronously
 * when they are ready, since every `await` and `.then` costs a promise (and,
 * while the SDK's AsyncLocalStorage is active, async-hook calls for each).
 */
export type MaybePromise<T> = T | PromiseLike<T>;

/** A promise or any thenable, which `await` would adopt. */
export function isPromise<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
