/**
 * Method + path routing for CallResource, like a small http.ServeMux:
 * patterns are matched segment by segment, `:name` captures one segment and a
 * final `*` the rest. A route returns a value (sent as JSON, 200), a response
 * made with jsonResponse/textResponse/streamResponse/response, or nothing
 * (204). Unknown paths answer 404 listing the routes; a known path with
 * another method answers 405 with an Allow header.
 */
import { PluginError } from "./errors.js";
import type { RequestContext } from "./request-context.js";
import {
  isResponse,
  jsonResponse,
  response,
  type CallResourceHandler,
  type ResourceRequest,
  type ResourceResponse,
} from "./resource.js";

/** `{ id: string }` for "/items/:id", `{ "*": string }` for "/files/*". */
export type PathParams<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? PathParams<Head> & PathParams<Tail>
  : P extends `:${infer Name}`
    ? { [K in Name]: string }
    : P extends "*"
      ? { "*": string }
      : {};

export type RouteHandler<P extends string, J = unknown, I = unknown> = (
  request: ResourceRequest<J> & { params: PathParams<P> },
  ctx: RequestContext<J, I>,
) => unknown;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler<string, any, any>;
}

export class ResourceRouter<J = unknown, I = unknown> implements CallResourceHandler<J, I> {
  readonly #routes: Route[] = [];

  get<P extends string>(pattern: P, handler: RouteHandler<P, J, I>): this {
    return this.route("GET", pattern, handler);
  }
  post<P extends string>(pattern: P, handler: RouteHandler<P, J, I>): this {
    return this.route("POST", pattern, handler);
  }
  put<P extends string>(pattern: P, handler: RouteHandler<P, J, I>): this {
    return this.route("PUT", pattern, handler);
  }
  patch<P extends string>(pattern: P, handler: RouteHandler<P, J, I>): this {
    return this.route("PATCH", pattern, handler);
  }
  delete<P extends string>(pattern: P, handler: RouteHandler<P, J, I>): this {
    return this.route("DELETE", pattern, handler);
  }

  route<P extends string>(method: string, pattern: P, handler: RouteHandler<P, J, I>): this {
    const segments = splitPath(pattern);
    const star = segments.indexOf("*");
    if (star !== -1 && star !== segments.length - 1)
      throw new Error(`route ${pattern}: "*" may only be the last segment`);
    const upper = method.toUpperCase();
    if (this.#routes.some((r) => r.method === upper && r.segments.join("/") === segments.join("/")))
      throw new Error(`route ${upper} ${pattern} is already registered`);
    this.#routes.push({ method: upper, pattern, segments, handler: handler as Route["handler"] });
    return this;
  }

  /** "GET /hello", … in registration order. */
  routes(): string[] {
    return this.#routes.map((r) => `${r.method} /${r.segments.join("/")}`);
  }

  async callResource(
    request: ResourceRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<ResourceResponse> {
    const path = splitPath(request.path);
    const method = request.method.toUpperCase();
    const matching = this.#routes
      .map((route) => ({ route, params: match(route.segments, path) }))
      .filter((m) => m.params !== undefined);
    const found = matching.find((m) => m.route.method === method);
    if (!found) {
      const where = `/${path.join("/")}`;
      if (matching.length === 0)
        return jsonResponse(
          { message: `no resource at ${method} ${where}`, routes: this.routes() },
          { status: 404 },
        );
      const allowed = [...new Set(matching.map((m) => m.route.method))];
      return jsonResponse(
        { message: `${method} is not allowed for ${where} (allowed: ${allowed.join(", ")})` },
        { status: 405, headers: { Allow: allowed.join(", ") } },
      );
    }
    const result = await found.route.handler({ ...request, params: found.params! } as never, ctx);
    if (isResponse(result)) return result;
    if (result === undefined) return response({ status: 204 });
    return jsonResponse(result);
  }
}

function splitPath(path: string): string[] {
  return path
    .split("?")[0]
    .split("/")
    .filter((s) => s !== "");
}

function match(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    if (want === "*") {
      params["*"] = path.slice(i).map(decode).join("/");
      return params;
    }
    if (i >= path.length) return undefined;
    if (want.startsWith(":")) params[want.slice(1)] = decode(path[i]);
    else if (want !== path[i]) return undefined;
  }
  return pattern.length === path.length ? params : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PluginError(`malformed path segment "${segment}"`, { status: 400, source: "plugin" });
  }
}
