/**
 * Errors with a status and a source, as the protocol carries them
 * (DataResponse.status and DataResponse.errorSource): "plugin" for a fault of
 * the plugin, "downstream" for a failure of the system it queries. Grafana
 * uses the source to tell a plugin's own reliability from its upstream's, so
 * a plugin says which one it was; anything unlabelled counts as "plugin".
 * Mirrors grafana-plugin-sdk-go's experimental/errorsource and backend/status.
 */
import { status as GrpcStatus } from "@grpc/grpc-js";
import { RpcError } from "../../output/rpc-support.js";
import { errorSourceMetadata } from "./error-details.js";

/** Who caused an error; the wire value of DataResponse.errorSource. */
export type ErrorSource = "plugin" | "downstream";

export interface PluginErrorOptions {
  /** HTTP-like status (DataResponse.status, or a resource's HTTP status). Default 500. */
  status?: number;
  /** Default: derived from `status` as the Go SDK does, "plugin" without one. */
  source?: ErrorSource;
  cause?: unknown;
}

/** Throw this to choose the status and source a query, resource call or stream reports. */
export class PluginError extends Error {
  override name = "PluginError";
  readonly status: number;
  readonly source: ErrorSource;

  constructor(message: string, options: PluginErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = options.status ?? 500;
    this.source =
      options.source ??
      (options.status === undefined ? "plugin" : errorSourceFromHttpStatus(options.status));
  }
}

/** The upstream system failed (default status 502 Bad Gateway). Keeps the message of `error`. */
export function downstreamError(error: unknown, status = 502): PluginError {
  return new PluginError(messageOf(error), { status, source: "downstream", cause: error });
}

/** The plugin itself failed (default status 500). Keeps the message of `error`. */
export function pluginError(error: unknown, status = 500): PluginError {
  return new PluginError(messageOf(error), { status, source: "plugin", cause: error });
}

/**
 * The Go SDK's `status.SourceFromHTTPStatus`: statuses that describe a request
 * the plugin built badly are the plugin's; every other failure status is
 * blamed on the system that answered it.
 */
export function errorSourceFromHttpStatus(status: number): ErrorSource {
  return PLUGIN_STATUSES.has(status) ? "plugin" : "downstream";
}
const PLUGIN_STATUSES = new Set([405, 406, 412, 413, 414, 416, 417, 426, 431, 501]);

/** What a thrown value turns into on the wire. */
export interface ErrorDescription {
  message: string;
  status: number;
  source: ErrorSource;
}

/**
 * Classifies anything a handler threw: a PluginError keeps its status and
 * source; a timeout is 504 downstream; a cancellation (the caller went away)
 * 499 downstream; anything else 500 plugin.
 */
export function describeError(error: unknown): ErrorDescription {
  const message = messageOf(error);
  if (error instanceof PluginError) return { message, status: error.status, source: error.source };
  const name = (error as { name?: unknown } | null)?.name;
  if (
    name === "TimeoutError" ||
    (error instanceof RpcError && error.code === GrpcStatus.DEADLINE_EXCEEDED)
  )
    return { message, status: 504, source: "downstream" };
  if (name === "AbortError" || (error instanceof RpcError && error.code === GrpcStatus.CANCELLED))
    return { message, status: 499, source: "downstream" };
  return { message, status: 500, source: "plugin" };
}

/**
 * The gRPC status for a failed call: an RpcError passes unchanged; a
 * PluginError's HTTP status picks the nearest gRPC code; the rest is INTERNAL
 * with the error's message (never the generated "handler failed" wrapping).
 * An error whose source is known (a PluginError, a timeout, a cancellation)
 * carries it in the status details, as the Go SDK sends it to Grafana.
 */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  const { message, status, source } = describeError(error);
  const code = GRPC_FOR_HTTP[status] ?? GrpcStatus.INTERNAL;
  const known = error instanceof PluginError || source === "downstream";
  return new RpcError(
    code,
    message,
    known ? errorSourceMetadata(code, message, source) : undefined,
  );
}
const GRPC_FOR_HTTP: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ALREADY_EXISTS,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  501: GrpcStatus.UNIMPLEMENTED,
  502: GrpcStatus.UNAVAILABLE,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : String(error);
}
