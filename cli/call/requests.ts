/**
 * What the user typed on the `call` command line, turned into the requests
 * Grafana would send: a QueryDataRequest, the plugin context around it and
 * CallResource headers.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DataQuery, PluginContext, QueryDataRequest } from "../../output/pluginv2/backend.js";
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
    pluginContext: pluginContext(request.pluginContext, pluginId),
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

/** What Grafana sends for a data source instance, with the user's fields on top. */
export function pluginContext(
  given: Record<string, any> | undefined,
  pluginId = "",
): DeepPartial<PluginContext> {
  const settings = given?.dataSourceInstanceSettings ?? {};
  const jsonData = settings.jsonData ?? {};
  return {
    orgId: BigInt(given?.orgId ?? 1),
    pluginId: given?.pluginId ?? pluginId,
    user: given?.user ?? { login: "admin", name: "admin", role: "Admin" },
    dataSourceInstanceSettings: {
      ...settings,
      id: BigInt(settings.id ?? 1),
      uid: settings.uid ?? "grafana-plugin-ts-call",
      name: settings.name ?? "grafana-plugin-ts call",
      jsonData: Buffer.from(typeof jsonData === "string" ? jsonData : JSON.stringify(jsonData)),
      lastUpdatedMS: BigInt(settings.lastUpdatedMS ?? Date.now()),
    },
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
