/**
 * Tracing, for plugin code and for the SDK's own clients (runtime/sdk/http):
 * the plugin's tracer, spans that record errors as the Go SDK does, and the
 * trace headers of an outgoing request.
 */
export {
  getTracer,
  injectTraceHeaders,
  recordSpanError,
  tracingEnabled,
  withSpan,
  type HeaderCarrier,
  type TracingOptions,
} from "./tracing.js";
export {
  OTLP_ADDRESS_ENV,
  OTLP_PROPAGATION_ENV,
  OTLP_SAMPLER_PARAM_ENV,
  OTLP_SAMPLER_REMOTE_URL_ENV,
  OTLP_SAMPLER_TYPE_ENV,
} from "./config.js";
