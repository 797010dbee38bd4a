/**
 * The Go SDK's request log (backend/logger_middleware.go): "Plugin Request
 * Started" at debug, "Plugin Request Completed" with status, duration,
 * error and statusSource — at error level when the call failed, info
 * otherwise — and for QueryData a "Partial data response error" line per
 * failed query. Same messages and keys as a Go plugin's.
 */
import type * as pb from "../../../output/pluginv2/backend.js";
import type { Logger } from "../../log/hclog.js";
import { messageOf } from "../errors.js";
import { goDuration } from "./go-duration.js";
import type { HandlerCall, HandlerMiddleware } from "./handler-middleware.js";
import { outcomeOfError, type RequestOutcome } from "./request-status.js";

export function loggerMiddleware(): HandlerMiddleware {
  // `.then` rather than an async function: one promise per call instead of
  // the function's own and one per await (the chain runs on every call).
  return (call, next) => {
    const started = performance.now();
    call.logger.debug("Plugin Request Started");
    return next().then(
      (result) => {
        if (call.endpoint === "queryData") logPartialErrors(call.logger, result);
        logCompleted(call, started, call.outcome, call.outcome?.error);
        return result;
      },
      (error: unknown) => {
        const outcome = call.outcome ?? outcomeOfError(error, call.call.signal);
        logCompleted(call, started, outcome, error ?? outcome.error);
        throw error;
      },
    );
  };
}

function logCompleted(
  call: HandlerCall,
  started: number,
  outcome: RequestOutcome | undefined,
  error: unknown,
): void {
  const fields: Record<string, unknown> = {
    status: outcome?.status ?? "ok",
    duration: goDuration(performance.now() - started),
  };
  if (error !== undefined) fields.error = messageOf(error);
  fields.statusSource = outcome?.statusSource ?? "plugin";
  call.logger[outcome?.status === "error" ? "error" : "info"]("Plugin Request Completed", fields);
}

function logPartialErrors(logger: Logger, result: unknown): void {
  const responses = (result as { responses?: Record<string, pb.DataResponse> } | undefined)
    ?.responses;
  for (const refID in responses) {
    const response = responses[refID];
    if (response?.error)
      logger.error("Partial data response error", {
        refID,
        status: response.status,
        error: response.error,
        statusSource: response.errorSource || "plugin",
      });
  }
}
