/**
 * The services go-plugin serves next to the plugin's own: health (service
 * "plugin" SERVING, what go-plugin's Ping checks), GRPCController/Shutdown,
 * GRPCStdio and GRPCBroker. The broker accepts its stream and reads it to the
 * end; brokering extra connections is not supported (no Grafana protocol uses it).
 *
 * GRPCStdio is served but sends nothing: console output goes to the log on
 * stderr (log/console-capture.ts), which Grafana shows, while what arrives on
 * this stream Grafana discards. The stream stays open, as a quiet Go plugin's
 * does, until the call ends or the plugin stops.
 */
import type { GrpcServing } from "./serving/grpc-serving.js";
import { HealthService } from "../../output/grpc/health/v1/health.grpc.js";
import { createGRPCBrokerService } from "../../output/plugin/grpc_broker.adapters.js";
import { GRPCBrokerService } from "../../output/plugin/grpc_broker.grpc.js";
import { createGRPCControllerService } from "../../output/plugin/grpc_controller.adapters.js";
import { GRPCControllerService } from "../../output/plugin/grpc_controller.grpc.js";
import { createGRPCStdioService } from "../../output/plugin/grpc_stdio.adapters.js";
import { GRPCStdioService } from "../../output/plugin/grpc_stdio.grpc.js";
import type { StdioData } from "../../output/plugin/grpc_stdio.js";
import { GO_PLUGIN_HEALTH_SERVICE } from "../go-plugin/constants.js";
import type { Logger } from "../log/hclog.js";
import { createHealthService, healthHandler } from "./health-service.js";

export interface GoPluginServiceHooks {
  /** Aborted when the plugin stops: ends the GRPCStdio stream. */
  stopped: AbortSignal;
  logger: Logger;
  /** Called once the Shutdown reply has been sent. */
  onShutdown(): void;
}

export function addGoPluginServices(server: GrpcServing, hooks: GoPluginServiceHooks): void {
  server.addService(
    HealthService,
    createHealthService(healthHandler([GO_PLUGIN_HEALTH_SERVICE, ""])),
  );
  server.addService(
    GRPCControllerService,
    createGRPCControllerService({
      shutdown: () => {
        hooks.logger.debug("shutdown requested by the host");
        // Reply first: go-plugin's Kill waits for this answer.
        setImmediate(hooks.onShutdown);
        return {};
      },
    }),
  );
  server.addService(
    GRPCStdioService,
    createGRPCStdioService({ streamStdio: (_req, ctx) => silentStdio(ctx.signal, hooks.stopped) }),
  );
  server.addService(
    GRPCBrokerService,
    createGRPCBrokerService({
      startStream: async function* (requests) {
        for await (const info of requests)
          hooks.logger.debug("broker offer ignored: connection brokering is not supported", {
            service_id: info.serviceId,
          });
      },
    }),
  );
}

async function* silentStdio(...signals: AbortSignal[]): AsyncGenerator<StdioData> {
  const either = AbortSignal.any(signals);
  if (!either.aborted)
    await new Promise((resolve) => either.addEventListener("abort", resolve, { once: true }));
}
