/**
 * Routes each query of a QueryData request to the handler for its
 * `queryType` and runs them concurrently, at most `maxConcurrency` at once
 * (default: Grafana's concurrent_query_count when it sends one, else 10).
 * Each query answers for itself: one that throws gets an error response
 * (status and source from the error) and the others still answer.
 * grafana-plugin-sdk-go's datasource.QueryTypeMux, per query rather than per
 * batch, with the concurrency of its concurrent.QueryData.
 */
import type { Frame } from "../frames/index.js";
import { Frame as FrameClass } from "../frames/index.js";
import { errorSourceFromHttpStatus, PluginError } from "./errors.js";
import {
  errorResponse,
  isFailureStatus,
  responseFailure,
  type DataQuery,
  type DataResponse,
  type QueryDataHandler,
  type QueryDataRequest,
  type QueryDataResponse,
} from "./data.js";
import type {
  ChunkedDataWriter,
  QueryChunkedDataHandler,
  QueryChunkedDataRequest,
} from "./chunked.js";
import { mapConcurrent, mapEagerly } from "./concurrent-map.js";
import { extendableCopy } from "./extendable-copy.js";
import { isPromise, type MaybePromise } from "./maybe-promise.js";
import type { RequestContext } from "./request-context.js";

export { mapConcurrent } from "./concurrent-map.js";

/** What a query handler may return: a full response, one frame, or frames. */
export type QueryResult = DataResponse | Frame | Frame[];

export interface QueryContext<J = unknown, I = unknown> extends RequestContext<J, I> {
  /** The whole request (headers, all queries): QueryData's, or QueryChunkedData's. */
  request: QueryDataRequest<J> | QueryChunkedDataRequest<J>;
}

/** Streams one query's answer in chunks (see ChunkedDataWriter). */
export type ChunkedQueryHandler<Q = unknown, J = unknown, I = unknown> = (
  query: DataQuery<Q>,
  writer: ChunkedDataWriter,
  ctx: QueryContext<J, I>,
) => Promise<void> | void;

export type QueryHandler<Q = unknown, J = unknown, I = unknown> = (
  query: DataQuery<Q>,
  ctx: QueryContext<J, I>,
) => Promise<QueryResult> | QueryResult;

export interface QueryTypeMuxOptions {
  /** Queries of one request run at once; default Grafana's concurrent_query_count, else 10. */
  maxConcurrency?: number;
}

export const DEFAULT_QUERY_CONCURRENCY = 10;

