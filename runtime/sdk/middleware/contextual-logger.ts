/**
 * The fields every log line of a call carries, under the Go SDK's key names
 * (backend/log.go withContextualLogAttributes), so a Grafana-side log query
 * finds Go and TypeScript plugins alike. Grafana can add its own through
 * the `loggerParamsCtxMetadata` metadata ("key:::value" entries).
 */
import type { Metadata } from "@grpc/grpc-js";
import type * as pb from "../../../output/pluginv2/backend.js";
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
  for (const param of metadata?.get(LOG_PARAMS_METADATA_KEY) ?? []) {
    const parts = String(param).split(LOG_PARAM_SEPARATOR);
    if (parts.length === 2 && parts[0] && parts[1]) fields[parts[0]] = parts[1];
  }
  return fields;
}
