/**
 * CollectMetrics from a prom-client registry. By default that is prom-client's
 * global registry, so a metric the plugin creates the usual way
 * (`new Counter({...})`) is served with no wiring, next to Node's process
 * metrics and the SDK's request and instance metrics, named as a Go
 * plugin's (grafana_plugin_request_total, plugins_active_instances) so
 * Grafana's plugin dashboards work for both.
 */
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
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

/** Instances built and not yet disposed, fed by the instance manager. */
export interface InstanceMetrics {
  created(): void;
  disposed(): void;
}

export interface PluginMetrics {
  registry: Registry;
  requests: RequestMetrics;
  instances: InstanceMetrics;
  /** The registry in the Prometheus text format, for CollectMetricsResponse. */
  collect(): Promise<Buffer>;
}

/** The Go SDK's request counter (NewMetricsMiddleware, namespace "grafana"). */
export const REQUEST_TOTAL = "grafana_plugin_request_total";
/** Not in the Go SDK, which leaves durations to its gRPC metrics; same labels as the counter. */
export const REQUEST_DURATION = "grafana_plugin_request_duration_seconds";
/** The Go SDK's instancemgmt gauge: instances built and not yet disposed. */
export const ACTIVE_INSTANCES = "plugins_active_instances";

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
      help: "The total amount of plugin requests",
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
  const active =
    (registry.getSingleMetric(ACTIVE_INSTANCES) as Gauge) ??
    new Gauge({
      name: ACTIVE_INSTANCES,
      help: "The number of active plugin instances",
      registers: [registry],
    });
  const labelSets = new Map<string, Record<(typeof labelNames)[number], string>>();
  return {
    registry,
    instances: { created: () => active.inc(), disposed: () => active.dec() },
    requests: {
      observe(endpoint, status, source, seconds) {
        // One labels object per combination (a handful: endpoints × statuses × sources).
        const key = `${endpoint} ${status} ${source}`;
        let labels = labelSets.get(key);
        if (!labels) labelSets.set(key, (labels = { endpoint, status, status_source: source }));
        total.inc(labels);
        duration.observe(labels, seconds);
      },
    },
    collect: async () => Buffer.from(await registry.metrics()),
  };
}
