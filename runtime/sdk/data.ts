/**
 * QueryData in SDK terms: the handler interface a data source implements, and
 * the request and response types it sees. Responses carry Frame objects and
 * Error values; data-adapter.ts encodes them (Arrow IPC, status, errorSource).
 */
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { Frame } from "../frames/index.js";
import type { PluginContext } from "./context.js";
import {
  describeError,
  errorSourceFromHttpStatus,
  type ErrorDescription,
  type ErrorSource,
} from "./errors.js";
import type { RequestContext } from "./request-context.js";

export interface TimeRange {
  from: Date;
  to: Date;
  /** Epoch milliseconds, as sent. */
  fromMs: number;
  toMs: number;
}

/** One query: the generated DataQuery with its JSON parsed and numbers as numbers. */
export interface DataQuery<Q = unknown> extends Omit<
  pb.DataQuery,
  "json" | "timeRange" | "maxDataPoints" | "intervalMS"
> {
  /** The query object from the query editor (refId, datasource and the plugin's own fields). */
  readonly json: Q;
  rawJson: Buffer;
  timeRange: TimeRange;
  maxDataPoints: number;
  intervalMS: number;
}

export interface QueryDataRequest<J = unknown> extends Omit<
  pb.QueryDataRequest,
  "pluginContext" | "queries"
> {
  pluginContext: PluginContext<J>;
  queries: DataQuery<unknown>[];
}

/**
 * The result of one query. `frames` get the query's refId when they have none
 * (as in the Go SDK). With `error`, the status defaults from the error (see
 * describeError) and so does errorSource.
 */
export interface DataResponse extends Omit<
  DeepPartial<pb.DataResponse>,
  "frames" | "error" | "errorSource"
> {
  frames?: Frame[];
  error?: string | Error;
  errorSource?: ErrorSource;
}

export interface QueryDataResponse {
  /** One response per query refId. */
  responses: Record<string, DataResponse>;
}

/** Answers a batch of queries. A QueryTypeMux is one; so is any object with this method. */
export interface QueryDataHandler<J = unknown, I = unknown> {
  queryData(
    request: QueryDataRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<QueryDataResponse> | QueryDataResponse;
}

/**
 * A DataResponse that reports `error` for its query. A thrown value that is
 * not an Error (a string, say) and comes without a status is a plugin bug
 * (500, source plugin), not a status to classify.
 */
export function errorResponse(
  error: unknown,
  options: { status?: number; source?: ErrorSource } = {},
): DataResponse {
  return {
    error:
      error instanceof Error
        ? error
        : options.status === undefined
          ? new Error(String(error))
          : String(error),
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.source ? { errorSource: options.source } : {}),
  };
}

/** A status that reports a failure: set, and not 2xx (0 means "derive it"). */
export function isFailureStatus(status: number | undefined): status is number {
  return !!status && (status < 200 || status > 299);
}

/**
 * The failure a response reports, or undefined when it has no error: the
 * status defaults from the error (describeError), the source is the given
 * one, else the error's, else (a bare message) the status's. QueryData and
 * QueryChunkedData report a response's error by this one rule.
 */
export function responseFailure(response: DataResponse): ErrorDescription | undefined {
  const { error, status, errorSource } = response;
  if (error === undefined || error === "") return undefined;
  const described = describeError(error);
  const finalStatus = status || described.status;
  return {
    message: described.message,
    status: finalStatus,
    source:
      errorSource ??
      (error instanceof Error ? described.source : errorSourceFromHttpStatus(finalStatus)),
  };
}
