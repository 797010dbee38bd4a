/**
 * Counts every call in grafana_plugin_request_total{endpoint, status,
 * status_source} (the Go SDK's metrics middleware, namespace "grafana") and
 * times it in grafana_plugin_request_duration_seconds.
 */
import type { RequestMetrics } from "../metrics.js";
import type { HandlerMiddleware } from "./handler-middleware.js";
import { outcomeOfError } from "./request-status.js";

export function metricsMiddleware(metrics: RequestMetrics): HandlerMiddleware {
  return async (call, next) => {
    const started = performance.now();
    let outcome = call.outcome;
    try {
      const result = await next();
      outcome = call.outcome;
      return result;
    } catch (error) {
      outcome = call.outcome ?? outcomeOfError(error, call.call.signal);
      throw error;
    } finally {
      metrics.observe(
        call.endpoint,
        outcome?.status ?? "ok",
        outcome?.statusSource ?? "plugin",
        (performance.now() - started) / 1000,
      );
    }
  };
}
