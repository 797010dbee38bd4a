/**
 * A call's request metadata as grpc-go hands it to handlers, built from the
 * raw header list rather than Node's header object: Node joins a repeated
 * header into one "a, b" value, grpc-go keeps each; `-bin` values are
 * base64-decoded one by one. Transport headers are not metadata.
 */
import { Metadata } from "@grpc/grpc-js";

const TRANSPORT_HEADERS = new Set([
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "accept-encoding",
  "te",
  "content-type",
]);

/** `raw`: name, value, name, value, … as node:http2's "stream" event gives them. */
export function requestMetadata(raw: readonly string[]): Metadata {
  const metadata = new Metadata();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toLowerCase();
    if (key.startsWith(":") || TRANSPORT_HEADERS.has(key)) continue;
    const value = raw[i + 1]!;
    try {
      metadata.add(key, key.endsWith("-bin") ? Buffer.from(value, "base64") : value);
    } catch {
      // A key or value grpc-js's Metadata refuses (illegal characters) is dropped, as grpc-js does.
    }
  }
  return metadata;
}

const PADDED_BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RAW_BASE64 = /^[A-Za-z0-9+/]*$/;

/**
 * Why a `-bin` header is not binary metadata, or undefined: grpc-go refuses
 * the call (INTERNAL) unless each value is standard base64, padded when its
 * length is a multiple of 4 and unpadded otherwise (decodeBinHeader).
 */
export function malformedBinaryHeader(raw: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (!key.endsWith("-bin")) continue;
    const value = raw[i + 1]!;
    const valid =
      value.length % 4 === 0
        ? PADDED_BASE64.test(value)
        : value.length % 4 !== 1 && RAW_BASE64.test(value);
    if (!valid) return `malformed binary metadata ${JSON.stringify(value)} in header "${key}"`;
  }
  return undefined;
}
