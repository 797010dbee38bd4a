/**
 * Serves a QueryDataHandler as the generated DataHandler: convert the
 * request, call, encode the responses and log every failed query with its
 * refId, status and source. A failure of the whole batch (bad settings, the
 * instance factory, the handler throwing) becomes that error for each query,
 * so Grafana shows a message per query rather than a transport error.
 */
import type { DataHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { Logger } from "../log/hclog.js";
import { queryDataRequestFromProto } from "./convert-from-protobuf.js";
import { dataResponseToProto } from "./convert-to-protobuf.js";
import { errorResponse, type DataResponse, type QueryDataHandler } from "./data.js";
import { newRequestContext, track, type SdkCore } from "./request-context.js";

export function newDataAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: QueryDataHandler<J, I>,
): DataHandler {
  return {
    queryData: (request, call) =>
      track(
        core.metrics,
        "queryData",
        call.signal,
        async () => {
          let logger = core.logger.with({ endpoint: "queryData" });
          let responses: Record<string, DataResponse>;
          try {
            const ctx = await newRequestContext(core, "queryData", request.pluginContext, call);
            logger = ctx.logger;
            const sdkRequest = queryDataRequestFromProto(request, ctx.pluginContext);
            responses = (await handler.queryData(sdkRequest, ctx)).responses;
          } catch (error) {
            responses = Object.fromEntries(
              request.queries.map((q) => [q.refId, errorResponse(error)]),
            );
          }
          return encodeResponses(responses, logger);
        },
        (result) => (Object.values(result.responses ?? {}).some((r) => r?.error) ? "error" : "ok"),
      ),
  };
}

function encodeResponses(
  responses: Record<string, DataResponse>,
  logger: Logger,
): DeepPartial<pb.QueryDataResponse> {
  const out: Record<string, DeepPartial<pb.DataResponse>> = {};
  for (const [refId, response] of Object.entries(responses)) {
    try {
      out[refId] = dataResponseToProto(refId, response);
    } catch (error) {
      // A frame that cannot be encoded is the plugin's bug; report it for this query only.
      out[refId] = dataResponseToProto(refId, errorResponse(error, { source: "plugin" }));
    }
    const encoded = out[refId];
    if (encoded.error)
      logger.error("query failed", {
        refID: refId,
        status: encoded.status,
        statusSource: encoded.errorSource,
        error: encoded.error,
      });
  }
  return { responses: out };
}
