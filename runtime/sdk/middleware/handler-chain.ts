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
import type { PluginContext } from "../context.js";
import type { InstanceLease } from "../instance-manager.js";
import type { MaybePromise } from "../maybe-promise.js";
import type { RequestContext, SdkCore } from "../request-context.js";
import { traceContextFrom } from "../trace-context.js";
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
   * call ends: the context itself when the plugin has no instance factory.
   * Throws (or rejects with) a PluginError for settings the jsonData parser
   * rejects, or whatever the instance factory threw.
   */
  requestContext(): MaybePromise<RequestContext<J, I>>;
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
  const { endpoint, pluginContext, call } = init;
  const trace = traceContextFrom(call.metadata);
  const handlerCall: { -readonly [K in keyof HandlerCall]: HandlerCall[K] } = {
    endpoint,
    rpc: call.rpc,
    request: init.request,
    pluginContext,
    call,
    trace,
    logger: core.loggers.for(endpoint, pluginContext, trace, call.metadata),
    outcome: undefined,
  };
  const run = new HandlerRun(core, handlerCall, handle, outcomeOf);
  return runInRequestScope(
    run,
    composeMiddlewares,
    core.middlewares,
    handlerCall,
    run.last,
  ) as Promise<R>;
}

/**
 * One call's state: its request scope, the step its handler gets, and the
 * innermost link of the chain. One object per call rather than a closure
 * for each of these.
 */
class HandlerRun<J, I, R> implements RequestScope, HandlerStep<J, I> {
  context: RequestContext<unknown, unknown> | undefined;
  #lease: InstanceLease<I> | undefined;
  #answered: { error: unknown } | undefined;

  constructor(
    readonly core: SdkCore<J, I>,
    readonly call: { -readonly [K in keyof HandlerCall]: HandlerCall[K] },
    readonly handle: (step: HandlerStep<J, I>) => Promise<R>,
    readonly outcomeOf: ((result: R) => RequestOutcome) | undefined,
  ) {}

  requestContext(): MaybePromise<RequestContext<J, I>> {
    const { core, call } = this;
    const converted = pluginContextFromProto(
      call.pluginContext,
      core.parseJsonData,
      core.jsonDataCache,
    );
    if (!core.instances) return this.#contextFor(converted, undefined);
    return core.instances.acquire(converted).then((lease) => {
      this.#lease = lease;
      return this.#contextFor(converted, lease.instance);
    });
  }

  #contextFor(pluginContext: PluginContext<J>, instance: I | undefined): RequestContext<J, I> {
    const { call } = this;
    const context: RequestContext<J, I> = {
      endpoint: call.endpoint,
      pluginContext,
      instance: instance as I,
      logger: call.logger,
      signal: call.call.signal,
      trace: call.trace,
      call: call.call,
    };
    this.context = context as RequestContext<unknown, unknown>;
    return context;
  }

  answeredWithError(error: unknown): void {
    this.#answered = { error };
  }

  /** The innermost link: the handler, then its outcome for the middlewares around it. */
  readonly last = (): Promise<R> =>
    this.#handled().then(
      (result) => {
        const answered = this.#answered;
        try {
          this.call.outcome = answered
            ? outcomeOfError(answered.error, this.call.call.signal)
            : (this.outcomeOf?.(result) ?? OK_OUTCOME);
        } catch (error) {
          this.#failed(error);
        }
        this.#lease?.release();
        return result;
      },
      (error: unknown) => this.#failed(error),
    );

  #failed(error: unknown): never {
    this.call.outcome = outcomeOfError(error, this.call.call.signal);
    this.#lease?.release();
    throw error;
  }

  #handled(): Promise<R> {
    try {
      return this.handle(this);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
