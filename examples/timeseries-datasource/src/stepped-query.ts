/**
 * Query type "stepped": what a SQL or metrics data source does before it asks its backend.
 * The step is Grafana's interval for the query (its time range over maxDataPoints, rounded to a
 * nice value, never below the query's min interval, e.g. "<1m>"); the query text's macros
 * ($__timeFilter(col), $__interval, $__timeGroup(col, $__interval) …) are expanded with it, and
 * the expanded text is what Grafana's query inspector shows as the executed query. The series
 * itself is a sine wave sampled at the step, aligned to it as a GROUP BY time bucket would be.
 */
import { float64Field, newFrame, timeField, type Frame } from "grafana-plugin-ts/runtime/frames";
import {
  calculateInterval,
  DurationError,
  interpolateMacros,
  intervalFrom,
  MacroError,
  PluginError,
  type QueryHandler,
} from "grafana-plugin-ts/runtime";
import type { Settings } from "./settings.js";

/** The query editor's fields for a "stepped" query. */
export interface SteppedQuery {
  /** A query text with macros, as a SQL data source's editor holds it. */
  rawQuery?: string;
  /** Min interval ("30s", "<1m>"); Grafana's `interval` query option. */
  interval?: string;
  amplitude?: number;
}

/** More points than this is a mistake in the min interval, not a query to answer. */
const MAX_POINTS = 100_000;

export const steppedSeries: QueryHandler<SteppedQuery, Settings> = (query) => {
  const { rawQuery = "", interval, amplitude = 1 } = query.json;
  const step = userInput(() => {
    // Grafana's Go data sources: the min interval from the query (or its intervalMs), then the step.
    const minIntervalMs = intervalFrom({
      queryInterval: interval,
      queryIntervalMs: query.intervalMS,
      defaultIntervalMs: 1,
    });
    return calculateInterval(query.timeRange, {
      maxDataPoints: query.maxDataPoints,
      minIntervalMs,
    });
  });
  const executed = userInput(() =>
    interpolateMacros(rawQuery, { timeRange: query.timeRange, intervalMs: step.ms }),
  );
  const first = Math.ceil(query.timeRange.fromMs / step.ms) * step.ms;
  const count = Math.max(0, Math.floor((query.timeRange.toMs - first) / step.ms) + 1);
  if (count > MAX_POINTS) {
    throw new PluginError(`a step of ${step.text} gives ${count} points (at most ${MAX_POINTS})`, {
      status: 400,
    });
  }
  const times = Float64Array.from({ length: count }, (_, i) => first + i * step.ms);
  return steppedFrame(times, amplitude, step.ms, executed.text);
};

function steppedFrame(
  times: Float64Array,
  amplitude: number,
  stepMs: number,
  executed: string,
): Frame {
  return newFrame(
    { name: "stepped", meta: { executedQueryString: executed } },
    timeField("time", times, { config: { interval: stepMs } }),
    float64Field(
      "value",
      times.map((t) => amplitude * Math.sin((2 * Math.PI * t) / (stepMs * 20))),
    ),
  );
}

/** Runs `fn`; a mistake in the query's text becomes a 400 the user sees, not a plugin error. */
function userInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DurationError || err instanceof MacroError) {
      throw new PluginError(err.message, { status: 400 });
    }
    throw err;
  }
}
