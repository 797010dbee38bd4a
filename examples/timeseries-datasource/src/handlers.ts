/**
 * Raw protocol handlers of the example (the SDK layer builds on the same
 * generated interfaces).
 */
import { CheckHealthResponse_HealthStatus } from "../../../output/pluginv2/backend.js";
import type { PluginHandlersV2 } from "../../../output/glue.js";

export const handlers: PluginHandlersV2 = {
  diagnostics: {
    checkHealth: () => ({
      status: CheckHealthResponse_HealthStatus.OK,
      message: "timeseries datasource is working",
    }),
  },
  data: {
    queryData: (request) => ({
      responses: Object.fromEntries(
        request.queries.map((q) => [q.refId, { frames: [], status: 200 }]),
      ),
    }),
  },
  resource: {
    callResource: async function* (request) {
      yield {
        code: 200,
        headers: { "Content-Type": { values: ["application/json"] } },
        body: Buffer.from(JSON.stringify({ message: "hello from typescript", path: request.path })),
      };
    },
  },
  stream: {
    runStream: async function* (_request, ctx) {
      for (let i = 0; !ctx.signal.aborted; i++) {
        yield { data: Buffer.from(JSON.stringify({ i })) };
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  },
};
