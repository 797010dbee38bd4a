/**
 * Starts OpenTelemetry as the Go SDK's tracerprovider does when Grafana
 * turns tracing on: spans batched to Grafana's OTLP gRPC address, a
 * parent-based sampler, the configured propagator, the plugin id and
 * version as service name and version. The trace SDK and exporter are
 * loaded here, on demand, so a plugin without tracing never loads them.
 */
import type * as AsyncHooks from "@opentelemetry/context-async-hooks";
import type * as Core from "@opentelemetry/core";
import type * as Exporter from "@opentelemetry/exporter-trace-otlp-grpc";
import type * as Resources from "@opentelemetry/resources";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import {
  context,
  propagation,
  trace,
  type Attributes,
  type TextMapPropagator,
} from "@opentelemetry/api";
import { otlpUrl, type TracingConfig } from "./config.js";
import { createPropagator } from "./propagator.js";
import { createSampler } from "./sampler.js";

export interface RunningTracerProvider {
  propagator: TextMapPropagator;
  /** Flushes the spans still batched, then stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracerProviderIdentity {
  serviceName: string;
  serviceVersion: string;
  attributes?: Attributes;
}

/**
 * The OpenTelemetry SDK packages (type-only here: nothing loads until
 * loadTracingModules). Stated as module types, not inferred, so the
 * declarations we publish name no private members of their classes.
 */
export interface TracingModules {
  sdk: typeof SdkTrace;
  exporter: typeof Exporter;
  resources: typeof Resources;
  core: typeof Core;
  asyncHooks: typeof AsyncHooks;
}

/** The OpenTelemetry SDK packages, imported only when tracing is on. */
export async function loadTracingModules(): Promise<TracingModules> {
  const [sdk, exporter, resources, core, asyncHooks] = await Promise.all([
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-grpc"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
    import("@opentelemetry/context-async-hooks"),
  ]);
  return { sdk, exporter, resources, core, asyncHooks };
}

/**
 * Builds the provider and installs it, the propagator and an
 * AsyncLocalStorage context manager as OpenTelemetry's process-wide
 * globals (the Go SDK sets otel's globals too), so `trace.getTracer()` in
 * plugin code and in libraries records into Grafana's trace.
 */
export function startTracerProvider(
  modules: TracingModules,
  config: TracingConfig,
  identity: TracerProviderIdentity,
  warn: (message: string) => void,
): RunningTracerProvider {
  const { sdk, exporter, resources, core, asyncHooks } = modules;
  const propagator = createPropagator(core, config.propagation);
  const provider = new sdk.TracerProvider({
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        "service.name": identity.serviceName,
        "service.version": identity.serviceVersion,
        ...identity.attributes,
      }),
    ),
    sampler: createSampler(sdk, config, warn),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new exporter.OTLPTraceExporter({ url: otlpUrl(config.address) }),
      }),
    ],
  });
  context.setGlobalContextManager(new asyncHooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  return { propagator, shutdown: () => provider.shutdown() };
}
