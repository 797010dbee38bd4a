/**
 * What every SDK handler gets besides its request: the typed plugin context,
 * the instance for it, a logger that names the call, the cancellation signal
 * and the caller's trace context. Built in one place for every adapter.
 */
import type { CallContext } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { Logger } from "../log/hclog.js";
import type { JsonDataParser, PluginContext } from "./context.js";
import { pluginContextFromProto } from "./convert-from-protobuf.js";
import { describeError } from "./errors.js";
import type { InstanceManager } from "./instance-manager.js";
import type { RequestMetrics } from "./metrics.js";
import { traceContextFrom, type TraceContext } from "./trace-context.js";

export interface RequestContext<J = unknown, I = unknown> {
  /** The rpc being served, e.g. "queryData". */
  readonly endpoint: string;
  readonly pluginContext: PluginContext<J>;
  /** The instance for this data source / app (undefined when the plugin has no instance factory). */
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
  parseJsonData: JsonDataParser<J>;
  instances: InstanceManager<I, J> | undefined;
  metrics: RequestMetrics | undefined;
}

/**
 * Converts the plugin context and resolves the instance. Throws (a
 * PluginError for bad settings, or whatever the instance factory threw); the
 * adapter turns that into its endpoint's kind of error.
 */
export async function newRequestContext<J, I>(
  core: SdkCore<J, I>,
  endpoint: string,
  context: pb.PluginContext | undefined,
  call: CallContext,
): Promise<RequestContext<J, I>> {
  const trace = traceContextFrom(call.metadata);
  const ds = context?.dataSourceInstanceSettings;
  // The Go SDK's contextual attributes, under its key names (backend/log.go),
  // so a Grafana-side log query finds Go and TypeScript plugins alike.
  const logger = core.logger.with({
    pluginId: context?.pluginId ?? "",
    pluginVersion: context?.pluginVersion ?? "",
    endpoint,
    ...(trace ? { traceId: trace.traceId } : {}),
    ...(ds
      ? { dsName: ds.name, dsUid: ds.uid, ...(context?.user ? { uname: context.user.name } : {}) }
      : {}),
  });
  const pluginContext = pluginContextFromProto(context, core.parseJsonData);
  const instance = (core.instances ? await core.instances.get(pluginContext) : undefined) as I;
  return { endpoint, pluginContext, instance, logger, signal: call.signal, trace, call };
}

/**
 * Runs one call, counting it in the request metrics (ok, error, cancelled)
 * with its duration. `outcome` lets an adapter report an error it answered
 * with (e.g. every query failed) rather than threw.
 */
export async function track<T>(
  metrics: RequestMetrics | undefined,
  endpoint: string,
  signal: AbortSignal,
  run: () => Promise<T>,
  outcome?: (result: T) => "ok" | "error",
): Promise<T> {
  const started = performance.now();
  let status: "ok" | "error" | "cancelled" = "ok";
  let source = "none";
  try {
    const result = await run();
    status = outcome?.(result) ?? "ok";
    return result;
  } catch (error) {
    status = signal.aborted ? "cancelled" : "error";
    source = describeError(error).source;
    throw error;
  } finally {
    metrics?.observe(endpoint, status, source, (performance.now() - started) / 1000);
  }
}
