/**
 * QueryData: one handler per query type, routed and run concurrently by the
 * SDK's QueryTypeMux. A query without a type is a random walk.
 */
import { PluginError, QueryTypeMux, type QueryHandler } from "../../../runtime/sdk/index.js";
import { generate, timestamps, type SeriesType } from "./series.js";
import { settingsOf, type Settings } from "./settings.js";

/** The fields the query editor sets (all optional). */
export interface SeriesQuery {
  seriesCount?: number;
  amplitude?: number;
  offset?: number;
  periodMs?: number;
  seed?: number;
  alias?: string;
}

function seriesHandler(type: SeriesType): QueryHandler<SeriesQuery, Settings> {
  return (query, ctx) => {
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
    return generate(type, times, {
      seriesCount,
      amplitude: q.amplitude ?? (type === "sine" ? 10 : 1),
      offset: q.offset ?? 0,
      periodMs: q.periodMs ?? Math.max(1, (toMs - fromMs) / 4),
      seed: q.seed ?? hash(query.refId),
      alias: q.alias,
    });
  };
}

export const queries = new QueryTypeMux<Settings>()
  .handle("randomWalk", seriesHandler("randomWalk"))
  .handle("sine", seriesHandler("sine"))
  .handle("", seriesHandler("randomWalk"));

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
