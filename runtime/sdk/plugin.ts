/**
 * createPlugin(): the SDK's handlers as the generated PluginHandlersV2 that
 * serve() takes. Each option wires one service through its adapter; `raw`
 * adds generated handlers as they are, for rpcs the SDK has no sugar for
 * (admission, conversion, or any service a newer protocol adds), merged per
 * method. Naming one rpc both ways is an error rather than a silent choice.
 */
import type { PluginHandlersV2 } from "../../output/glue.js";
import { createLogger, type Logger } from "../log/hclog.js";
import type { JsonDataParser } from "./context.js";
import { newDataAdapter } from "./data-adapter.js";
import type { QueryChunkedDataHandler } from "./chunked.js";
import type { QueryDataHandler } from "./data.js";
import { newDiagnosticsAdapter } from "./diagnostics-adapter.js";
import type { CheckHealthHandler } from "./diagnostics.js";
import {
  createInstanceManager,
  type InstanceFactory,
  type InstanceManagerOptions,
} from "./instance-manager.js";
import { createMetrics, type MetricsOptions } from "./metrics.js";
import type { HandlerMiddleware } from "./middleware/handler-middleware.js";
import { JsonDataCache, readOnlyJson } from "./json-data-cache.js";
import { ContextualLoggers } from "./middleware/contextual-logger.js";
import { loggerMiddleware } from "./middleware/logger-middleware.js";
import { metricsMiddleware } from "./middleware/metrics-middleware.js";
import { tracingMiddleware } from "./middleware/tracing-middleware.js";
import type { SdkCore } from "./request-context.js";
import { newResourceAdapter } from "./resource-adapter.js";
import type { CallResourceHandler } from "./resource.js";
import { newStreamAdapter } from "./stream-adapter.js";
import type { StreamHandler } from "./stream.js";
import { setupTracing, type TracingOptions } from "./tracing/tracing.js";

export interface PluginOptions<J = unknown, I = undefined> {
  /**
   * Parses and validates settings' jsonData into `J`; default: the JSON as it
   * is, deep-frozen. Called once per saved version of a data source's (or
   * app's) settings: calls with those settings share the result, so treat it
   * as read-only.
   */
  jsonData?: JsonDataParser<J>;
  /** Builds the per-data-source (or per-app-org) instance handlers get as `ctx.instance`. */
  instance?: InstanceFactory<I, J>;
  instanceOptions?: Omit<InstanceManagerOptions<J>, "onDisposeError" | "onEvict" | "metrics">;
  checkHealth?: CheckHealthHandler<J, I> | CheckHealthHandler<J, I>["checkHealth"];
  /** A QueryTypeMux, or any QueryDataHandler or function. */
  queryData?: QueryDataHandler<J, I> | QueryDataHandler<J, I>["queryData"];
  /**
   * QueryChunkedData: a QueryTypeMux (its chunked handlers, and its query
   * handlers for other types), or any QueryChunkedDataHandler or function.
   * Without one, QueryChunkedData answers one chunk with status 501, as the
   * Go SDK does.
   */
  queryChunkedData?:
    QueryChunkedDataHandler<J, I> | QueryChunkedDataHandler<J, I>["queryChunkedData"];
  /** A ResourceRouter, or any CallResourceHandler or function. */
  callResource?: CallResourceHandler<J, I> | CallResourceHandler<J, I>["callResource"];
  stream?: StreamHandler<J, I>;
  /** CollectMetrics; default: prom-client's global registry with process metrics. */
  metrics?: MetricsOptions | false;
  /** Default: hclog JSON on stderr (GF_PLUGIN_LOG_LEVEL). */
  logger?: Logger;
  /**
   * Run around every rpc, outermost first, inside the SDK's own (tracing,
   * metrics, request log) and around the handler.
   */
  middlewares?: HandlerMiddleware[];
  /**
   * OpenTelemetry tracing, on when Grafana sets GF_INSTANCE_OTLP_ADDRESS
   * (then the OpenTelemetry SDK is loaded); `false` keeps it off regardless.
   */
  tracing?: TracingOptions | false;
  /** Generated handlers merged in as they are, per service and method. */
  raw?: Partial<PluginHandlersV2>;
}

