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
import type { RequestContext } from "./request-context.js";
import { yieldPoints } from "./yield-point.js";

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
    const queryCtx: QueryContext<J, I> = { ...ctx, request };
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

  async queryData(
    request: QueryDataRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<QueryDataResponse> {
    const queryCtx: QueryContext<J, I> = { ...ctx, request };
    const results = await mapConcurrent(request.queries, this.#limit(ctx), (query) =>
      this.#runOne(query, queryCtx),
    );
    const responses: Record<string, DataResponse> = {};
    request.queries.forEach((query, i) => (responses[query.refId] = results[i]));
    return { responses };
  }

  #limit(ctx: RequestContext<J, I>): number {
    return (
      this.#maxConcurrency ??
      ctx.pluginContext.grafanaConfig.concurrentQueryCount() ??
      DEFAULT_QUERY_CONCURRENCY
    );
  }

  async #runOne(query: DataQuery<unknown>, ctx: QueryContext<J, I>): Promise<DataResponse> {
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
      return toDataResponse(await handler(query, ctx));
    } catch (error) {
      return errorResponse(error);
    }
  }
}

function toDataResponse(result: QueryResult): DataResponse {
  if (result instanceof FrameClass) return { frames: [result] };
  if (Array.isArray(result)) return { frames: result };
  return result;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  // Synchronous handlers would otherwise run every item in one turn of the event loop.
  const yieldPoint = yieldPoints();
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
      const pause = yieldPoint();
      if (pause) await pause;
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
