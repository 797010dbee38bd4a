/**
 * CallResource in SDK terms: an HTTP-like request (query string parsed, body
 * readable as text or JSON, path parameters from the router) and a response
 * whose body may be bytes, text or a stream of chunks. resource-adapter.ts
 * turns the response into the generated message stream.
 */
import type * as pb from "../../output/pluginv2/backend.js";
import type { PluginContext } from "./context.js";
import type { RequestContext } from "./request-context.js";

export type ResourceChunk = string | Uint8Array;
/** Bytes or text sent at once, or chunks sent as they come (each becomes one message). */
export type ResourceBody = ResourceChunk | AsyncIterable<ResourceChunk> | Iterable<ResourceChunk>;

export interface ResourceResponse {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: ResourceBody;
}

export interface ResourceRequest<J = unknown> extends Omit<
  pb.CallResourceRequest,
  "pluginContext" | "headers"
> {
  pluginContext: PluginContext<J>;
  /** Header name → values, as Grafana forwarded them. */
  headers: Record<string, string[]>;
  /** Path parameters captured by the router (`/items/:id` → `{ id }`). */
  params: Record<string, string>;
  /** The query string of `url`. */
  query: URLSearchParams;
  /** `path` without leading or trailing slashes. */
  route: string;
  /** First value of a header, by case-insensitive name. */
  header(name: string): string | undefined;
  text(): string;
  /** The body parsed as JSON; a PluginError (400) if it is not JSON. */
  json<T = unknown>(): T;
}

/** Serves CallResource. A ResourceRouter is one; so is any object with this method. */
export interface CallResourceHandler<J = unknown, I = unknown> {
  callResource(
    request: ResourceRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<ResourceResponse> | ResourceResponse;
}

const RESPONSE = Symbol.for("grafana-plugin-ts.resource-response");

/** Marks a response so a router route returns it as is rather than as a JSON value. */
export function response(init: ResourceResponse): ResourceResponse {
  return Object.assign({ [RESPONSE]: true }, init);
}

export function isResponse(value: unknown): value is ResourceResponse {
  return typeof value === "object" && value !== null && RESPONSE in value;
}

/** A JSON reply (Content-Type application/json). */
export function jsonResponse(
  value: unknown,
  init: Omit<ResourceResponse, "body"> = {},
): ResourceResponse {
  return response({
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", ...init.headers },
    body: JSON.stringify(value, bigintAsString),
  });
}

export function textResponse(
  text: string,
  init: Omit<ResourceResponse, "body"> = {},
): ResourceResponse {
  return response({
    status: init.status ?? 200,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...init.headers },
    body: text,
  });
}

/** A streamed reply: every chunk goes to Grafana as soon as it is produced. */
export function streamResponse(
  chunks: AsyncIterable<ResourceChunk> | Iterable<ResourceChunk>,
  init: Omit<ResourceResponse, "body"> = {},
): ResourceResponse {
  return response({ status: init.status ?? 200, headers: init.headers, body: chunks });
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
