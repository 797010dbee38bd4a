/**
 * What every SDK handler gets besides its request: the typed plugin context,
 * the instance for it, a logger that names the call, the cancellation signal
 * and the caller's trace context. Built once per call by the handler chain
 * (middleware/handler-chain.ts).
 */
import type { CallContext } from "../../output/rpc-support.js";
import type { Logger } from "../log/hclog.js";
import type { JsonDataParser, PluginContext } from "./context.js";
import type { InstanceManager } from "./instance-manager.js";
import type { JsonDataCache } from "./json-data-cache.js";
import type { ContextualLoggers } from "./middleware/contextual-logger.js";
import type { HandlerMiddleware } from "./middleware/handler-middleware.js";
import type { TraceContext } from "./trace-context.js";

export interface RequestContext<J = unknown, I = unknown> {
  /** The rpc being served, e.g. "queryData". */
  readonly endpoint: string;
  readonly pluginContext: PluginContext<J>;
  /**
   * The instance for this data source / app (undefined when the plugin has
   * no instance factory). Not disposed before this call ends, even when
   * Grafana saves new settings meanwhile.
   */
  readonly instance: I;
  /** Logs with the endpoint, plugin, data source uid and trace id attached. */
  readonly logger: Logger;
  /** Aborted when Grafana cancels the call or its deadline passes. */
  readonly signal: AbortSignal;
  /** The caller's W3C trace context (from `traceparent` metadata), if it sent one. */
  readonly trace: TraceContext | undefined;
  /** The generated per-call context (metadata, deadline, peer). */
  readonly call: CallContext;
}

/** Shared by every adapter of one plugin; built by createPlugin. */
export interface SdkCore<J, I> {
  logger: Logger;
  /** `logger` with each call's contextual fields. */
  loggers: ContextualLoggers;
  parseJsonData: JsonDataParser<J>;
  /** parseJsonData's results per data source (or app) and settings version. */
  jsonDataCache: JsonDataCache;
  instances: InstanceManager<I, J> | undefined;
  /** The SDK's middlewares (tracing, metrics, logging) then the plugin's, outermost first. */
  middlewares: readonly HandlerMiddleware[];
}
