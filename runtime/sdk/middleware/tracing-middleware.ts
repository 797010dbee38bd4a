/**
 * A span per call, continuing Grafana's trace. As in a Go plugin (otelgrpc's
 * server handler, then backend/tracing_middleware.go) each call gets a
 * server span named after the gRPC method ("pluginv2.Data/QueryData"),
 * whose parent is the span Grafana sent in the call's metadata, and inside
 * it "sdk.<endpoint>" with the plugin, org, data source, user, request
 * status and status source. Handlers run with that span active, so spans
 * plugin code starts are its children.
 */
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type TextMapGetter,
} from "@opentelemetry/api";
import type { Metadata } from "@grpc/grpc-js";
import { getTracer, recordSpanError, type PluginTracing } from "../tracing/tracing.js";
import type { HandlerMiddleware } from "./handler-middleware.js";
import { OK_OUTCOME, outcomeOfError } from "./request-status.js";

/** Instrumentation scope of the server span, as otelgrpc's is for a Go plugin. */
const GRPC_TRACER = "grafana-plugin-ts/grpc";

export function tracingMiddleware(tracing: PluginTracing): HandlerMiddleware {
  return async (call, next) => {
    const pc = call.pluginContext;
    const provider = await tracing.start(pc?.pluginId ?? "", pc?.pluginVersion ?? "");
    if (!provider) return next();
    const parent = provider.propagator.extract(ROOT_CONTEXT, call.call.metadata, metadataGetter);
    const method = call.rpc.replace(/^\//, "");
    const slash = method.lastIndexOf("/");
    const server = getTracer(GRPC_TRACER).startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": method.slice(0, slash),
          "rpc.method": method.slice(slash + 1),
        },
      },
      parent,
    );
    const serverContext = trace.setSpan(parent, server);
    const attributes: Attributes = {
      plugin_id: pc?.pluginId ?? "",
      org_id: Number(pc?.orgId ?? 0),
    };
    const ds = pc?.dataSourceInstanceSettings;
    if (ds) {
      attributes.datasource_name = ds.name;
      attributes.datasource_uid = ds.uid;
    }
    if (pc?.user) attributes.user = pc.user.name;
    const span = getTracer().startSpan(`sdk.${call.endpoint}`, { attributes }, serverContext);
    let thrown: { error: unknown } | undefined;
    try {
      return await context.with(trace.setSpan(serverContext, span), next);
    } catch (error) {
      thrown = { error };
      recordSpanError(server, error);
      throw error;
    } finally {
      const outcome =
        call.outcome ?? (thrown ? outcomeOfError(thrown.error, call.call.signal) : OK_OUTCOME);
      span.setAttributes({ request_status: outcome.status, status_source: outcome.statusSource });
      if (outcome.status !== "ok" && outcome.error !== undefined)
        recordSpanError(span, outcome.error);
      span.end();
      server.end();
    }
  };
}

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key.toLowerCase());
    if (values.length === 0) return undefined;
    return values.length === 1 ? String(values[0]) : values.map(String);
  },
};
