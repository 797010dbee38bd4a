/**
 * Failures outside any call — a promise nobody awaited, a throw from a timer
 * or an event handler. Node's default is to print a plain-text trace and die
 * at once, killing every call in flight (the host sees ECONNRESET) with
 * nothing Grafana shows at its default level. Instead:
 * - an unhandled rejection is logged as an hclog error with its stack, and
 *   the plugin keeps serving: only the code that dropped that promise failed;
 * - an uncaught exception is logged the same way, then the plugin stops
 *   gracefully — calls in flight get the shutdown grace to finish — and exits
 *   with status 1, so Grafana starts it again: after a synchronous throw the
 *   process state can no longer be trusted (Go plugins crash on a panic).
 */
import type { Logger } from "../log/hclog.js";

export function guardCrashes(logger: Logger, crash: (reason: string) => void): () => void {
  const onRejection = (reason: unknown) =>
    logger.error("unhandled promise rejection (plugin keeps serving)", describe(reason));
  const onException = (error: unknown) => {
    logger.error("uncaught exception: stopping the plugin", describe(error));
    crash(`uncaught exception: ${describe(error).error}`);
  };
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}

function describe(value: unknown): { error: string; stack?: string } {
  if (value instanceof Error)
    return { error: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  return { error: String(value) };
}
