/**
 * CollectMetrics from a prom-client registry. By default that is prom-client's
 * global registry, so a metric the plugin creates the usual way
 * (`new Counter({...})`) is served with no wiring, next to Node's process
 * metrics and the SDK's per-endpoint request metrics.
 */
import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  register as globalRegistry,
  type Registry,
} from "prom-client";

export interface MetricsOptions {
  /** Default: prom-client's global registry. */
  registry?: Registry;
  /** Node process metrics (prom-client's collectDefaultMetrics). Default true. */
  defaultMetrics?: boolean;
}

/** Per-endpoint request counts and durations, fed by the adapters. */
export interface RequestMetrics {
  observe(endpoint: string, status: string, source: string, seconds: number): void;
}

export interface PluginMetrics {
  registry: Registry;
  requests: RequestMetrics;
  /** The registry in the Prometheus text format, for CollectMetricsResponse. */
  collect(): Promise<Buffer>;
}

export const REQUEST_TOTAL = "plugin_request_total";
export const REQUEST_DURATION = "plugin_request_duration_seconds";

/**
 * Registers (once per registry: building two plugins in one process shares
 * them) the process metrics and the request metrics.
 */
export function createMetrics(options: MetricsOptions = {}): PluginMetrics {
  const registry = options.registry ?? globalRegistry;
  if (options.defaultMetrics !== false && !registry.getSingleMetric("process_cpu_seconds_total"))
    collectDefaultMetrics({ register: registry });
  const labelNames = ["endpoint", "status", "status_source"] as const;
  const total =
    (registry.getSingleMetric(REQUEST_TOTAL) as Counter<(typeof labelNames)[number]>) ??
    new Counter({
      name: REQUEST_TOTAL,
      help: "Plugin requests by endpoint and outcome",
      labelNames,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric(REQUEST_DURATION) as Histogram<(typeof labelNames)[number]>) ??
    new Histogram({
      name: REQUEST_DURATION,
      help: "Plugin request duration by endpoint and outcome",
      labelNames,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  return {
    registry,
    requests: {
      observe(endpoint, status, source, seconds) {
        const labels = { endpoint, status, status_source: source };
        total.inc(labels);
        duration.observe(labels, seconds);
      },
    },
    collect: async () => Buffer.from(await registry.metrics()),
  };
}
