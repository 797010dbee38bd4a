/**
 * Outgoing-request middleware, the Go SDK's httpclient.Middleware: each one
 * is built once per client from its options and wraps the next handler, so a
 * middleware that has nothing to do for these options (no basic auth
 * configured, say) returns `next` and costs nothing per request. Requests
 * and responses are fetch's own (undici's Request and Response).
 *
 *     const tenant = httpMiddleware("tenant", (request, next) => {
 *       request.headers.set("X-Scope-OrgID", "team-a");
 *       return next(request);
 *     });
 *     createHttpClient(settings, { middlewares: (defaults) => [...defaults, tenant] });
 */
import type { Request, Response } from "undici";
import type { RequestContext } from "../request-context.js";
import type { HttpClientOptions } from "./options.js";

/** What one outgoing request carries besides the Request itself. */
export interface HttpRequestScope {
  /** The plugin call this request is made for, when the client is bound to one. */
  readonly context: RequestContext<unknown, unknown> | undefined;
  /** Headers of the incoming call to forward (empty when forwarding is off). */
  readonly forwardHeaders: Headers;
  /** This request's response limit override, if any. */
  readonly responseLimit: number | undefined;
}

export type HttpHandler = (request: Request, scope: HttpRequestScope) => Promise<Response>;

export interface HttpMiddleware {
  /** Unique within a chain; lets a `middlewares` option find, drop or replace one. */
  readonly name: string;
  /** Wraps `next` for a client built with `options`; return `next` to stay out of the way. */
  create(options: HttpClientOptions, next: HttpHandler): HttpHandler;
}

/** A middleware from a per-request function (for ones that need nothing from the options). */
export function httpMiddleware(
  name: string,
  handle: (
    request: Request,
    next: (request: Request) => Promise<Response>,
    scope: HttpRequestScope,
  ) => Promise<Response>,
): HttpMiddleware {
  return {
    name,
    create: (_options, next) => (request, scope) =>
      handle(request, (forwarded) => next(forwarded, scope), scope),
  };
}

/** Chains `middlewares` (outermost first) around `last`. Names must be unique. */
export function composeHttpMiddlewares(
  middlewares: readonly HttpMiddleware[],
  options: HttpClientOptions,
  last: HttpHandler,
): HttpHandler {
  const seen = new Set<string>();
  for (const m of middlewares) {
    if (seen.has(m.name))
      throw new Error(`HTTP client: two middlewares are named "${m.name}"; names must be unique`);
    seen.add(m.name);
  }
  return middlewares.reduceRight<HttpHandler>((next, m) => m.create(options, next), last);
}
