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
import type { HandlerMiddleware } from "./handler-middleware.js";
import { outcomeOfError } from "./request-status.js";

export function loggerMiddleware(): HandlerMiddleware {
  return async (call, next) => {
    const started = performance.now();
    call.logger.debug("Plugin Request Started");
    let result: unknown;
    let thrown: { error: unknown } | undefined;
    try {
      result = await next();
    } catch (error) {
      thrown = { error };
    }
    const outcome =
      call.outcome ?? (thrown ? outcomeOfError(thrown.error, call.call.signal) : undefined);
    if (call.endpoint === "queryData" && !thrown) logPartialErrors(call.logger, result);
    const error = thrown?.error ?? outcome?.error;
    call.logger[outcome?.status === "error" ? "error" : "info"]("Plugin Request Completed", {
      status: outcome?.status ?? "ok",
      duration: goDuration(performance.now() - started),
      ...(error !== undefined ? { error: messageOf(error) } : {}),
      statusSource: outcome?.statusSource ?? "plugin",
    });
    if (thrown) throw thrown.error;
    return result;
  };
}

function logPartialErrors(logger: Logger, result: unknown): void {
  const responses = (result as { responses?: Record<string, pb.DataResponse> } | undefined)
    ?.responses;
  for (const [refID, response] of Object.entries(responses ?? {}))
    if (response?.error)
      logger.error("Partial data response error", {
        refID,
        status: response.status,
        error: response.error,
        statusSource: response.errorSource || "plugin",
      });
}
