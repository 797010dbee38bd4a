/**
 * Serves a QueryDataHandler (and a QueryChunkedDataHandler) as the generated
 * DataHandler: convert the request, call, encode the responses in the
 * requested frame format, inside the handler chain (whose request log
 * reports every failed query with its refId, status and source). A failure of the whole batch (bad settings, the instance
 * factory, the handler throwing) becomes that error for each query, so
 * Grafana shows a message per query rather than a transport error.
 * QueryChunkedData streams what the handler writes; without a chunked
 * handler it answers as the Go SDK does, one chunk with status 501.
 */
import type { DataHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
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
import { toRpcError } from "./errors.js";
import { HandOver } from "./hand-over.js";
import { isPromise, type MaybePromise } from "./maybe-promise.js";
import { runHandler, type HandlerStep } from "./middleware/handler-chain.js";
import { outcomeOfQueryResponses, type RequestOutcome } from "./middleware/request-status.js";
import type { SdkCore } from "./request-context.js";
import { yieldPoints } from "./yield-point.js";

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
      runHandler(
        core,
        { endpoint: "queryData", request, pluginContext: request.pluginContext, call },
        (step) => answerQueries(handler, request, step),
        outcomeOfAnswer,
      ).catch((error: unknown) => {
        // A middleware refused the call: every query gets its error.
        const failed = errorResponse(error);
        return {
          responses: Object.fromEntries(
            request.queries.map((q) => [q.refId, dataResponseToProto(q.refId, failed)]),
          ),
        };
      });
  return adapter;
}

type Answer = DeepPartial<pb.QueryDataResponse>;

/**
 * Runs the handler and encodes its responses. Awaits only what is pending:
 * without an instance factory the context is ready at once, and a
 * QueryTypeMux whose handlers answered synchronously answers synchronously.
 */
async function answerQueries<J, I>(
  handler: QueryDataHandler<J, I>,
  request: pb.QueryDataRequest,
  step: HandlerStep<J, I>,
): Promise<Answer> {
  let responses: Record<string, DataResponse>;
  try {
    const pending = step.requestContext();
    const ctx = isPromise(pending) ? await pending : pending;
    const answer = handler.queryData(queryRequestFromProto(request, ctx.pluginContext), ctx);
    responses = (isPromise(answer) ? await answer : answer).responses;
  } catch (error) {
    responses = Object.fromEntries(request.queries.map((q) => [q.refId, errorResponse(error)]));
  }
  return encodeResponses(responses, request.format);
}

function outcomeOfAnswer(answer: Answer): RequestOutcome {
  return outcomeOfQueryResponses(Object.values(answer.responses ?? {}));
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
  const failures: Chunk[] = [];
  const done = runHandler(
    core,
    { endpoint: "queryChunkedData", request, pluginContext: request.pluginContext, call },
    async (step) => {
      const ctx = await step.requestContext();
      // Error chunks are logged as QueryData logs failed queries, and decide the call's outcome.
      const send = (chunk: Chunk) => {
        if (isFailure(chunk)) {
          failures.push(chunk);
          ctx.logger.error("Partial data response error", {
            refID: chunk.refId,
            status: chunk.status,
            error: chunk.error,
            statusSource: chunk.errorSource || "plugin",
          });
        }
        return chunks.send(chunk);
      };
      await handler.queryChunkedData(
        queryRequestFromProto(request, ctx.pluginContext),
        createChunkedDataWriter(request.format, send),
        ctx,
      );
    },
    () => outcomeOfQueryResponses(failures.map(failureResponse)),
  );
  done.then(
    () => chunks.close(),
    (error: unknown) => {
      if (call.signal.aborted)
        chunks.close(); // a write rejected because Grafana left
      else chunks.fail(toRpcError(error)); // the request log has reported it
    },
  );
  return chunks;
}

/**
 * An error chunk as the DataResponse it stands for (an error chunk may carry
 * only a status). Field by field, never by spreading one message into
 * another: a field the protocol adds to both under one name may differ in type.
 */
function failureResponse(chunk: Chunk): DeepPartial<pb.DataResponse> {
  return {
    status: chunk.status,
    errorSource: chunk.errorSource,
    error: chunk.error || `status ${chunk.status}`,
  };
}

function isFailure(chunk: Chunk): boolean {
  return !!chunk.error || isFailureStatus(chunk.status);
}

/** Each response encoded; a promise only when encoding had to yield to other calls. */
function encodeResponses(
  responses: Record<string, DataResponse>,
  format: pb.DataFrameFormat,
): MaybePromise<Answer> {
  const out: Record<string, DeepPartial<pb.DataResponse>> = {};
  const refIds = Object.keys(responses);
  const yieldPoint = yieldPoints(); // encoding thousands of frames is work other calls must not wait for
  const encodeFrom = (start: number): MaybePromise<Answer> => {
    for (let i = start; i < refIds.length; i++) {
      const pause = yieldPoint();
      if (pause) return pause.then(() => encodeFrom(i));
      const refId = refIds[i]!;
      try {
        out[refId] = dataResponseToProto(refId, responses[refId]!, format);
      } catch (error) {
        // A frame that cannot be encoded is the plugin's bug; report it for this query only.
        out[refId] = dataResponseToProto(refId, errorResponse(error, { source: "plugin" }));
      }
    }
    return { responses: out };
  };
  return encodeFrom(0);
}
