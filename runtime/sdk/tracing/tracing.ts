/**
 * Tracing for plugin code and for the SDK: the Go SDK's backend/tracing
 * (DefaultTracer, tracing.Error) plus what an HTTP client needs to continue
 * the trace in an outgoing request. Tracing is process-wide, as
 * OpenTelemetry's globals are: the first createPlugin that finds
 * GF_INSTANCE_OTLP_ADDRESS starts it, on its first call (which names the
 * service after the plugin id, as a Go plugin's build info does).
 */
import {
  context,
  propagation,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import type { Logger } from "../../log/hclog.js";
import { messageOf } from "../errors.js";
import { currentHandlerCall } from "../middleware/request-scope.js";
import { tracingConfigFromEnv, type TracingConfig } from "./config.js";
import {
  loadTracingModules,
  startTracerProvider,
  TracingPackagesMissingError,
  type TracingModules,
} from "./tracer-provider.js";

export interface TracingOptions {
  /** Where the GF_INSTANCE_OTLP_* settings are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: the plugin id of the first call Grafana makes. */
  serviceName?: string;
  /** Default: the plugin version of the first call. */
  serviceVersion?: string;
  /** Added to the trace resource (the Go SDK's tracing.Opts.CustomAttributes). */
  attributes?: Attributes;
}

/**
 * A started OpenTelemetry tracer provider. Declared here, not beside the
 * provider, so the public declarations never name the OpenTelemetry SDK's
 * types: those packages are optional (tracing-packages.ts).
 */
export interface RunningTracerProvider {
  propagator: TextMapPropagator;
  /** Flushes the spans still batched, then stops exporting. */
  shutdown(): Promise<void>;
}

/** The SDK's handle on a started (or starting) tracing setup. */
export interface PluginTracing {
  /** Starts the provider on the first call; later calls get the same one. */
  start(pluginId: string, pluginVersion: string): Promise<RunningTracerProvider | undefined>;
  /** Flushes batched spans and stops exporting (disposePlugin calls it). */
  shutdown(): Promise<void>;
}

/** Tracer name until a call has told the plugin id (Go's defaultTracerName). */
const SDK_TRACER_NAME = "grafana-plugin-ts";

let active: PluginTracing | undefined;
let running: RunningTracerProvider | undefined;
let pluginTracerName = SDK_TRACER_NAME;

/**
 * Reads the tracing settings and, when Grafana turned tracing on, begins
 * loading the OpenTelemetry SDK. Undefined when tracing is off; a bad
 * setting is logged and leaves tracing off rather than failing the plugin.
 */
export function setupTracing(options: TracingOptions, logger: Logger): PluginTracing | undefined {
  if (active) return active;
  let config: TracingConfig | undefined;
  try {
    config = tracingConfigFromEnv(options.env ?? process.env);
  } catch (error) {
    logger.error("Tracing disabled: bad tracing settings", { error: messageOf(error) });
    return undefined;
  }
  if (!config) return undefined;
  for (const warning of config.warnings) logger.warn(warning);
  const settings = config;
  const modules: Promise<TracingModules> = loadTracingModules();
  modules.catch(() => {}); // reported by start()
  let started: Promise<RunningTracerProvider | undefined> | undefined;
  active = {
    start(pluginId, pluginVersion) {
      return (started ??= modules.then(
        (loaded) => {
          pluginTracerName = options.serviceName ?? (pluginId || SDK_TRACER_NAME);
          running = startTracerProvider(
            loaded,
            settings,
            {
              serviceName: pluginTracerName,
              serviceVersion: options.serviceVersion ?? pluginVersion,
              attributes: options.attributes,
            },
            (message) => logger.warn(message),
          );
          logger.info("Tracing enabled");
          logger.debug("Tracing configuration", {
            address: settings.address,
            propagation: settings.propagation,
            samplerType: settings.samplerType,
            samplerParam: settings.samplerParam,
            samplerRemoteURL: settings.samplerRemoteUrl,
          });
          return running;
        },
        (error: unknown) => {
          if (error instanceof TracingPackagesMissingError) {
            logger.warn(
              "Tracing disabled: Grafana turned tracing on, but the OpenTelemetry SDK is not installed",
              { missing: error.missing.join(", "), install: error.command },
            );
            return undefined;
          }
          logger.error("Tracing disabled: starting OpenTelemetry failed", {
            error: messageOf(error),
          });
          return undefined;
        },
      ));
    },
    async shutdown() {
      const provider = await started;
      await provider?.shutdown();
    },
  };
  return active;
}

/** Whether Grafana turned tracing on for this plugin and it has started. */
export function tracingEnabled(): boolean {
  return running !== undefined;
}

/**
 * The plugin's tracer (the Go SDK's tracing.DefaultTracer()): spans it
 * starts inside a call are children of the call's span, in Grafana's trace.
 * A no-op tracer while tracing is off, so instrumented code costs nothing then.
 */
export function getTracer(name?: string): Tracer {
  return trace.getTracer(name ?? pluginTracerName);
}

/**
 * Runs `fn` in a new active span that ends when `fn` settles; a thrown error
 * marks the span as failed and is recorded on it (Go's tracing.Error), then
 * rethrown.
 */
export function withSpan<T>(
  name: string,
  fn: (span: Span) => T | Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  return getTracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordSpanError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks `span` failed with the error's message and records it as an exception. */
export function recordSpanError(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
  span.recordException(error instanceof Error ? error : messageOf(error));
}

/** A header map, a `Headers`, or anything else with `set(name, value)`. */
export type HeaderCarrier = Record<string, string> | { set(name: string, value: string): void };

/**
 * Writes the trace headers of the active span into `headers` for an
 * outgoing request (`traceparent`/`tracestate`, or `uber-trace-id` when
 * Grafana propagates Jaeger's format). With tracing off it forwards the
 * trace context Grafana sent with the call being served, unchanged, as a Go
 * plugin's HTTP client does with its no-op tracer.
 */
export function injectTraceHeaders(headers: HeaderCarrier): void {
  const set =
    typeof headers.set === "function"
      ? (name: string, value: string) =>
          (headers as { set(n: string, v: string): void }).set(name, value)
      : (name: string, value: string) => ((headers as Record<string, string>)[name] = value);
  if (running) {
    propagation.inject(context.active(), headers, {
      set: (_carrier, name, value) => set(name, value),
    });
    return;
  }
  const incoming = currentHandlerCall()?.trace;
  if (!incoming) return;
  set("traceparent", incoming.traceparent);
  if (incoming.tracestate) set("tracestate", incoming.tracestate);
}

/** Tracing state shared with the tracing middleware. */
export function runningTracerProvider(): RunningTracerProvider | undefined {
  return running;
}
