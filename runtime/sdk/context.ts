/**
 * The SDK's view of pluginv2.PluginContext: the generated message with its
 * settings' `jsonData` parsed into the plugin's own type, `lastUpdatedMS` as a
 * Date, `grafanaConfig` with typed getters and the user agent parsed. Every
 * type here is derived from the generated message (Omit + the changed
 * fields), so a field a newer protocol adds shows up without an edit.
 */
import type * as pb from "../../output/pluginv2/backend.js";
import type { GrafanaConfig } from "./grafana-config.js";

/** Data source settings with `jsonData` as the plugin's type `J`. */
export interface DataSourceInstanceSettings<J = unknown> extends Omit<
  pb.DataSourceInstanceSettings,
  "jsonData"
> {
  jsonData: J;
  /** The bytes Grafana sent, for plugins that parse them themselves. */
  rawJsonData: Buffer;
  /** `lastUpdatedMS` as a Date. */
  updated: Date;
}

/** App settings with `jsonData` as the plugin's type `J`. */
export interface AppInstanceSettings<J = unknown> extends Omit<pb.AppInstanceSettings, "jsonData"> {
  jsonData: J;
  rawJsonData: Buffer;
  updated: Date;
}

/** Grafana's User-Agent, "Grafana/<version> (<os>; <arch>)", split into its parts. */
export interface UserAgent {
  raw: string;
  grafanaVersion?: string;
  os?: string;
  arch?: string;
}

export interface PluginContext<J = unknown> extends Omit<
  pb.PluginContext,
  "dataSourceInstanceSettings" | "appInstanceSettings" | "grafanaConfig" | "userAgent"
> {
  /** Set for calls to a data source plugin. */
  dataSourceInstanceSettings: DataSourceInstanceSettings<J> | undefined;
  /** Set for calls to an app plugin. */
  appInstanceSettings: AppInstanceSettings<J> | undefined;
  grafanaConfig: GrafanaConfig;
  userAgent: UserAgent;
}

/**
 * Turns settings' raw jsonData (already JSON-parsed, `{}` when empty) into the
 * plugin's type. Throw (ideally a PluginError with status 400) to reject
 * settings: the call fails with that message, and a health check reports it.
 */
export type JsonDataParser<J> = (jsonData: unknown) => J;
