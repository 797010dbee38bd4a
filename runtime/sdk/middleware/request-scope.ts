/**
 * The call being served, reachable from anywhere in its async flow
 * (AsyncLocalStorage), so code deep in a plugin logs with the request's
 * fields without a logger passed down to it: the Go SDK's
 * `log.DefaultLogger.FromContext(ctx)`, without the ctx.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createLogger, type Logger } from "../../log/hclog.js";
import type { RequestContext } from "../request-context.js";
import type { HandlerCall } from "./handler-middleware.js";

export interface RequestScope {
  readonly call: HandlerCall;
  /** Set once the handler's RequestContext is built. */
  context?: RequestContext<unknown, unknown>;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn(...args)` as the scope of one call (arguments rather than a closure per call). */
export function runInRequestScope<A extends unknown[], T>(
  scope: RequestScope,
  fn: (...args: A) => T,
  ...args: A
): T {
  return storage.run(scope, fn, ...args);
}

/** The handler's context of the call being served, if any (and once it is built). */
export function currentRequestContext<J = unknown, I = unknown>():
  RequestContext<J, I> | undefined {
  return storage.getStore()?.context as RequestContext<J, I> | undefined;
}

/** The middleware view of the call being served, if any. */
export function currentHandlerCall(): HandlerCall | undefined {
  return storage.getStore()?.call;
}

let processLogger: Logger | undefined;

/**
 * The logger of the call being served (its endpoint, plugin, data source
 * and trace id attached); outside a call, an hclog logger on stderr.
 */
export function currentLogger(): Logger {
  const scope = storage.getStore();
  if (scope) return scope.context?.logger ?? scope.call.logger;
  return (processLogger ??= createLogger());
}
