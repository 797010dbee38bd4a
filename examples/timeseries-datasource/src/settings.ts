/**
 * The data source's settings (jsonData on its configuration page), checked
 * once per request by the SDK: anything invalid fails the call, and "Save &
 * test" shows the reason.
 */
import { PluginError, type PluginContext } from "grafana-plugin-ts/runtime/sdk";

export interface Settings {
  /** Series per query when the query does not say. */
  defaultSeriesCount: number;
  /** Upper bound on seriesCount, to protect Grafana from huge responses. */
  maxSeriesCount: number;
  /** Milliseconds between live stream packets. */
  liveIntervalMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  defaultSeriesCount: 1,
  maxSeriesCount: 20,
  liveIntervalMs: 50,
};

const LIMITS: Record<keyof Settings, [number, number]> = {
  defaultSeriesCount: [1, 100],
  maxSeriesCount: [1, 100],
  liveIntervalMs: [10, 60_000],
};

export function parseSettings(json: unknown): Settings {
  const raw = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const settings = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  for (const key of Object.keys(LIMITS) as (keyof Settings)[]) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const [min, max] = LIMITS[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
      problems.push(
        `${key} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
      );
    else settings[key] = value;
  }
  if (settings.defaultSeriesCount > settings.maxSeriesCount)
    problems.push(
      `defaultSeriesCount (${settings.defaultSeriesCount}) exceeds maxSeriesCount (${settings.maxSeriesCount})`,
    );
  if (problems.length > 0)
    throw new PluginError(`invalid settings: ${problems.join("; ")}`, {
      status: 400,
      source: "plugin",
    });
  return settings;
}

/** The settings of the data source being called (defaults when Grafana sent none). */
export function settingsOf(pluginContext: PluginContext<Settings>): Settings {
  return pluginContext.dataSourceInstanceSettings?.jsonData ?? DEFAULT_SETTINGS;
}