export function createPlugin<J = unknown, I = undefined>(
  options: PluginOptions<J, I>,
): PluginHandlersV2 {
  const logger = options.logger ?? createLogger();
  const metrics = options.metrics === false ? undefined : createMetrics(options.metrics);
  const tracing =
    options.tracing === false ? undefined : setupTracing(options.tracing ?? {}, logger);
  // The Go SDK's order (backend/serve.go defaultHandlerMiddlewares): tracing
  // outermost so the span covers the rest, then metrics, the request log,
  // and the plugin's own closest to its handler.
  const middlewares: HandlerMiddleware[] = [
    ...(tracing ? [tracingMiddleware(tracing)] : []),
    ...(metrics ? [metricsMiddleware(metrics.requests)] : []),
    loggerMiddleware(),
    ...(options.middlewares ?? []),
  ];
  const core: SdkCore<J, I> = {
    logger,
    loggers: new ContextualLoggers(logger),
    parseJsonData: options.jsonData ?? readOnlyJson<J>,
    jsonDataCache: new JsonDataCache(),
    instances: options.instance
      ? createInstanceManager(options.instance, {
          ...options.instanceOptions,
          metrics: metrics?.instances,
          onDisposeError: (error, key) =>
            logger.error("disposing an instance failed", { key, error: (error as Error)?.message }),
          onEvict: (key) => logger.debug("Evicted instance", { key }),
        })
      : undefined,
    middlewares,
  };
  const sugar: PluginHandlersV2 = {};
  const { checkHealth, queryData, queryChunkedData, callResource } = options;
  const health = typeof checkHealth === "function" ? { checkHealth } : checkHealth;
  sugar.diagnostics = newDiagnosticsAdapter(core, health, metrics);
  const query = typeof queryData === "function" ? { queryData } : queryData;
  const chunked = typeof queryChunkedData === "function" ? { queryChunkedData } : queryChunkedData;
  if (query || chunked) sugar.data = newDataAdapter(core, query, chunked);
  const resource = typeof callResource === "function" ? { callResource } : callResource;
  if (resource) sugar.resource = newResourceAdapter(core, resource);
  if (options.stream) sugar.stream = newStreamAdapter(core, options.stream);
  const handlers = mergeHandlers(sugar, options.raw ?? {});
  const instances = core.instances;
  disposers.set(handlers, async () => {
    await instances?.disposeAll();
    await tracing?.shutdown(); // flush the spans still batched
  });
  return handlers;
}

/** What disposePlugin releases per createPlugin result (a WeakMap keeps the handlers object plain). */
const disposers = new WeakMap<object, () => Promise<void>>();

/**
 * Disposes every instance a createPlugin result holds, awaiting each
 * `dispose()`, and flushes the spans not yet exported. Pass it to serve's `onStop` so pools and clients close before
 * the plugin exits: `serve({ protocol, handlers, onStop: () => disposePlugin(handlers) })`.
 */
export async function disposePlugin(handlers: PluginHandlersV2): Promise<void> {
  await disposers.get(handlers)?.();
}

/** Per service, the SDK's methods plus the raw ones (bound to their object). */
export function mergeHandlers(
  sugar: PluginHandlersV2,
  raw: Partial<PluginHandlersV2>,
): PluginHandlersV2 {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [service, methods] of Object.entries(sugar))
    if (methods) merged[service] = { ...methods };
  for (const [service, methods] of Object.entries(raw)) {
    if (!methods) continue;
    const target = (merged[service] ??= {});
    for (const [name, fn] of methodsOf(methods)) {
      if (target[name])
        throw new Error(
          `createPlugin: ${service}.${name} is given both as an SDK option and in raw; keep one`,
        );
      target[name] = fn;
    }
  }
  return merged as PluginHandlersV2;
}

/** Own and prototype methods (a raw handler may be a class instance). */
function methodsOf(object: object): [string, Function][] {
  const names = new Set<string>();
  for (let o: object | null = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const name of Object.getOwnPropertyNames(o)) if (name !== "constructor") names.add(name);
  const out: [string, Function][] = [];
  for (const name of names) {
    const value = (object as Record<string, unknown>)[name];
    if (typeof value === "function") out.push([name, value.bind(object)]);
  }
  return out;
}
