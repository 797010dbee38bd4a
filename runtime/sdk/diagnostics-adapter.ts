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
import { newRequestContext, track, type SdkCore } from "./request-context.js";

export function newDiagnosticsAdapter<J, I>(
  core: SdkCore<J, I>,
  health: CheckHealthHandler<J, I> | undefined,
  metrics: PluginMetrics | undefined,
): DiagnosticsHandler {
  const adapter: DiagnosticsHandler = {};
  if (health)
    adapter.checkHealth = (request, call) =>
      track(core.metrics, "checkHealth", call.signal, async () => {
        let logger = core.logger.with({ endpoint: "checkHealth" });
        let result: CheckHealthResult;
        try {
          const ctx = await newRequestContext(core, "checkHealth", request.pluginContext, call);
          logger = ctx.logger;
          result = await health.checkHealth({ ...request, pluginContext: ctx.pluginContext }, ctx);
        } catch (error) {
          logger.error("health check failed", { error: messageOf(error) });
          result = healthError(messageOf(error));
        }
        return checkHealthResultToProto(result);
      });
  else adapter.checkHealth = () => ({ status: HealthStatus.OK });
  if (metrics)
    adapter.collectMetrics = async () => ({ metrics: { prometheus: await metrics.collect() } });
  return adapter;
}
