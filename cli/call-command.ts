/**
 * `grafana-plugin-ts call <executable> <call> …`: start a plugin executable
 * the way Grafana does (startPlugin), make one call, print the answer on
 * stdout and the plugin's own logs and console output on stderr, then stop
 * the plugin. Exit 0 when the call succeeded, 1 when the plugin failed to
 * start, the call failed or the answer reports an error, 2 for bad usage.
 */
import { parseArgs } from "node:util";
import { protocol } from "../output/glue.js";
import { parseLogLevel, startPlugin, type LogLevel } from "../runtime/index.js";
import {
  callResource,
  checkHealth,
  queryData,
  runStream,
  type Call,
  type Hosted,
} from "./call/calls.js";
import { describeError, formatLog, prefixLines } from "./call/output.js";
import { usageOf } from "./usage.js";
import { parseHeaders, pluginIdNear, queryRequest, UsageError } from "./call/requests.js";

export { queryRequest } from "./call/requests.js";

export const CALL_USAGE = usageOf("call");

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

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
    // parseArgs reports an unknown or malformed option as a TypeError.
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

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} ${value}: expected a positive integer`);
  return n;
}
