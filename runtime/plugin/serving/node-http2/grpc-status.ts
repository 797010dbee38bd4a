/**
 * How a gRPC status travels over HTTP/2 (gRPC over HTTP/2 spec,
 * doc/PROTOCOL-HTTP2.md): `grpc-status`, a percent-encoded `grpc-message`
 * and the trailing metadata, either as trailers after the response messages
 * or, when nothing was sent yet, as one "trailers-only" header block.
 */
import { constants, type OutgoingHttpHeaders } from "node:http2";
import { Metadata, status as Status } from "@grpc/grpc-js";
import { percentEncode } from "./percent-encoding.js";

export interface GrpcStatus {
  code: Status;
  details: string;
  metadata?: Metadata | null;
}

/** The response headers of every call: grpc-js's and grpc-go's (no response compression). */
export const RESPONSE_HEADERS: OutgoingHttpHeaders = Object.freeze({
  [constants.HTTP2_HEADER_STATUS]: constants.HTTP_STATUS_OK,
  [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc+proto",
  "grpc-accept-encoding": "identity,deflate,gzip",
  "grpc-encoding": "identity",
});

export const OK_TRAILERS: OutgoingHttpHeaders = Object.freeze({ "grpc-status": "0" });

export function statusTrailers(status: GrpcStatus): OutgoingHttpHeaders {
  if (status.code === Status.OK && !status.details && !status.metadata) return OK_TRAILERS;
  return {
    ...sendableMetadata(status.metadata),
    "grpc-status": String(status.code),
    ...(status.details ? { "grpc-message": percentEncode(status.details) } : {}),
  };
}

/**
 * HTTP/1 connection headers, which HTTP/2 forbids: Node throws on them (on a
 * stream, inside its "wantTrailers" event, which would take the process
 * down), so metadata under these names is left out of a status.
 */
const CONNECTION_HEADERS = new Set([
  "connection",
  "upgrade",
  "host",
  "http2-settings",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
]);

function sendableMetadata(metadata: Metadata | null | undefined): OutgoingHttpHeaders {
  const headers = metadata?.toHttp2Headers() ?? {};
  for (const name of Object.keys(headers)) if (CONNECTION_HEADERS.has(name)) delete headers[name];
  return headers;
}

/** Headers and status in one block, for a call that sent nothing else. */
export function trailersOnly(status: GrpcStatus): OutgoingHttpHeaders {
  return {
    ...statusTrailers(status),
    [constants.HTTP2_HEADER_STATUS]: constants.HTTP_STATUS_OK,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc+proto",
  };
}

/** What a handler failed with (grpc-js's sendUnaryData / stream "error" shape) as a status. */
export function statusOfError(error: unknown): GrpcStatus {
  const e = (error ?? {}) as {
    code?: unknown;
    details?: unknown;
    message?: unknown;
    metadata?: unknown;
  };
  const metadata = e.metadata instanceof Metadata ? e.metadata : null;
  if (typeof e.code === "number" && Number.isInteger(e.code) && e.code >= 0 && e.code <= 16)
    return {
      code: e.code,
      details: typeof e.details === "string" ? e.details : String(e.message ?? ""),
      metadata,
    };
  return { code: Status.UNKNOWN, details: String(e.message ?? "Unknown Error"), metadata };
}
