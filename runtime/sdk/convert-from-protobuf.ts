/**
 * Generated protocol messages → SDK types. Every conversion from the wire
 * lives here (like the Go SDK's convert_from_protobuf.go); adapters call
 * these and nothing else parses request fields.
 */
import * as pb from "../../output/pluginv2/backend.js";
import type {
  AppInstanceSettings,
  DataSourceInstanceSettings,
  JsonDataParser,
  PluginContext,
  UserAgent,
} from "./context.js";
import type { DataQuery, TimeRange } from "./data.js";
import { jsonSyntaxReason } from "../json-syntax.js";
import { PluginError } from "./errors.js";
import { GrafanaConfig } from "./grafana-config.js";

/** Parses JSON bytes; empty bytes are `{}` (proto3 cannot tell empty from unset). */
export function parseJsonBytes(bytes: Uint8Array | undefined, what: string): unknown {
  if (!bytes || bytes.length === 0) return {};
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PluginError(`${what} is not valid JSON: ${jsonSyntaxReason(error)}`, {
      status: 400,
      source: "plugin",
    });
  }
}

export function pluginContextFromProto<J>(
  context: pb.PluginContext | undefined,
  parseJsonData: JsonDataParser<J>,
): PluginContext<J> {
  const {
    dataSourceInstanceSettings: ds,
    appInstanceSettings: app,
    grafanaConfig,
    userAgent,
    ...rest
  } = context ?? pb.PluginContext.create();
  return {
    ...rest,
    dataSourceInstanceSettings: ds ? dataSourceSettingsFromProto(ds, parseJsonData) : undefined,
    appInstanceSettings: app ? appSettingsFromProto(app, parseJsonData) : undefined,
    grafanaConfig: new GrafanaConfig(grafanaConfig),
    userAgent: parseUserAgent(userAgent),
  };
}

function dataSourceSettingsFromProto<J>(
  settings: pb.DataSourceInstanceSettings,
  parse: JsonDataParser<J>,
): DataSourceInstanceSettings<J> {
  const { jsonData, ...rest } = settings;
  const where = `data source "${settings.name}" (uid ${settings.uid || "?"})`;
  return {
    ...rest,
    jsonData: parseSettings(jsonData, parse, where),
    rawJsonData: jsonData,
    updated: new Date(Number(settings.lastUpdatedMS)),
  };
}

function appSettingsFromProto<J>(
  settings: pb.AppInstanceSettings,
  parse: JsonDataParser<J>,
): AppInstanceSettings<J> {
  const { jsonData, ...rest } = settings;
  return {
    ...rest,
    jsonData: parseSettings(jsonData, parse, "app settings"),
    rawJsonData: jsonData,
    updated: new Date(Number(settings.lastUpdatedMS)),
  };
}

function parseSettings<J>(bytes: Buffer, parse: JsonDataParser<J>, where: string): J {
  const value = parseJsonBytes(bytes, `${where}: jsonData`);
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof PluginError)
      throw new PluginError(`${where}: ${error.message}`, {
        status: error.status,
        source: error.source,
        cause: error,
      });
    throw new PluginError(`${where}: invalid jsonData: ${(error as Error).message}`, {
      status: 400,
      source: "plugin",
      cause: error,
    });
  }
}

const GRAFANA_USER_AGENT = /^Grafana\/(\S+)\s*(?:\(([^;)]*);\s*([^)]*)\))?/;

export function parseUserAgent(raw: string): UserAgent {
  const match = GRAFANA_USER_AGENT.exec(raw);
  if (!match) return { raw };
  const [, grafanaVersion, os, arch] = match;
  return {
    raw,
    grafanaVersion,
    ...(os ? { os: os.trim() } : {}),
    ...(arch ? { arch: arch.trim() } : {}),
  };
}

export function timeRangeFromProto(range: pb.TimeRange | undefined): TimeRange {
  const fromMs = Number(range?.fromEpochMS ?? 0n);
  const toMs = Number(range?.toEpochMS ?? 0n);
  return { from: new Date(fromMs), to: new Date(toMs), fromMs, toMs };
}

/** One query; its JSON is parsed lazily by `dataQueryJson` so one bad query fails alone. */
export function dataQueryFromProto(query: pb.DataQuery): DataQuery<unknown> {
  const { json, timeRange, maxDataPoints, intervalMS, ...rest } = query;
  let parsed: { value: unknown } | undefined;
  return {
    ...rest,
    get json() {
      parsed ??= { value: parseJsonBytes(json, `query ${query.refId}`) };
      return parsed.value;
    },
    rawJson: json,
    timeRange: timeRangeFromProto(timeRange),
    maxDataPoints: Number(maxDataPoints),
    intervalMS: Number(intervalMS),
  };
}

/**
 * A QueryData or QueryChunkedData request with its context converted and its
 * queries parsed lazily; every other field passes through as sent.
 */
export function queryRequestFromProto<
  R extends pb.QueryDataRequest | pb.QueryChunkedDataRequest,
  J,
>(
  request: R,
  pluginContext: PluginContext<J>,
): Omit<R, "pluginContext" | "queries"> & {
  pluginContext: PluginContext<J>;
  queries: DataQuery<unknown>[];
} {
  const { pluginContext: _, queries, ...rest } = request;
  return { ...rest, pluginContext, queries: queries.map(dataQueryFromProto) };
}
