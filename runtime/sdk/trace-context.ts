/**
 * W3C trace context from the incoming call. Grafana forwards the span of the
 * request that caused a plugin call in the gRPC metadata as `traceparent`
 * (and `tracestate`); handlers get it parsed so they can log the trace id or
 * continue the trace in their own outgoing requests.
 */
import type { Metadata } from "@grpc/grpc-js";

export interface TraceContext {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits: the caller's span, the parent of any span the plugin starts. */
  spanId: string;
  /** The trace-flags byte. */
  flags: number;
  /** Whether the caller sampled this trace (flag 0x01). */
  sampled: boolean;
  /** The header as received, to forward unchanged. */
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` header; undefined for a missing or invalid one, as
 * the spec asks receivers to treat it (version ff, all-zero ids, and extra
 * fields on version 00 are invalid).
 */
export function parseTraceparent(
  value: string | undefined,
  tracestate?: string,
): TraceContext | undefined {
  const match = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!match) return undefined;
  const [, version, traceId, spanId, flagsHex, rest] = match;
  if (version === "ff" || (version === "00" && rest)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const flags = parseInt(flagsHex, 16);
  return {
    traceId,
    spanId,
    flags,
    sampled: (flags & 1) === 1,
    traceparent: value!.trim(),
    ...(tracestate ? { tracestate } : {}),
  };
}

/** The trace context of a gRPC call's metadata, if the caller sent a valid one. */
export function traceContextFrom(metadata: Metadata | undefined): TraceContext | undefined {
  const first = (key: string) => {
    const v = metadata?.get(key)[0];
    return v === undefined ? undefined : String(v);
  };
  return parseTraceparent(first("traceparent"), first("tracestate"));
}
