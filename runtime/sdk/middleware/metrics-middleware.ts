/**
 * Counts every call in grafana_plugin_request_total{endpoint, status,
 * status_source} (the Go SDK's metrics middleware, namespace "grafana") and
 * times it in grafana_plugin_request_duration_seconds.
 */
import type { RequestMetrics } from "../metrics.js";
import type { HandlerMiddleware } from "./handler-middleware.js";
import { outcomeOfError, type RequestOutcome } from "./request-status.js";

export function metricsMiddleware(metrics: RequestMetrics): HandlerMiddleware {
  // `.then` rather than an async function: one promise per call instead of two.
  return (call, next) => {
    const started = performance.now();
    const observe = (outcome: RequestOutcome | undefined) =>
      metrics.observe(
        call.endpoint,
        outcome?.status ?? "ok",
        outcome?.statusSource ?? "plugin",
        (performance.now() - started) / 1000,
      );
    return next().then(
      (result) => {
        observe(call.outcome);
        return result;
      },
      (error: unknown) => {
        observe(call.outcome ?? outcomeOfError(error, call.call.signal));
        throw error;
      },
    );
  };
}
