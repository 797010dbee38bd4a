/**
 * grpc.health.v1 on the generated bindings: go-plugin's Ping asks for the
 * service "plugin". Statuses are fixed at SERVING while the server runs; Watch
 * reports once and then holds the stream open until the caller leaves.
 */
import { status } from "@grpc/grpc-js";
import { createHealthService } from "../../output/grpc/health/v1/health.adapters.js";
import type { HealthHandler } from "../../output/grpc/health/v1/health.handlers.js";
import { HealthCheckResponse_ServingStatus } from "../../output/grpc/health/v1/health.js";
import { RpcError } from "../../output/rpc-support.js";

export function healthHandler(serving: readonly string[]): HealthHandler {
  const statusOf = (service: string) =>
    serving.includes(service) ? HealthCheckResponse_ServingStatus.SERVING : undefined;
  return {
    check: ({ service }) => {
      const s = statusOf(service);
      if (s === undefined) throw new RpcError(status.NOT_FOUND, `unknown service "${service}"`);
      return { status: s };
    },
    watch: async function* ({ service }, ctx) {
      yield { status: statusOf(service) ?? HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN };
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    },
    list: () => ({
      statuses: Object.fromEntries(
        serving.map((s) => [s, { status: HealthCheckResponse_ServingStatus.SERVING }]),
      ),
    }),
  };
}

export { createHealthService };
