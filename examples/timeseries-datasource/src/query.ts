/**
 * QueryData: one handler per query type, routed and run concurrently by the
 * SDK's QueryTypeMux. A query without a type is a random walk.
 * QueryChunkedData: the random walk streams each series in chunks of
 * `chunkRows` points (the first with the frame's schema, the rest appending
 * rows); other types answer through their QueryData handler.
 */
import {
  PluginError,
  QueryTypeMux,
  type ChunkedQueryHandler,
  type DataQuery,
  type QueryContext,
  type QueryHandler,
} from "grafana-plugin-ts/runtime/sdk";
import {
  generate,
  seriesFrame,
  seriesName,
  seriesValues,
  timestamps,
  type SeriesOptions,
  type SeriesType,
} from "./series.js";
import { settingsOf, type Settings } from "./settings.js";
import { upstreamSeries } from "./upstream.js";
import { steppedSeries } from "./stepped-query.js";

/** The fields the query editor sets (all optional). */
export interface SeriesQuery {
  seriesCount?: number;
  amplitude?: number;
  offset?: number;
  periodMs?: number;
  seed?: number;
  alias?: string;
  /** Points per chunk when the query is answered through QueryChunkedData (default 500). */
  chunkRows?: number;
}

/** The series a query asks for: its times and options, validated against the settings. */
function seriesRequest(
  type: SeriesType,
  query: DataQuery<SeriesQuery>,
  ctx: QueryContext<Settings>,
): { times: Float64Array; options: SeriesOptions } {
  const settings = settingsOf(ctx.pluginContext);
  const q = query.json;
  const seriesCount = q.seriesCount ?? settings.defaultSeriesCount;
  if (!Number.isInteger(seriesCount) || seriesCount < 1 || seriesCount > settings.maxSeriesCount)
    throw new PluginError(
      `seriesCount must be from 1 to ${settings.maxSeriesCount} (got ${seriesCount})`,
      {
        status: 400,
        source: "downstream",
      },
    );
  const { fromMs, toMs } = query.timeRange;
  const times = timestamps(fromMs, toMs, query.intervalMS, query.maxDataPoints || 1000);
  return {
    times,
    options: {
      seriesCount,
      amplitude: q.amplitude ?? (type === "sine" ? 10 : 1),
      offset: q.offset ?? 0,
      periodMs: q.periodMs ?? Math.max(1, (toMs - fromMs) / 4),
      seed: q.seed ?? hash(query.refId),
      alias: q.alias,
    },
  };
}

function seriesHandler(type: SeriesType): QueryHandler<SeriesQuery, Settings> {
  return (query, ctx) => {
    const { times, options } = seriesRequest(type, query, ctx);
    return generate(type, times, options);
  };
}

function chunkedSeriesHandler(type: SeriesType): ChunkedQueryHandler<SeriesQuery, Settings> {
  return async (query, writer, ctx) => {
    const { times, options } = seriesRequest(type, query, ctx);
    const chunkRows = query.json.chunkRows ?? 500;
    if (!Number.isInteger(chunkRows) || chunkRows < 1)
      throw new PluginError(`chunkRows must be a positive integer (got ${chunkRows})`, {
        status: 400,
      });
    for (let s = 0; s < options.seriesCount; s++) {
      const values = seriesValues(type, times, options, s);
      for (let from = 0; from < times.length; from += chunkRows) {
        const to = Math.min(times.length, from + chunkRows);
        const chunk = seriesFrame(
          type,
          times.subarray(from, to),
          values.subarray(from, to),
          options,
          s,
        );
        await writer.writeFrame(query.refId, seriesName(type, options, s), chunk);
      }
    }
  };
}

export const queries = new QueryTypeMux<Settings>()
  .handle("randomWalk", seriesHandler("randomWalk"))
  .handle("sine", seriesHandler("sine"))
  .handle("", seriesHandler("randomWalk"))
  .handle("http", upstreamSeries)
  .handle("stepped", steppedSeries)
  .handleChunked("randomWalk", chunkedSeriesHandler("randomWalk"));

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
