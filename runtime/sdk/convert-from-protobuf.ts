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
import { extendableCopy, type Mutable } from "./extendable-copy.js";
import { GrafanaConfig } from "./grafana-config.js";
import type { JsonDataCache } from "./json-data-cache.js";

/** Parses JSON bytes; empty bytes are `{}` (proto3 cannot tell empty from unset). */
export function parseJsonBytes(bytes: Uint8Array | undefined, what: string): unknown {
  if (!bytes || bytes.length === 0) return {};
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only blank text is `{}`; checked after the parse, which every query with JSON passes.
    if (text.trim() === "") return {};
    throw new PluginError(`${what} is not valid JSON: ${jsonSyntaxReason(error)}`, {
      status: 400,
      source: "plugin",
    });
  }
}

/**
 * The SDK's plugin context. With a `jsonDataCache`, settings' jsonData is
 * parsed once per saved version of them rather than on every call.
 */
export function pluginContextFromProto<J>(
  context: pb.PluginContext | undefined,
  parseJsonData: JsonDataParser<J>,
  jsonDataCache?: JsonDataCache,
): PluginContext<J> {
  const source = context ?? pb.PluginContext.create();
  const { dataSourceInstanceSettings: ds, appInstanceSettings: app } = source;
  // A copy with the converted fields replaced; every other field passes through as sent.
  const converted = extendableCopy(source) as unknown as Mutable<PluginContext<J>>;
  converted.dataSourceInstanceSettings = ds
    ? dataSourceSettingsFromProto(ds, parseJsonData, jsonDataCache)
    : undefined;
  converted.appInstanceSettings = app
    ? appSettingsFromProto(app, parseJsonData, jsonDataCache)
    : undefined;
  converted.grafanaConfig = new GrafanaConfig(source.grafanaConfig);
  converted.userAgent = parseUserAgent(source.userAgent);
  return converted;
}

function dataSourceSettingsFromProto<J>(
  settings: pb.DataSourceInstanceSettings,
  parse: JsonDataParser<J>,
  cache: JsonDataCache | undefined,
): DataSourceInstanceSettings<J> {
  const { jsonData, lastUpdatedMS } = settings;
  const fresh = () =>
    parseSettings(jsonData, parse, `data source "${settings.name}" (uid ${settings.uid || "?"})`);
  const converted = extendableCopy(settings) as unknown as Mutable<DataSourceInstanceSettings<J>>;
  converted.jsonData = cache
    ? cache.parsed(
        settings.uid ? `ds:${settings.uid}` : `ds#${settings.id}`,
        jsonData,
        lastUpdatedMS,
        fresh,
      )
    : fresh();
  converted.rawJsonData = jsonData;
  converted.updated = new Date(Number(lastUpdatedMS));
  return converted;
}

function appSettingsFromProto<J>(
  settings: pb.AppInstanceSettings,
  parse: JsonDataParser<J>,
  cache: JsonDataCache | undefined,
): AppInstanceSettings<J> {
  const { jsonData, lastUpdatedMS } = settings;
  const fresh = () => parseSettings(jsonData, parse, "app settings");
  const converted = extendableCopy(settings) as unknown as Mutable<AppInstanceSettings<J>>;
  converted.jsonData = cache ? cache.parsed("app", jsonData, lastUpdatedMS, fresh) : fresh();
  converted.rawJsonData = jsonData;
  converted.updated = new Date(Number(lastUpdatedMS));
  return converted;
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
  const json = query.json;
  let parsed: { value: unknown } | undefined;
  // Not typed as DataQuery: only the converted fields are written here, the
  // protocol's own come from the message itself, whichever there are.
  const converted: Record<string, unknown> = {
    get json() {
      parsed ??= { value: parseJsonBytes(json, `query ${query.refId}`) };
      return parsed.value;
    },
    rawJson: json,
    timeRange: timeRangeFromProto(query.timeRange),
    maxDataPoints: Number(query.maxDataPoints),
    intervalMS: Number(query.intervalMS),
  };
  // Every other field as sent. Added to the literal rather than spread before it: a spread copy
  // of a decoded message takes new properties (and the getter) several times slower.
  const source = query as unknown as Record<string, unknown>;
  for (const key of Object.keys(source))
    if (!Object.hasOwn(converted, key)) converted[key] = source[key];
  return converted as unknown as DataQuery<unknown>;
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
  return { ...request, pluginContext, queries: request.queries.map(dataQueryFromProto) };
}
