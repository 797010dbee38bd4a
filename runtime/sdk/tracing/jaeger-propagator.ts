/**
 * Jaeger's `uber-trace-id` header ({trace-id}:{span-id}:{parent-span-id}:{flags}),
 * for Grafanas configured with `propagation = jaeger`: the Go SDK then reads
 * and writes this header (go.opentelemetry.io/contrib/propagators/jaeger),
 * and so must a TypeScript plugin to stay in Grafana's trace.
 */
import {
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from "@opentelemetry/api";

export const UBER_TRACE_ID = "uber-trace-id";

export class JaegerPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (!span || !isSpanContextValid(span)) return;
    const sampled = (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    setter.set(carrier, UBER_TRACE_ID, `${span.traceId}:${span.spanId}:0:${sampled ? 1 : 0}`);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, UBER_TRACE_ID);
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) return context;
    let decoded: string;
    try {
      decoded = decodeURIComponent(value); // Jaeger clients may send ':' as %3A
    } catch {
      return context;
    }
    const parts = decoded.split(":");
    if (parts.length !== 4) return context;
    const [traceId, spanId, , flags] = parts;
    const spanContext = {
      traceId: traceId.padStart(32, "0").toLowerCase(),
      spanId: spanId.padStart(16, "0").toLowerCase(),
      traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
      isRemote: true,
    };
    if (!/^[0-9a-f]{32}$/.test(spanContext.traceId) || !/^[0-9a-f]{16}$/.test(spanContext.spanId))
      return context;
    if (!isSpanContextValid(spanContext)) return context;
    return trace.setSpanContext(context, spanContext);
  }

  fields(): string[] {
    return [UBER_TRACE_ID];
  }
}
