/**
 * Handler middleware: one function that wraps every rpc a plugin serves, the
 * TypeScript shape of the Go SDK's HandlerMiddleware (backend/handler_middleware.go).
 * Where Go writes a method per rpc, a middleware here gets the call (which
 * endpoint, its protocol request, plugin context, metadata, logger) and
 * `next`, and returns what `next` returns — or throws to refuse the call:
 *
 *     const requireUser: HandlerMiddleware = (call, next) => {
 *       if (call.endpoint !== "collectMetrics" && !call.pluginContext?.user)
 *         throw new PluginError("sign in first", { status: 401 });
 *       return next();
 *     };
 *     createPlugin({ middlewares: [requireUser], ... });
 *
 * The SDK's own logging, metrics and tracing are middlewares of this kind,
 * run around the plugin's (see handler-chain.ts for the order).
 */
import type { CallContext } from "../../../output/rpc-support.js";
import type * as pb from "../../../output/pluginv2/backend.js";
import type { Logger } from "../../log/hclog.js";
import type { TraceContext } from "../trace-context.js";
import type { RequestOutcome } from "./request-status.js";

/** The Go SDK's endpoint names (backend.Endpoint), used in logs, metrics and span names. */
export type Endpoint =
  | "queryData"
  | "queryChunkedData"
  | "callResource"
  | "checkHealth"
  | "collectMetrics"
  | "subscribeStream"
  | "publishStream"
  | "runStream";

export interface HandlerCall {
  readonly endpoint: Endpoint;
  /** The gRPC method, e.g. "/pluginv2.Data/QueryData". */
  readonly rpc: string;
  /** The protocol request as received (pb.QueryDataRequest for queryData, and so on). */
  readonly request: unknown;
  /** The protocol plugin context (undefined for collectMetrics). */
  readonly pluginContext: pb.PluginContext | undefined;
  /** Metadata, deadline, peer and cancellation signal of the gRPC call. */
  readonly call: CallContext;
  /** Grafana's trace context from the call's `traceparent`, if it sent one. */
  readonly trace: TraceContext | undefined;
  /**
   * Logs with the Go SDK's contextual fields (pluginId, endpoint, traceId,
   * dsUid, …). Replace it (`call.logger = call.logger.with({...})`) to add
   * fields to every line logged inside this middleware, handlers included.
   */
  logger: Logger;
  /**
   * How the handler ended: set once it has, before the middlewares around
   * it resume; undefined while it runs or when a middleware refused the call.
   */
  readonly outcome: RequestOutcome | undefined;
}

/** Wraps every rpc: call `next()` to go on, return (or change) its result, or throw to refuse. */
export type HandlerMiddleware = (
  call: HandlerCall,
  next: () => Promise<unknown>,
) => Promise<unknown>;

/** Runs `middlewares` outermost first around `last`. */
export function composeMiddlewares(
  middlewares: readonly HandlerMiddleware[],
  call: HandlerCall,
  last: () => Promise<unknown>,
): Promise<unknown> {
  const step = (index: number): Promise<unknown> => {
    const middleware = middlewares[index];
    if (!middleware) return last();
    let called = false;
    try {
      return Promise.resolve(
        middleware(call, () => {
          if (called)
            return Promise.reject(
              new Error(`a handler middleware called next() twice (${call.endpoint})`),
            );
          called = true;
          return step(index + 1);
        }),
      );
    } catch (error) {
      return Promise.reject(error); // a plain (non-async) middleware that threw
    }
  };
  return step(0);
}
