/**
 * Runs one rpc through the middlewares: what every adapter used to repeat
 * (logger fields, plugin context, instance, metrics, error classification)
 * done once, in the Go SDK's order — context and contextual logger first,
 * then tracing, metrics, the request log, the plugin's own middlewares and
 * last the handler, whose outcome (status and status source, as Go's
 * ErrorSourceMiddleware settles it) every middleware around it reports.
 */
import type { CallContext } from "../../../output/rpc-support.js";
import type * as pb from "../../../output/pluginv2/backend.js";
import { pluginContextFromProto } from "../convert-from-protobuf.js";
import type { InstanceLease } from "../instance-manager.js";
import type { RequestContext, SdkCore } from "../request-context.js";
import { traceContextFrom } from "../trace-context.js";
import { contextualLogFields } from "./contextual-logger.js";
import { composeMiddlewares, type Endpoint, type HandlerCall } from "./handler-middleware.js";
import { runInRequestScope, type RequestScope } from "./request-scope.js";
import { OK_OUTCOME, outcomeOfError, type RequestOutcome } from "./request-status.js";

export interface HandlerCallInit {
  endpoint: Endpoint;
  request: unknown;
  pluginContext: pb.PluginContext | undefined;
  call: CallContext;
}

/** What an adapter's handler step may ask of the chain. */
export interface HandlerStep<J, I> {
  /**
   * Converts the plugin context and acquires the instance, held until the
   * call ends. Throws a PluginError for settings the jsonData parser
   * rejects, or whatever the instance factory threw.
   */
  requestContext(): Promise<RequestContext<J, I>>;
  /** The call was answered with this error rather than throwing it: report it as failed. */
  answeredWithError(error: unknown): void;
}

/**
 * Runs `handle` inside the middlewares. `outcomeOf` tells how a result
 * ended when that is in the answer (failed queries in a QueryData answer);
 * otherwise a result is "ok" and a throw is an error (or a cancellation).
 */
export function runHandler<J, I, R>(
  core: SdkCore<J, I>,
  init: HandlerCallInit,
  handle: (step: HandlerStep<J, I>) => Promise<R>,
  outcomeOf?: (result: R) => RequestOutcome,
): Promise<R> {
  const { endpoint, request, pluginContext, call } = init;
  const trace = traceContextFrom(call.metadata);
  const handlerCall: { -readonly [K in keyof HandlerCall]: HandlerCall[K] } = {
    endpoint,
    rpc: call.rpc,
    request,
    pluginContext,
    call,
    trace,
    logger: core.logger.with(contextualLogFields(endpoint, pluginContext, trace, call.metadata)),
    outcome: undefined,
  };
  const scope: RequestScope = { call: handlerCall };
  const last = async (): Promise<R> => {
    let lease: InstanceLease<I> | undefined;
    let answered: { error: unknown } | undefined;
    const step: HandlerStep<J, I> = {
      requestContext: async () => {
        const converted = pluginContextFromProto(pluginContext, core.parseJsonData);
        lease = core.instances ? await core.instances.acquire(converted) : undefined;
        const context: RequestContext<J, I> = {
          endpoint,
          pluginContext: converted,
          instance: lease?.instance as I,
          logger: handlerCall.logger,
          signal: call.signal,
          trace,
          call,
        };
        scope.context = context as RequestContext<unknown, unknown>;
        return context;
      },
      answeredWithError: (error) => (answered = { error }),
    };
    try {
      const result = await handle(step);
      handlerCall.outcome = answered
        ? outcomeOfError(answered.error, call.signal)
        : (outcomeOf?.(result) ?? OK_OUTCOME);
      return result;
    } catch (error) {
      handlerCall.outcome = outcomeOfError(error, call.signal);
      throw error;
    } finally {
      lease?.release();
    }
  };
  return runInRequestScope(scope, () =>
    composeMiddlewares(core.middlewares, handlerCall, last),
  ) as Promise<R>;
}
