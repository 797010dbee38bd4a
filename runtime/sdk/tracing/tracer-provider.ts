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
import { context, propagation, trace, type Attributes } from "@opentelemetry/api";
import { otlpUrl, type TracingConfig } from "./config.js";
import { createPropagator } from "./propagator.js";
import { createSampler } from "./sampler.js";
import type { RunningTracerProvider } from "./tracing.js";
import { tracingPackageRanges } from "./tracing-package-ranges.js";
import {
  installCommand,
  missingTracingPackage,
  type TracingSdkPackage,
} from "./tracing-packages.js";

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

/**
 * The tracing packages (tracing-packages.ts) are not installed: the plugin
 * runs without tracing, and `command` adds them.
 */
export class TracingPackagesMissingError extends Error {
  override name = "TracingPackagesMissingError";
  readonly command: string;
  constructor(readonly missing: TracingSdkPackage[]) {
    const command = installCommand(missing, tracingPackageRanges());
    super(`${missing.join(", ")} not installed: add with \`${command}\``);
    this.command = command;
  }
}

/**
 * The OpenTelemetry SDK packages, imported only when tracing is on (the
 * specifiers stay literal for bundlers). Throws TracingPackagesMissingError
 * when every failed import is a tracing package that is not installed; any
 * other failure is rethrown as it is.
 */
export async function loadTracingModules(): Promise<TracingModules> {
  const results = await Promise.allSettled([
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-grpc"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
    import("@opentelemetry/context-async-hooks"),
  ] as const);
  const [sdk, exporter, resources, core, asyncHooks] = results;
  if (
    sdk.status === "fulfilled" &&
    exporter.status === "fulfilled" &&
    resources.status === "fulfilled" &&
    core.status === "fulfilled" &&
    asyncHooks.status === "fulfilled"
  )
    return {
      sdk: sdk.value,
      exporter: exporter.value,
      resources: resources.value,
      core: core.value,
      asyncHooks: asyncHooks.value,
    };
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  const missing = failures.map(missingTracingPackage);
  const other = failures.find((_, i) => missing[i] === undefined);
  if (other !== undefined) throw other;
  throw new TracingPackagesMissingError(missing as TracingSdkPackage[]);
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
