/**
 * Serves a QueryDataHandler (and a QueryChunkedDataHandler) as the generated
 * DataHandler: convert the request, call, encode the responses in the
 * requested frame format and log every failed query with its refId, status
 * and source. A failure of the whole batch (bad settings, the instance
 * factory, the handler throwing) becomes that error for each query, so
 * Grafana shows a message per query rather than a transport error.
 * QueryChunkedData streams what the handler writes; without a chunked
 * handler it answers as the Go SDK does, one chunk with status 501.
 */
import type { DataHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { Logger } from "../log/hclog.js";
import {
  createChunkedDataWriter,
  NOT_IMPLEMENTED_CHUNK,
  type QueryChunkedDataHandler,
} from "./chunked.js";
import { queryRequestFromProto } from "./convert-from-protobuf.js";
import { dataResponseToProto } from "./convert-to-protobuf.js";
import {
  errorResponse,
  isFailureStatus,
  type DataResponse,
  type QueryDataHandler,
} from "./data.js";
import { messageOf, toRpcError } from "./errors.js";
import { HandOver } from "./hand-over.js";
import { yieldPoints } from "./yield-point.js";
import { newRequestContext, track, type SdkCore } from "./request-context.js";

export function newDataAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: QueryDataHandler<J, I> | undefined,
  chunked: QueryChunkedDataHandler<J, I> | undefined,
): DataHandler {
  const adapter: DataHandler = {
    queryChunkedData: chunked
      ? (request, call) => chunkedAnswer(core, chunked, request, call)
      : async function* () {
          yield NOT_IMPLEMENTED_CHUNK;
        },
  };
  if (handler)
    adapter.queryData = (request, call) =>
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
            const sdkRequest = queryRequestFromProto(request, ctx.pluginContext);
            responses = (await handler.queryData(sdkRequest, ctx)).responses;
          } catch (error) {
            responses = Object.fromEntries(
              request.queries.map((q) => [q.refId, errorResponse(error)]),
            );
          }
          return await encodeResponses(responses, request.format, logger);
        },
        (result) => (Object.values(result.responses ?? {}).some((r) => r?.error) ? "error" : "ok"),
      );
  return adapter;
}

type Chunk = DeepPartial<pb.QueryChunkedDataResponse>;

function chunkedAnswer<J, I>(
  core: SdkCore<J, I>,
  handler: QueryChunkedDataHandler<J, I>,
  request: pb.QueryChunkedDataRequest,
  call: Parameters<NonNullable<DataHandler["queryChunkedData"]>>[1],
): AsyncIterable<Chunk> {
  const chunks = new HandOver<Chunk>(call.signal, () => {
    const error = new Error(
      call.signal.aborted ? "query cancelled by Grafana" : "chunked answer ended",
    );
    error.name = "AbortError";
    return error;
  });
  const done = track(
    core.metrics,
    "queryChunkedData",
    call.signal,
    async () => {
      let logger = core.logger.with({ endpoint: "queryChunkedData" });
      let failed = false;
      // Error chunks are logged as QueryData logs failed queries, and count the call as an error.
      const send = (chunk: Chunk) => {
        if (isFailure(chunk)) {
          failed = true;
          logger.error("query failed", {
            refID: chunk.refId,
            status: chunk.status,
            statusSource: chunk.errorSource,
            error: chunk.error,
          });
        }
        return chunks.send(chunk);
      };
      try {
        const ctx = await newRequestContext(core, "queryChunkedData", request.pluginContext, call);
        logger = ctx.logger;
        await handler.queryChunkedData(
          queryRequestFromProto(request, ctx.pluginContext),
          createChunkedDataWriter(request.format, send),
          ctx,
        );
        chunks.close();
        return failed;
      } catch (error) {
        if (call.signal.aborted) {
          chunks.close(); // a write rejected because Grafana left
        } else {
          logger.error("queryChunkedData failed", { error: messageOf(error) });
          chunks.fail(toRpcError(error));
        }
        throw error;
      }
    },
    (failed) => (failed ? "error" : "ok"),
  );
  void done.catch(() => {}); // the stream carries the failure; track has counted it
  return chunks;
}

function isFailure(chunk: Chunk): boolean {
  return !!chunk.error || isFailureStatus(chunk.status);
}

async function encodeResponses(
  responses: Record<string, DataResponse>,
  format: pb.DataFrameFormat,
  logger: Logger,
): Promise<DeepPartial<pb.QueryDataResponse>> {
  const out: Record<string, DeepPartial<pb.DataResponse>> = {};
  const yieldPoint = yieldPoints(); // encoding thousands of frames is work other calls must not wait for
  for (const [refId, response] of Object.entries(responses)) {
    const pause = yieldPoint();
    if (pause) await pause;
    try {
      out[refId] = dataResponseToProto(refId, response, format);
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
