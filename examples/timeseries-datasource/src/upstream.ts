/**
 * The data source's HTTP API, called through the SDK's HTTP client: its URL,
 * basic auth, TLS (CA, client certificate) and custom headers come from the
 * standard settings Grafana's config page writes, and the headers Grafana
 * forwards (OAuth identity, allowed cookies, X-Grafana-Id) go along. A query
 * of type "http" reads GET <url>/api/series?from=&to=, which answers
 * {"points": [[epochMs, value], …]}; the health check asks GET <url>/api/health.
 */
import { float64Field, newFrame, timeField, type Frame } from "grafana-plugin-ts/runtime/frames";
import {
  httpClient,
  responseError,
  type QueryHandler,
  type RequestContext,
} from "grafana-plugin-ts/runtime/sdk";
import type { Settings } from "./settings.js";

/** The query editor's fields for an "http" query. */
export interface UpstreamQuery {
  /** Path under the data source URL; default /api/series. */
  path?: string;
}

interface SeriesAnswer {
  points: [number, number][];
}

export const upstreamSeries: QueryHandler<UpstreamQuery, Settings> = async (query, ctx) => {
  const params = new URLSearchParams({
    from: String(query.timeRange.fromMs),
    to: String(query.timeRange.toMs),
  });
  // A failing upstream (refused, TLS, 401, timeout…) throws an error Grafana counts as downstream.
  const answer = await httpClient(ctx).json<SeriesAnswer>(
    `${query.json.path ?? "/api/series"}?${params}`,
    { signal: ctx.signal },
  );
  return seriesFrame(answer.points ?? []);
};

function seriesFrame(points: [number, number][]): Frame {
  return newFrame(
    { name: "upstream" },
    timeField(
      "time",
      Float64Array.from(points, ([t]) => t),
    ),
    float64Field(
      "value",
      Float64Array.from(points, ([, v]) => v),
    ),
  );
}

/** Whether the data source has an HTTP API configured (the examples without one stay offline). */
export function hasUpstream(ctx: RequestContext<Settings, unknown>): boolean {
  return !!ctx.pluginContext.dataSourceInstanceSettings?.url;
}

/** "Save & test": reach the API with the saved auth and TLS settings. */
export async function checkUpstream(ctx: RequestContext<Settings, unknown>): Promise<void> {
  const res = await httpClient(ctx).fetch("/api/health");
  if (!res.ok) throw await responseError(res);
}
