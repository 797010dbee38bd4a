/**
 * `grafana-plugin-ts call <executable> <call> …`: start a plugin executable
 * the way Grafana does (startPlugin), make one call, print the answer on
 * stdout and the plugin's own logs and console output on stderr, then stop
 * the plugin. Exit 0 when the call succeeded, 1 when the plugin failed to
 * start, the call failed or the answer reports an error, 2 for bad usage.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import { protocol } from "../output/glue.js";
import {
  checkHealthResponse_HealthStatusToJSON,
  CheckHealthResponse_HealthStatus,
  type DataQuery,
  type PluginContext,
  type QueryDataRequest,
  type QueryDataResponse,
} from "../output/pluginv2/backend.js";
import type { DeepPartial } from "../output/rpc-support.js";
import {
  parseLogLevel,
  startPlugin,
  type LogLevel,
  type PluginLogEntry,
} from "../runtime/index.js";

export const CALL_USAGE = `usage: grafana-plugin-ts call <executable> <call> [options]

calls:
  check-health                         CheckHealth
  query --json JSON                    QueryData; JSON is a QueryDataRequest ({"queries": [...]}),
                                       an array of queries or one query (its "json" defaults to the
                                       query object itself, as Grafana's frontend sends it)
  resource METHOD PATH [--body TEXT] [--header "Name: value"]...
                                       CallResource, e.g. resource GET /hello
  stream PATH [--packets N] [--data JSON]
                                       RunStream: print N packets (default 3), then cancel

options:
  --automtls           start the plugin with AutoMTLS, as a go-plugin host may
  --log-level LEVEL    lowest plugin log level shown on stderr (default debug)
  --timeout MS         deadline of the call (default 30000)
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type Hosted = Awaited<ReturnType<typeof startPlugin<typeof protocol>>>;
type Call = (plugin: Hosted, out: (text: string) => void) => Promise<boolean>;

class UsageError extends Error {}

const levels: LogLevel[] = ["trace", "debug", "info", "warn", "error"];

export async function callCommand(
  args: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const err = (text: string) => io.stderr.write(text);
  let executable: string;
  let call: Call;
  let options: { automtls: boolean; logLevel: LogLevel };
  try {
    ({ executable, call, options } = parseCall(args));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    err(`grafana-plugin-ts call: ${(error as Error).message}\n\n${CALL_USAGE}`);
    return 2;
  }
  const minLevel = levels.indexOf(options.logLevel);
  let plugin: Hosted;
  try {
    plugin = await startPlugin({
      executable,
      protocol,
      autoMTLS: options.automtls,
      onLog: (entry) => {
        if (levels.indexOf(entry.level) >= minLevel) err(formatLog(entry));
      },
      onStdio: (channel, data) => err(prefixLines(`[plugin ${channel}] `, data.toString("utf8"))),
    });
  } catch (error) {
    err(`grafana-plugin-ts call: cannot start ${executable}: ${(error as Error).message}\n`);
    return 1;
  }
  let ok = false;
  try {
    ok = await call(plugin, (text) => io.stdout.write(text));
  } catch (error) {
    err(`grafana-plugin-ts call: ${describeError(error)}\n`);
  } finally {
    const stopped = await plugin.kill();
    // Let the last stderr lines of the plugin arrive before we return.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (!stopped.graceful)
      err("grafana-plugin-ts call: the plugin did not exit on Shutdown; it was killed\n");
  }
  return ok ? 0 : 1;
}

function parseCall(args: string[]): {
  executable: string;
  call: Call;
  options: { automtls: boolean; logLevel: LogLevel };
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "string" },
      body: { type: "string" },
      header: { type: "string", multiple: true },
      packets: { type: "string" },
      data: { type: "string" },
      automtls: { type: "boolean", default: false },
      "log-level": { type: "string", default: "debug" },
      timeout: { type: "string", default: "30000" },
    },
  });
  const [executable, name, ...rest] = positionals;
  if (!executable || !name) throw new UsageError("an executable and a call are required");
  const logLevel = parseLogLevel(values["log-level"], "error");
  if (logLevel !== values["log-level"]!.toLowerCase().replace(/^warning$/, "warn"))
    throw new UsageError(
      `--log-level ${values["log-level"]}: expected one of ${levels.join(", ")}`,
    );
  const deadline = positiveInt(values.timeout!, "--timeout");
  const expectArgs = (n: number, what: string) => {
    if (rest.length !== n) throw new UsageError(`${name} takes ${what}`);
  };
  let call: Call;
  switch (name) {
    case "check-health":
      expectArgs(0, "no arguments");
      call = (plugin, out) => checkHealth(plugin, out, deadline);
      break;
    case "query": {
      expectArgs(0, "no arguments besides --json");
      if (values.json === undefined) throw new UsageError("query needs --json");
      const request = queryRequest(values.json, pluginIdNear(executable));
      call = (plugin, out) => queryData(plugin, out, request, deadline);
      break;
    }
    case "resource": {
      expectArgs(2, "METHOD PATH");
      const headers = parseHeaders(values.header ?? []);
      call = (plugin, out) =>
        callResource(plugin, out, rest[0].toUpperCase(), rest[1], values.body, headers, deadline);
      break;
    }
    case "stream": {
      expectArgs(1, "PATH");
      const packets = positiveInt(values.packets ?? "3", "--packets");
      call = (plugin, out) => runStream(plugin, out, rest[0], packets, values.data, deadline);
      break;
    }
    default:
      throw new UsageError(`unknown call "${name}"`);
  }
  return { executable, call, options: { automtls: values.automtls!, logLevel } };
}

async function checkHealth(plugin: Hosted, out: (t: string) => void, deadline: number) {
  const reply = await plugin.clients.diagnostics.checkHealth(
    { pluginContext: pluginContext(undefined) },
    { deadline },
  );
  out(`status: ${checkHealthResponse_HealthStatusToJSON(reply.status)}\n`);
  out(`message: ${reply.message}\n`);
  if (reply.jsonDetails.length > 0) out(`details: ${reply.jsonDetails.toString("utf8")}\n`);
  return reply.status === CheckHealthResponse_HealthStatus.OK;
}

async function queryData(
  plugin: Hosted,
  out: (t: string) => void,
  request: DeepPartial<QueryDataRequest>,
  deadline: number,
) {
  const reply = await plugin.clients.data.queryData(request, { deadline });
  const render = await frameRenderer();
  let ok = true;
  const refIds = (request.queries ?? []).map((q) => q?.refId ?? "");
  for (const refId of new Set([...refIds, ...Object.keys(reply.responses)])) {
    const response = reply.responses[refId];
    if (!response) {
      out(`refId ${refId}: no response\n`);
      ok = false;
      continue;
    }
    ok &&= response.error === "" && (response.status === 0 || response.status < 400);
    out(summariseResponse(refId, response));
    response.frames.forEach((frame, i) => out(render(frame, i)));
  }
  return ok;
}

function summariseResponse(refId: string, response: QueryDataResponse["responses"][string]) {
  const parts = [`refId ${refId}: status ${response.status || (response.error ? 500 : 200)}`];
  parts.push(`${response.frames.length} frame(s)`);
  if (response.error) parts.push(`error: ${response.error}`);
  if (response.errorSource) parts.push(`error source: ${response.errorSource}`);
  return parts.join(", ") + "\n";
}

/**
 * Frames as tables when the frames module is there (it decodes the Arrow
 * files the Go SDK writes); otherwise, or for bytes that are not an Arrow
 * frame, their size. Imported by name so this command works without it.
 */
