/**
 * How a call ended, in the Go SDK's terms (backend/request_status.go and the
 * error source its ErrorSourceMiddleware leaves in the context): the status
 * and status source that metrics, the completion log line and the request
 * span all report.
 */
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { DeepPartial } from "../../../output/rpc-support.js";
import { RpcError } from "../../../output/rpc-support.js";
import type * as pb from "../../../output/pluginv2/backend.js";
import { describeError, type ErrorSource } from "../errors.js";

/** "ok", "cancelled" (the caller went away) or "error", the Go SDK's RequestStatus names. */
export type RequestStatus = "ok" | "cancelled" | "error";

export interface RequestOutcome {
  status: RequestStatus;
  /** Who is to blame for a failure; "plugin" when nothing says otherwise, as in Go. */
  statusSource: ErrorSource;
  /** What the handler threw, or the error it answered with. */
  error?: unknown;
}

export const OK_OUTCOME: RequestOutcome = Object.freeze({ status: "ok", statusSource: "plugin" });

/** The outcome of a call that failed with `error` (thrown, or answered as an error reply). */
export function outcomeOfError(error: unknown, signal?: AbortSignal): RequestOutcome {
  return {
    status: isCancellation(error, signal) ? "cancelled" : "error",
    statusSource: describeError(error).source,
    error,
  };
}

/** Go's status.IsCancelledError: the caller cancelled (context.Canceled / gRPC CANCELLED). */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (error instanceof RpcError) return error.code === GrpcStatus.CANCELLED;
  return (error as { name?: unknown } | null)?.name === "AbortError";
}

/**
 * A QueryData answer's outcome: "error" when any query failed ("cancelled"
 * when the failures were cancellations, status 499); the source is
 * "downstream" only when every failure was downstream's, since a plugin
 * error outranks a downstream one (Go's ErrorSourceMiddleware).
 */
export function outcomeOfQueryResponses(
  responses: Iterable<DeepPartial<pb.DataResponse> | undefined>,
): RequestOutcome {
  let status: RequestStatus = "ok";
  let downstream = false;
  let plugin = false;
  let firstError: string | undefined;
  for (const response of responses) {
    if (!response?.error) continue;
    firstError ??= response.error;
    if (response.status === 499) {
      if (status === "ok") status = "cancelled";
    } else status = "error";
    if (response.errorSource === "downstream") downstream = true;
    else plugin = true;
  }
  if (status === "ok") return OK_OUTCOME;
  return {
    status,
    statusSource: downstream && !plugin ? "downstream" : "plugin",
    error: firstError,
  };
}
