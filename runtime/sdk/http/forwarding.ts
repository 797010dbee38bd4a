/**
 * Forwarding the incoming call's HTTP headers to outgoing requests: the OAuth
 * identity ("Forward OAuth Identity": Authorization, X-Id-Token), the
 * data source's allowed cookies, X-Grafana-Id and the other headers Grafana
 * passes along. Grafana decides what to send from the data source's settings;
 * the plugin forwards what arrived, as the Go SDK's header middleware does
 * (backend/http_headers.go), and never replaces a header a request already has.
 */
import { currentHandlerCall } from "../middleware/request-scope.js";
import type { RequestContext } from "../request-context.js";
import type { HttpMiddleware } from "./middleware.js";

export const FORWARD_HEADERS_MIDDLEWARE = "ForwardHTTPHeaders";

/** QueryData, CheckHealth and stream requests prefix every other forwarded header with this. */
const HTTP_HEADER_PREFIX = "http_";
/** Sent without the prefix (Grafana's OAuth and cookie middlewares set them so). */
const UNPREFIXED = new Set(["authorization", "x-id-token", "cookie"]);
/** Connection-level headers describe the incoming hop, never the outgoing request. */
const HOP_BY_HOP = new Set([
  "connection",
  "content-length",
  "host",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

type StringMap = Readonly<Record<string, string>>;
type ListMap = Readonly<Record<string, readonly string[] | { values: readonly string[] }>>;

/**
 * The headers of an incoming call that can be forwarded, read as the Go
 * SDK's GetHTTPHeaders: from QueryData, CheckHealth and stream requests
 * (string map) Authorization, X-Id-Token, Cookie and every "http_"-prefixed
 * header without its prefix; from CallResource (lists) every header but the
 * hop-by-hop ones.
 */
export function forwardedHttpHeaders(headers: StringMap | ListMap | undefined): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === "string") {
      if (UNPREFIXED.has(name.toLowerCase())) out.set(name, value);
      else if (name.startsWith(HTTP_HEADER_PREFIX))
        addHeader(out, name.slice(HTTP_HEADER_PREFIX.length), [value]);
    } else {
      const values = Array.isArray(value) ? value : (value as { values: string[] }).values;
      if (!HOP_BY_HOP.has(name.toLowerCase())) addHeader(out, name, values);
    }
  }
  return out;
}

function addHeader(out: Headers, name: string, values: readonly string[]): void {
  if (!name || values.length === 0 || HOP_BY_HOP.has(name.toLowerCase())) return;
  try {
    // Several Cookie headers are one list separated by "; " (RFC 6265), not ", ".
    if (name.toLowerCase() === "cookie") out.set(name, values.join("; "));
    else for (const value of values) out.append(name, value);
  } catch {
    // A name or value fetch refuses (invalid characters) cannot be forwarded; skip it.
  }
}

/**
 * The forwardable headers of the call `ctx` serves (empty outside it): read
 * from the protocol request the handler chain is running, so every rpc that
 * carries headers (QueryData, CallResource, CheckHealth, streams) forwards.
 */
export function incomingHttpHeaders(ctx: RequestContext<unknown, unknown>): Headers {
  const call = currentHandlerCall();
  const request = call && call.call === ctx.call ? call.request : undefined;
  return forwardedHttpHeaders((request as { headers?: StringMap | ListMap } | undefined)?.headers);
}

/** Adds the scope's forwarded headers a request does not already set; off with `forwardHttpHeaders: false`. */
export function forwardHeadersMiddleware(): HttpMiddleware {
  return {
    name: FORWARD_HEADERS_MIDDLEWARE,
    create(options, next) {
      if (!options.forwardHttpHeaders) return next;
      return (request, scope) => {
        for (const [name, value] of scope.forwardHeaders)
          if (!request.headers.has(name)) request.headers.set(name, value);
        return next(request, scope);
      };
    },
  };
}