export class QueryTypeMux<J = unknown, I = unknown>
  implements QueryDataHandler<J, I>, QueryChunkedDataHandler<J, I>
{
  readonly #handlers = new Map<string, QueryHandler<any, J, I>>();
  readonly #chunked = new Map<string, ChunkedQueryHandler<any, J, I>>();
  #fallback: QueryHandler<any, J, I> | undefined;
  readonly #maxConcurrency: number | undefined;

  constructor(options: QueryTypeMuxOptions = {}) {
    if (options.maxConcurrency !== undefined && !(options.maxConcurrency >= 1))
      throw new RangeError(`maxConcurrency must be at least 1 (got ${options.maxConcurrency})`);
    this.#maxConcurrency = options.maxConcurrency;
  }

  /**
   * Handles queries of `queryType`; the empty type also catches queries whose
   * type has no handler (as in the Go SDK). `Q` is the query JSON's type.
   */
  handle<Q = unknown>(queryType: string, handler: QueryHandler<Q, J, I>): this {
    if (queryType === "") {
      if (this.#fallback) throw new Error("QueryTypeMux: a fallback handler is already registered");
      this.#fallback = handler;
    } else {
      if (this.#handlers.has(queryType))
        throw new Error(`QueryTypeMux: query type "${queryType}" is already registered`);
      this.#handlers.set(queryType, handler);
    }
    return this;
  }

  /**
   * Streams queries of `queryType` in chunks when the plugin is asked through
   * QueryChunkedData (the Go SDK's HandleChunkedQueryType). Queries of other
   * types are answered there by their QueryData handler, one chunk per frame.
   */
  handleChunked<Q = unknown>(queryType: string, handler: ChunkedQueryHandler<Q, J, I>): this {
    if (queryType === "")
      throw new Error("QueryTypeMux: a chunked handler needs a query type (as in the Go SDK)");
    if (this.#chunked.has(queryType))
      throw new Error(`QueryTypeMux: chunked query type "${queryType}" is already registered`);
    this.#chunked.set(queryType, handler);
    return this;
  }

  /**
   * QueryChunkedData: each query through its chunked handler, or else its
   * QueryData handler with frame ids "f0", "f1", … and its error, if any,
   * written after the frames (the Go SDK's fallback). Unlike the Go SDK's
   * mux, a query that throws answers with its own error chunk instead of
   * failing the whole stream, as in QueryData.
   */
  async queryChunkedData(
    request: QueryChunkedDataRequest<J>,
    writer: ChunkedDataWriter,
    ctx: RequestContext<J, I>,
  ): Promise<void> {
    const queryCtx = queryContext(ctx, request);
    await mapConcurrent(request.queries, this.#limit(ctx), async (query) => {
      const chunked = this.#chunked.get(query.queryType);
      if (chunked) {
        try {
          ctx.signal.throwIfAborted();
          await chunked(query, writer, queryCtx);
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          await writer.writeError(query.refId, error);
        }
        return;
      }
      const response = await this.#runOne(query, queryCtx);
      for (const [i, frame] of (response.frames ?? []).entries())
        await writer.writeFrame(query.refId, `f${i}`, frame);
      const failure = responseFailure(response);
      if (failure)
        await writer.writeError(query.refId, failure.message, failure.status, failure.source);
      else if (isFailureStatus(response.status))
        // A failure status without a message: the Go SDK sends the status with an empty error.
        await writer.writeError(
          query.refId,
          "",
          response.status,
          response.errorSource ?? errorSourceFromHttpStatus(response.status),
        );
    });
  }

  /** The query types with a handler (for a resource listing them, say). */
  queryTypes(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Answers synchronously when every query's handler did (no promise per query then). */
  queryData(
    request: QueryDataRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<QueryDataResponse> | QueryDataResponse {
    const queryCtx = queryContext(ctx, request);
    const results = mapEagerly(request.queries, this.#limit(ctx), (query) =>
      this.#runOne(query, queryCtx),
    );
    const answer = (responses: DataResponse[]): QueryDataResponse => {
      const byRefId: Record<string, DataResponse> = {};
      request.queries.forEach((query, i) => (byRefId[query.refId] = responses[i]!));
      return { responses: byRefId };
    };
    return isPromise(results) ? Promise.resolve(results).then(answer) : answer(results);
  }

  #limit(ctx: RequestContext<J, I>): number {
    return (
      this.#maxConcurrency ??
      ctx.pluginContext.grafanaConfig.concurrentQueryCount() ??
      DEFAULT_QUERY_CONCURRENCY
    );
  }

  /** A query's answer; never throws (a failure is its error response). */
  #runOne(query: DataQuery<unknown>, ctx: QueryContext<J, I>): MaybePromise<DataResponse> {
    const handler = this.#handlers.get(query.queryType) ?? this.#fallback;
    if (!handler)
      return errorResponse(
        new PluginError(
          `no handler for query type "${query.queryType}" (this data source handles: ${
            this.queryTypes()
              .map((t) => `"${t}"`)
              .join(", ") || "none"
          })`,
          { status: 400, source: "plugin" },
        ),
      );
    try {
      ctx.signal.throwIfAborted();
      const result = handler(query, ctx);
      return isPromise(result)
        ? Promise.resolve(result).then(toDataResponse, (error: unknown) => errorResponse(error))
        : toDataResponse(result);
    } catch (error) {
      return errorResponse(error);
    }
  }
}

/** The context with the request added (see extendable-copy.ts for why not a spread). */
function queryContext<J, I>(
  ctx: RequestContext<J, I>,
  request: QueryDataRequest<J> | QueryChunkedDataRequest<J>,
): QueryContext<J, I> {
  const queryCtx = extendableCopy(ctx) as QueryContext<J, I>;
  queryCtx.request = request;
  return queryCtx;
}

function toDataResponse(result: QueryResult): DataResponse {
  if (result instanceof FrameClass) return { frames: [result] };
  if (Array.isArray(result)) return { frames: result };
  return result;
}