async function frameRenderer(): Promise<(bytes: Buffer, index: number) => string> {
  const size = (bytes: Buffer, i: number, why = "") =>
    `  frame ${i}: ${bytes.length} bytes${why}\n`;
  const modulePath = "../runtime/frames/index.js";
  let frames: { frameFromArrow?: unknown; renderFramesTable?: unknown } = {};
  try {
    frames = await import(modulePath);
  } catch {
    // no frames module: sizes only
  }
  const { frameFromArrow, renderFramesTable } = frames;
  if (typeof frameFromArrow !== "function" || typeof renderFramesTable !== "function") return size;
  return (bytes, i) => {
    let frame: unknown;
    try {
      frame = frameFromArrow(bytes);
    } catch (error) {
      return size(bytes, i, ` (not an Arrow frame: ${(error as Error).message})`);
    }
    return size(bytes, i) + prefixLines("    ", String(renderFramesTable([frame])));
  };
}

async function callResource(
  plugin: Hosted,
  out: (t: string) => void,
  method: string,
  target: string,
  body: string | undefined,
  headers: Record<string, { values: string[] }>,
  deadline: number,
) {
  const url = target.startsWith("/") ? target : `/${target}`;
  const path = url.slice(1).split("?")[0];
  const stream = plugin.clients.resource.callResource(
    {
      pluginContext: pluginContext(undefined),
      method,
      path,
      url,
      headers,
      body: Buffer.from(body ?? ""),
    },
    { deadline },
  );
  let code = 0;
  let first = true;
  for await (const part of stream) {
    if (first) {
      code = part.code;
      out(`HTTP ${part.code}\n`);
      for (const [name, list] of Object.entries(part.headers))
        for (const value of list.values) out(`${name}: ${value}\n`);
      out("\n");
      first = false;
    }
    out(part.body.toString("utf8"));
  }
  if (first) throw new Error("CallResource: the plugin sent no response");
  out("\n");
  return code >= 200 && code < 400;
}

