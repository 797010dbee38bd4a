/**
 * Serves CheckHealth and CollectMetrics as the generated DiagnosticsHandler.
 * A health check that throws, or settings the jsonData parser rejects, answer
 * status ERROR with the message: that is what "Save & test" should show.
 * Without a health handler CheckHealth answers OK, as the Go SDK does.
 */
import type { DiagnosticsHandler } from "../../output/pluginv2/backend.handlers.js";
import { checkHealthResultToProto } from "./convert-to-protobuf.js";
import {
  healthError,
  HealthStatus,
  type CheckHealthHandler,
  type CheckHealthResult,
} from "./diagnostics.js";
import { messageOf } from "./errors.js";
import type { PluginMetrics } from "./metrics.js";
import { runHandler } from "./middleware/handler-chain.js";
import type { SdkCore } from "./request-context.js";

export function newDiagnosticsAdapter<J, I>(
  core: SdkCore<J, I>,
  health: CheckHealthHandler<J, I> | undefined,
  metrics: PluginMetrics | undefined,
): DiagnosticsHandler {
  const adapter: DiagnosticsHandler = {};
  adapter.checkHealth = (request, call) =>
    runHandler(
      core,
      { endpoint: "checkHealth", request, pluginContext: request.pluginContext, call },
      async (step) => {
        let result: CheckHealthResult;
        if (!health) return { status: HealthStatus.OK }; // settings are not even parsed, as in Go
        try {
          const ctx = await step.requestContext();
          result = await health.checkHealth({ ...request, pluginContext: ctx.pluginContext }, ctx);
        } catch (error) {
          step.answeredWithError(error); // the request log reports it
          result = healthError(messageOf(error));
        }
        return checkHealthResultToProto(result);
      },
    ).catch((error: unknown) => checkHealthResultToProto(healthError(messageOf(error))));
  if (metrics)
    adapter.collectMetrics = (request, call) =>
      runHandler(
        core,
        { endpoint: "collectMetrics", request, pluginContext: request.pluginContext, call },
        async () => ({ metrics: { prometheus: await metrics.collect() } }),
      );
  return adapter;
}
