/**
 * CheckHealth in SDK terms: the handler interface and its result. The
 * result's `details` (any JSON value) become jsonDetails, which Grafana's
 * "Save & test" shows under the message.
 */
import { CheckHealthResponse_HealthStatus as HealthStatus } from "../../output/pluginv2/backend.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { PluginContext } from "./context.js";
import type { RequestContext } from "./request-context.js";

export { HealthStatus };

export interface CheckHealthRequest<J = unknown> extends Omit<
  pb.CheckHealthRequest,
  "pluginContext"
> {
  pluginContext: PluginContext<J>;
}

export interface CheckHealthResult {
  status: HealthStatus;
  message?: string;
  /** Extra detail for the UI, sent as jsonDetails. */
  details?: unknown;
}

/**
 * Tests an instance's settings. A thrown error (or settings the jsonData
 * parser rejected) is reported as status ERROR with the error's message.
 */
export interface CheckHealthHandler<J = unknown, I = unknown> {
  checkHealth(
    request: CheckHealthRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<CheckHealthResult> | CheckHealthResult;
}

export function healthOk(message: string, details?: unknown): CheckHealthResult {
  return { status: HealthStatus.OK, message, ...(details !== undefined ? { details } : {}) };
}

export function healthError(message: string, details?: unknown): CheckHealthResult {
  return { status: HealthStatus.ERROR, message, ...(details !== undefined ? { details } : {}) };
}