async function runStream(
  plugin: Hosted,
  out: (t: string) => void,
  path: string,
  packets: number,
  data: string | undefined,
  deadline: number,
) {
  const stream = plugin.clients.stream.runStream(
    { pluginContext: pluginContext(undefined), path, data: Buffer.from(data ?? "") },
    { deadline },
  );
  let count = 0;
  for await (const packet of stream) {
    out(`packet ${++count}: ${packet.data.toString("utf8")}\n`);
    if (count === packets) stream.cancel();
  }
  if (count < packets) out(`stream ended by the plugin after ${count} packet(s)\n`);
  return true;
}

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
function pluginContext(
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
function pluginIdNear(executable: string): string {
  const file = join(dirname(executable), "plugin.json");
  if (!existsSync(file)) return "";
  try {
    return String((JSON.parse(readFileSync(file, "utf8")) as { id?: unknown }).id ?? "");
  } catch {
    return "";
  }
}

function parseHeaders(lines: string[]): Record<string, { values: string[] }> {
  const headers: Record<string, { values: string[] }> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    if (at <= 0) throw new UsageError(`--header "${line}": expected "Name: value"`);
    const name = line.slice(0, at).trim();
    (headers[name] ??= { values: [] }).values.push(line.slice(at + 1).trim());
  }
  return headers;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} ${value}: expected a positive integer`);
  return n;
}

/** `[plugin] DEBUG plugin.module: message key=value …`, one hclog line. */
function formatLog(entry: PluginLogEntry): string {
  const fields = Object.entries(entry.fields)
    .filter(([key]) => key !== "stack")
    .map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("");
  const module = entry.module ? `${entry.module}: ` : "";
  return `[plugin] ${entry.level.toUpperCase()} ${module}${entry.message}${fields}\n`;
}

function prefixLines(prefix: string, text: string): string {
  return (
    text
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => prefix + line)
      .join("\n") + "\n"
  );
}

function describeError(error: unknown): string {
  const e = error as Partial<ServiceError> & Error;
  if (typeof e.code === "number" && e.code in grpcStatus)
    return `the call failed: ${grpcStatus[e.code]}: ${e.details ?? e.message}`;
  return e instanceof Error ? e.message : String(error);
}
