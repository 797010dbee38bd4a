/**
 * The Go SDK's samplers (internal/tracerprovider/sampler.go), always behind
 * a parent-based sampler: a call Grafana sampled is sampled here too, one it
 * did not is not, and only root spans (no trace from Grafana) consult the
 * configured sampler.
 */
import type { Context } from "@opentelemetry/api";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import type { TracingConfig } from "./config.js";

/**
 * The sampler for `config`. `sdk` is the lazily loaded trace SDK. Refuses a
 * const parameter other than 0 or 1, as Go does.
 */
export function createSampler(
  sdk: typeof SdkTrace,
  config: Pick<TracingConfig, "samplerType" | "samplerParam">,
  warn: (message: string) => void,
): SdkTrace.Sampler {
  return new sdk.ParentBasedSampler({ root: rootSampler(sdk, config, warn) });
}

function rootSampler(
  sdk: typeof SdkTrace,
  { samplerType, samplerParam }: Pick<TracingConfig, "samplerType" | "samplerParam">,
  warn: (message: string) => void,
): SdkTrace.Sampler {
  switch (samplerType) {
    case "":
    case "const":
      if (samplerParam >= 1) return new sdk.AlwaysOnSampler();
      if (samplerParam <= 0) return new sdk.AlwaysOffSampler();
      throw new Error(
        `the const sampler takes 0 or 1 (GF_INSTANCE_OTLP_SAMPLER_PARAM=${samplerParam})`,
      );
    case "probabilistic":
      return new sdk.TraceIdRatioBasedSampler(samplerParam);
    case "rateLimiting":
      return new RateLimitingSampler(sdk, samplerParam);
    case "remote":
      // Go's Jaeger remote sampler starts from this ratio sampler until the
      // remote answers; there is no Jaeger remote sampler for OpenTelemetry JS here.
      warn(
        "remote sampling is not supported; sampling with GF_INSTANCE_OTLP_SAMPLER_PARAM as a ratio",
      );
      return new sdk.TraceIdRatioBasedSampler(samplerParam);
  }
}

/**
 * Go's rateLimiter: a token bucket of `rps` spans per second holding at
 * most max(rps, 1) tokens, refilled on each decision that finds it empty.
 */
export class RateLimitingSampler implements SdkTrace.Sampler {
  #balance: number;
  readonly #maxBalance: number;
  #lastTick: number;

  constructor(
    private readonly sdk: Pick<typeof SdkTrace, "SamplingDecision">,
    private readonly rps: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#maxBalance = Math.max(rps, 1);
    this.#balance = this.#maxBalance;
    this.#lastTick = now();
  }

  shouldSample(_context: Context): SdkTrace.SamplingResult {
    if (this.#take()) return { decision: this.sdk.SamplingDecision.RECORD_AND_SAMPLED };
    const now = this.now();
    const elapsedSeconds = (now - this.#lastTick) / 1000;
    this.#lastTick = now;
    this.#balance = Math.min(this.#maxBalance, this.#balance + elapsedSeconds * this.rps);
    return {
      decision: this.#take()
        ? this.sdk.SamplingDecision.RECORD_AND_SAMPLED
        : this.sdk.SamplingDecision.NOT_RECORD,
    };
  }

  #take(): boolean {
    if (this.#balance < 1) return false;
    this.#balance--;
    return true;
  }

  toString(): string {
    return `RateLimitingSampler{${this.rps}}`;
  }
}
