/**
 * Which outgoing-request failures are the upstream's ("downstream"), the Go
 * SDK's status.IsDownstreamHTTPError in Node terms: connection refused,
 * reset or unreachable, DNS name not found, TLS certificate verification
 * (and the server refusing our certificate), timeouts, the server closing
 * the connection early (Go's EOF), the secure socks proxy failing, cancellation. The client's ErrorSource
 * middleware turns those into a PluginError with source "downstream" and a
 * message that says what happened to which URL; anything else (a bad URL, a
 * bug) passes through and counts as the plugin's.
 */
import { errorSourceFromHttpStatus, PluginError } from "../errors.js";
import type { HttpMiddleware } from "./middleware.js";

export const ERROR_SOURCE_MIDDLEWARE = "ErrorSource";

/** Why a request failed, when the failure is the upstream's. */
export interface DownstreamFailure {
  /** 504 for timeouts, 502 for the rest (the Go SDK's statusFromError). */
  status: number;
  /** Human words, e.g. "connection refused (ECONNREFUSED)". */
  reason: string;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found (DNS)",
  UND_ERR_SOCKET: "connection closed by the server before the response ended (EOF)",
  UND_ERR_CLOSED: "connection closed by the server before the response ended (EOF)",
};
const TIMEOUT_CODES: Record<string, string> = {
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "timed out connecting",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for the response headers",
  UND_ERR_BODY_TIMEOUT: "timed out reading the response body",
};
/** OpenSSL's verification failures as Node reports them (err.code). */
const TLS_VERIFY_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/**
 * The downstream failure `error` (or anything in its cause chain) is, or
 * undefined when it is not one. Usable on errors of any HTTP library, not
 * just this client's.
 */
export function downstreamHttpFailure(error: unknown): DownstreamFailure | undefined {
  for (const e of causeChain(error)) {
    if (e instanceof PluginError)
      return e.source === "downstream" ? { status: e.status, reason: e.message } : undefined;
    const code = typeof e.code === "string" ? e.code : "";
    if (e.name === "TimeoutError") return { status: 504, reason: e.message || "timed out" };
    if (e.name === "AbortError") return { status: 499, reason: "cancelled" };
    if (TIMEOUT_CODES[code]) return { status: 504, reason: `${TIMEOUT_CODES[code]} (${code})` };
    if (NETWORK_CODES[code]) return { status: 502, reason: `${NETWORK_CODES[code]} (${code})` };
    if (TLS_VERIFY_CODES.has(code))
      return { status: 502, reason: `TLS certificate verification failed: ${e.message} (${code})` };
    // The Go SDK counts every failure to dial through the secure socks proxy as downstream.
    if (code.startsWith("UND_ERR_SOCKS5"))
      return { status: 502, reason: `secure socks proxy: ${e.message} (${code})` };
    // A TLS alert from the server: it refused the handshake (e.g. our client certificate).
    if (/^ERR_SSL_.*ALERT/.test(code))
      return { status: 502, reason: `the server refused the TLS handshake: ${e.message}` };
  }
  return undefined;
}

/** Go's IsDownstreamHTTPError. */
export function isDownstreamHttpError(error: unknown): boolean {
  return downstreamHttpFailure(error) !== undefined;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: string;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its causes and (for an AggregateError, e.g. happy-eyeballs) its members. */
function* causeChain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (typeof error !== "object" || error === null || depth > 8) return;
  const e = error as ErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const member of e.errors) yield* causeChain(member, depth + 1);
  yield* causeChain(e.cause, depth + 1);
}

/**
 * Rewraps a downstream failure of the request as PluginError(source
 * "downstream") naming it. Like Go's ErrorSourceMiddleware it sees the round
 * trip only; the client's json() and text() relabel body read errors too.
 */
export function errorSourceMiddleware(): HttpMiddleware {
  return {
    name: ERROR_SOURCE_MIDDLEWARE,
    create: (_options, next) => async (request, scope) => {
      try {
        return await next(request, scope);
      } catch (error) {
        throw downstreamError(request.method, request.url, error);
      }
    },
  };
}

/** `error` as a downstream PluginError when it is a downstream failure; else unchanged. */
export function downstreamError(method: string, url: string, error: unknown): unknown {
  if (error instanceof PluginError) return error;
  const failure = downstreamHttpFailure(error);
  // Cancellation keeps its own error: the adapters already report it as the caller's doing.
  if (!failure || failure.status === 499) return error;
  return new PluginError(`${method} ${redactedUrl(url)}: ${failure.reason}`, {
    status: failure.status,
    source: "downstream",
    cause: error,
  });
}

/** An HTTP answer with a failure status; status and source follow the Go SDK's rules. */
export class HttpResponseError extends PluginError {
  override name = "HttpResponseError";
  constructor(
    message: string,
    readonly response: { status: number; statusText: string; url: string },
  ) {
    super(message, {
      status: response.status,
      source: errorSourceFromHttpStatus(response.status),
    });
  }
}

/**
 * The error to throw for a response that is not 2xx: "GET https://…/api:
 * 401 Unauthorized: <start of the body>". A 4xx/5xx from the upstream is
 * "downstream" except the statuses that mean the plugin built the request
 * badly (405, 413, 501, …), as in the Go SDK. Consumes the body.
 */
export async function responseError(
  response: { status: number; statusText: string; url: string; text(): Promise<string> },
  method = "GET",
): Promise<HttpResponseError> {
  let snippet = "";
  try {
    snippet = (await response.text()).trim().slice(0, 200);
  } catch {
    // The body is a detail; the status alone still says what happened.
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return new HttpResponseError(
    `${method} ${redactedUrl(response.url)}: ${status}${snippet ? `: ${snippet}` : ""}`,
    response,
  );
}

/** Origin and path only: user info and query strings may carry credentials. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}
