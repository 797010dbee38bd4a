/**
 * Tracing settings as Grafana hands them to a plugin: the environment
 * variables grafana-plugin-sdk-go reads in backend/setup.go
 * (getTracingConfig). Tracing is on exactly when GF_INSTANCE_OTLP_ADDRESS
 * is set; Grafana sets it when its own OpenTelemetry tracing is on.
 */

export const OTLP_ADDRESS_ENV = "GF_INSTANCE_OTLP_ADDRESS";
export const OTLP_PROPAGATION_ENV = "GF_INSTANCE_OTLP_PROPAGATION";
export const OTLP_SAMPLER_TYPE_ENV = "GF_INSTANCE_OTLP_SAMPLER_TYPE";
export const OTLP_SAMPLER_PARAM_ENV = "GF_INSTANCE_OTLP_SAMPLER_PARAM";
export const OTLP_SAMPLER_REMOTE_URL_ENV = "GF_INSTANCE_OTLP_SAMPLER_REMOTE_URL";

/** The Go SDK's sampler types (internal/tracerprovider/sampler.go); "" means const. */
export type SamplerType = "" | "const" | "probabilistic" | "rateLimiting" | "remote";
const SAMPLER_TYPES: readonly string[] = ["", "const", "probabilistic", "rateLimiting", "remote"];

export interface TracingConfig {
  /** OTLP gRPC endpoint, host:port (Grafana's own collector address). */
  address: string;
  /** Comma-separated propagator formats: "w3c", "jaeger"; "" = W3C trace context + baggage. */
  propagation: string;
  samplerType: SamplerType;
  /** const: 0 or 1; probabilistic: a ratio; rateLimiting: spans per second. */
  samplerParam: number;
  samplerRemoteUrl: string;
  /** Problems a plugin author should see (an unparsable parameter), logged at start. */
  warnings: string[];
}

/**
 * The tracing configuration in `env`, or undefined when tracing is off.
 * An unknown sampler type is refused (the Go SDK fails its setup on it); a
 * missing parameter, or one that is not a number, counts as 1 (always
 * sample), as in Go.
 */
export function tracingConfigFromEnv(env: NodeJS.ProcessEnv): TracingConfig | undefined {
  const address = env[OTLP_ADDRESS_ENV];
  if (address === undefined || address === "") return undefined;
  const samplerType = env[OTLP_SAMPLER_TYPE_ENV] ?? "";
  if (!SAMPLER_TYPES.includes(samplerType))
    throw new Error(
      `${OTLP_SAMPLER_TYPE_ENV}="${samplerType}" is not a sampler type; use one of const, probabilistic, rateLimiting, remote`,
    );
  const warnings: string[] = [];
  const paramText = env[OTLP_SAMPLER_PARAM_ENV] ?? "";
  let samplerParam = paramText.trim() === "" ? 1 : Number(paramText);
  if (Number.isNaN(samplerParam)) {
    warnings.push(
      `${OTLP_SAMPLER_PARAM_ENV}="${paramText}" is not a number; sampling everything (1.0)`,
    );
    samplerParam = 1;
  }
  return {
    address,
    propagation: env[OTLP_PROPAGATION_ENV] ?? "",
    samplerType: samplerType as SamplerType,
    samplerParam,
    samplerRemoteUrl: env[OTLP_SAMPLER_REMOTE_URL_ENV] ?? "",
    warnings,
  };
}

/** The exporter's URL: Grafana passes host:port and, like Grafana, the Go SDK dials it without TLS. */
export function otlpUrl(address: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`;
}
