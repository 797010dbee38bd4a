/**
 * The fields every log line of a call carries, under the Go SDK's key names
 * (backend/log.go withContextualLogAttributes), so a Grafana-side log query
 * finds Go and TypeScript plugins alike. Grafana can add its own through
 * the `loggerParamsCtxMetadata` metadata ("key:::value" entries).
 */
import type { Metadata } from "@grpc/grpc-js";
import type * as pb from "../../../output/pluginv2/backend.js";
import type { Logger } from "../../log/hclog.js";
import type { TraceContext } from "../trace-context.js";

/** gRPC metadata key and separator of backend/log/context_grpc.go. */
export const LOG_PARAMS_METADATA_KEY = "loggerparamsctxmetadata";
const LOG_PARAM_SEPARATOR = ":::";

export function contextualLogFields(
  endpoint: string,
  context: pb.PluginContext | undefined,
  trace: TraceContext | undefined,
  metadata: Metadata | undefined,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    pluginId: context?.pluginId ?? "",
    pluginVersion: context?.pluginVersion ?? "",
    endpoint,
  };
  if (trace) fields.traceId = trace.traceId;
  const ds = context?.dataSourceInstanceSettings;
  if (ds) {
    fields.dsName = ds.name;
    fields.dsUid = ds.uid;
    if (context?.user) fields.uname = context.user.name;
  }
  for (const param of logParams(metadata)) {
    const parts = String(param).split(LOG_PARAM_SEPARATOR);
    if (parts.length === 2 && parts[0] && parts[1]) fields[parts[0]] = parts[1];
  }
  return fields;
}

/** Enough for every endpoint × data source × user a plugin serves; past it the cache starts over. */
const MAX_CACHED = 512;

/**
 * `base.with(contextualLogFields(...))`, the same logger again for calls with
 * the same fields: without a trace id or log params (which differ per call),
 * they repeat from call to call, and a logger is immutable (and serialises
 * its fields once, when it is made).
 */
export class ContextualLoggers {
  readonly #cache = new Map<string, Logger>();

  constructor(readonly base: Logger) {}

  for(
    endpoint: string,
    context: pb.PluginContext | undefined,
    trace: TraceContext | undefined,
    metadata: Metadata | undefined,
  ): Logger {
    if (trace || logParams(metadata).length > 0)
      return this.base.with(contextualLogFields(endpoint, context, trace, metadata));
    const key = cacheKey(endpoint, context);
    let logger = this.#cache.get(key);
    if (!logger) {
      logger = this.base.with(contextualLogFields(endpoint, context, undefined, undefined));
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(key, logger);
    }
    return logger;
  }
}

/** Everything contextualLogFields reads when there is no trace id or log param. */
function cacheKey(endpoint: string, context: pb.PluginContext | undefined): string {
  const ds = context?.dataSourceInstanceSettings;
  const base =
    endpoint + lengthPrefixed(context?.pluginId) + lengthPrefixed(context?.pluginVersion);
  if (!ds) return base;
  return (
    base +
    lengthPrefixed(ds.name) +
    lengthPrefixed(ds.uid) +
    (context?.user ? lengthPrefixed(context.user.name) : "-")
  );
}

/** Length-prefixed, so no value can make two different keys alike. */
function lengthPrefixed(value: string | undefined): string {
  return value === undefined ? "-" : `${value.length}:${value}`;
}

function logParams(metadata: Metadata | undefined): readonly unknown[] {
  return metadata?.get(LOG_PARAMS_METADATA_KEY) ?? [];
}
