/**
 * What the user typed on the `call` command line, turned into the requests
 * Grafana would send: a QueryDataRequest, the plugin context around it and
 * CallResource headers.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  AppInstanceSettings,
  DataSourceInstanceSettings,
  type DataQuery,
  type PluginContext,
  type QueryDataRequest,
} from "../../output/pluginv2/backend.js";
import type { DeepPartial } from "../../output/rpc-support.js";

/** A mistake on the command line: `callCommand` prints it with the usage and exits 2. */
export class UsageError extends Error {}

/** Builds a QueryDataRequest from what the user typed (see CALL_USAGE). */
export function queryRequest(text: string, pluginId: string): DeepPartial<QueryDataRequest> {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--json is not valid JSON: ${(error as Error).message}`);
  }
  const isObject = (v: unknown): v is Record<string, any> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const request: Record<string, any> =
    isObject(input) && "queries" in input
      ? input
      : { queries: Array.isArray(input) ? input : [input] };
  if (!Array.isArray(request.queries) || !request.queries.every(isObject))
    throw new UsageError("--json: queries must be JSON objects");
  const now = Date.now();
  return {
    headers: request.headers ?? {},
    // Without its own pluginContext, the query gets the command's (--settings).
    ...(request.pluginContext && { pluginContext: pluginContext(request.pluginContext, pluginId) }),
    queries: request.queries.map((q: Record<string, any>, i: number): DeepPartial<DataQuery> => {
      const refId = q.refId ?? String.fromCharCode(65 + i);
      const json = q.json ?? { ...q, refId };
      return {
        refId,
        queryType: q.queryType ?? "",
        maxDataPoints: BigInt(q.maxDataPoints ?? 1000),
        intervalMS: BigInt(q.intervalMS ?? 1000),
        timeRange: {
          fromEpochMS: BigInt(q.timeRange?.fromEpochMS ?? now - 3_600_000),
          toEpochMS: BigInt(q.timeRange?.toEpochMS ?? now),
        },
        json: Buffer.from(typeof json === "string" ? json : JSON.stringify(json)),
      };
    }),
  };
}

/**
 * Instance settings as `--settings` gives them: the fields of Grafana's
 * DataSourceInstanceSettings (or AppInstanceSettings for an app), with
 * `jsonData` as an object and the secure values, decrypted, as
 * `secureJsonData` (Grafana's name in the UI) or `decryptedSecureJsonData`.
 */
export type InstanceSettings = Record<string, unknown>;

/** `--settings JSON` or `--settings @file.json`, plus `--secure KEY=VALUE` pairs. */
export function parseSettings(text: string | undefined, secure: string[]): InstanceSettings {
  let settings: unknown = {};
  if (text !== undefined) {
    const source = text.startsWith("@") ? readSettingsFile(text.slice(1)) : text;
    try {
      settings = JSON.parse(source);
    } catch (error) {
      throw new UsageError(`--settings is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (typeof settings !== "object" || settings === null || Array.isArray(settings))
    throw new UsageError("--settings must be a JSON object (a data source's settings)");
  const result: InstanceSettings = { ...(settings as InstanceSettings) };
  if ("secureJsonData" in result) {
    result.decryptedSecureJsonData = result.secureJsonData;
    delete result.secureJsonData;
  }
  const values = { ...(result.decryptedSecureJsonData as Record<string, string> | undefined) };
  for (const pair of secure) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--secure "${pair}": expected KEY=VALUE`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (Object.keys(values).length > 0) result.decryptedSecureJsonData = values;
  return result;
}

function readSettingsFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`--settings @${path}: ${(error as Error).message}`);
  }
}

/**
 * What Grafana sends for an instance of the plugin: a data source's settings,
 * or an app's when the plugin id ends in "-app", with the user's on top.
 */
export function pluginContext(
  given: Record<string, any> | undefined,
  pluginId = "",
  settings: InstanceSettings = {},
): DeepPartial<PluginContext> {
  const isApp = pluginId.endsWith("-app");
  const template = isApp ? AppInstanceSettings.create() : DataSourceInstanceSettings.create();
  const fields = {
    ...settings,
    ...(given?.dataSourceInstanceSettings ?? given?.appInstanceSettings),
  };
  const unknown = Object.keys(fields).filter((key) => !(key in template));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown ${isApp ? "app" : "data source"} setting${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${Object.keys(template).join(", ")}, secureJsonData)`,
    );
  const jsonData = fields.jsonData ?? {};
  const common = {
    ...fields,
    jsonData: Buffer.from(typeof jsonData === "string" ? jsonData : JSON.stringify(jsonData)),
    lastUpdatedMS: BigInt(fields.lastUpdatedMS ?? Date.now()),
  };
  return {
    orgId: BigInt(given?.orgId ?? 1),
    pluginId: given?.pluginId ?? pluginId,
    user: given?.user ?? { login: "admin", name: "admin", role: "Admin" },
    ...(isApp
      ? { appInstanceSettings: common }
      : {
          dataSourceInstanceSettings: {
            ...common,
            id: BigInt(fields.id ?? 1),
            uid: fields.uid ?? "grafana-plugin-ts-call",
            name: fields.name ?? "grafana-plugin-ts call",
          },
        }),
  };
}

/** The id in the plugin.json next to the executable (where `build` puts it), if any. */
export function pluginIdNear(executable: string): string {
  const file = join(dirname(executable), "plugin.json");
  if (!existsSync(file)) return "";
  try {
    return String((JSON.parse(readFileSync(file, "utf8")) as { id?: unknown }).id ?? "");
  } catch {
    return "";
  }
}

/** `--header "Name: value"` lines as CallResource headers; a repeated name collects values. */
export function parseHeaders(lines: string[]): Record<string, { values: string[] }> {
  const headers: Record<string, { values: string[] }> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    if (at <= 0) throw new UsageError(`--header "${line}": expected "Name: value"`);
    const name = line.slice(0, at).trim();
    (headers[name] ??= { values: [] }).values.push(line.slice(at + 1).trim());
  }
  return headers;
}
