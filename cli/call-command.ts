/**
 * `grafana-plugin-ts call <executable> <call> …`: start a plugin executable
 * the way Grafana does (startPlugin), make one call (or, with --interactive,
 * one per line of standard input on the same running plugin), print each
 * answer on stdout and the plugin's own logs on stderr, then stop the plugin.
 * --settings / --secure give the instance settings every call carries. Exit
 * 0 when every call succeeded, 1 when the plugin failed to start, a call
 * failed or an answer reports an error, 2 for bad usage.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { protocol } from "../output/glue.js";
import { parseLogLevel, startPlugin, type LogLevel } from "../runtime/index.js";
import {
  callResource,
  checkHealth,
  queryData,
  runStream,
  type Call,
  type CallContext,
  type Hosted,
} from "./call/calls.js";
import { describeError, formatLog, prefixLines } from "./call/output.js";
import { usageOf } from "./usage.js";
import {
  parseHeaders,
  parseSettings,
  pluginContext,
  pluginIdNear,
  queryRequest,
  UsageError,
} from "./call/requests.js";
import { SplitError, splitWords } from "./call/split-words.js";

export { queryRequest } from "./call/requests.js";

export const CALL_USAGE = usageOf("call");

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const levels: LogLevel[] = ["trace", "debug", "info", "warn", "error"];

interface CallOptions {
  automtls: boolean;
  logLevel: LogLevel;
  /** The plugin context every call carries (org, user, --settings / --secure). */
  pluginContext: CallContext["pluginContext"];
  interactive: boolean;
}

/** A call as parsed, with its own deadline. */
interface ParsedCall {
  run: Call;
  deadline: number;
}

export async function callCommand(
  args: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<number> {
  const err = (text: string) => io.stderr.write(text);
  let executable: string;
  let first: ParsedCall | undefined;
  let options: CallOptions;
  try {
    ({ executable, first, options } = parseInvocation(args));
  } catch (error) {
    if (!isUsageError(error)) throw error;
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
  const out = (text: string) => io.stdout.write(text);
  const { pluginContext } = options;
  const runOne = async ({ run, deadline }: ParsedCall) => {
    try {
      return await run(plugin, out, { pluginContext, deadline });
    } catch (error) {
      err(`grafana-plugin-ts call: ${describeError(error)}\n`);
      return false;
    }
  };
  let ok = false;
  try {
    ok = first ? await runOne(first) : await session(input, io, executable, runOne);
  } finally {
    const stopped = await plugin.kill();
    // Let the last stderr lines of the plugin arrive before we return.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (!stopped.graceful)
      err("grafana-plugin-ts call: the plugin did not exit on Shutdown; it was killed\n");
  }
  return ok ? 0 : 1;
}

/**
 * `--interactive`: one call per input line (`query --json '{…}'`, `resource
 * GET /x`, …) on the same running plugin, until end of input or `exit`.
 * Resolves to whether every call succeeded; a mistyped line is reported and
 * skipped.
 */
async function session(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  io: Io,
  executable: string,
  runOne: (call: ParsedCall) => Promise<boolean>,
): Promise<boolean> {
  const lines = createInterface({ input, terminal: false });
  const prompt = () => {
    if (input.isTTY) io.stderr.write("call> ");
  };
  let allOk = true;
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === "exit" || line === "quit") break;
    if (line !== "" && !line.startsWith("#")) {
      let call: ParsedCall | undefined;
      try {
        call = parseCallLine(executable, splitWords(line));
      } catch (error) {
        if (!isUsageError(error) && !(error instanceof SplitError)) throw error;
        io.stderr.write(`grafana-plugin-ts call: ${(error as Error).message}\n`);
        allOk = false;
      }
      if (call) {
        const ok = await runOne(call);
        allOk &&= ok;
        io.stdout.write(ok ? "→ ok\n" : "→ failed\n");
      }
    }
    prompt();
  }
  return allOk;
}

/** parseArgs reports an unknown or malformed option as a TypeError. */
function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof TypeError;
}

/** Options of one call, on the command line or on an --interactive line. */
const CALL_OPTIONS = {
  json: { type: "string" },
  body: { type: "string" },
  header: { type: "string", multiple: true },
  packets: { type: "string" },
  data: { type: "string" },
  timeout: { type: "string", default: "30000" },
} as const;

function parseInvocation(args: string[]): {
  executable: string;
  first: ParsedCall | undefined;
  options: CallOptions;
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CALL_OPTIONS,
      automtls: { type: "boolean", default: false },
      "log-level": { type: "string", default: "debug" },
      settings: { type: "string" },
      secure: { type: "string", multiple: true },
      interactive: { type: "boolean", short: "i", default: false },
    },
  });
  const [executable, name, ...rest] = positionals;
  if (!executable) throw new UsageError("an executable is required");
  if (!name && !values.interactive)
    throw new UsageError("a call is required (or --interactive to make several)");
  if (name && values.interactive)
    throw new UsageError("--interactive reads its calls from standard input: give none here");
  const logLevel = parseLogLevel(values["log-level"], "error");
  if (logLevel !== values["log-level"]!.toLowerCase().replace(/^warning$/, "warn"))
    throw new UsageError(
      `--log-level ${values["log-level"]}: expected one of ${levels.join(", ")}`,
    );
  // Built now, so a bad setting fails before the plugin starts.
  const context = pluginContext(
    undefined,
    pluginIdNear(executable),
    parseSettings(values.settings, values.secure ?? []),
  );
  return {
    executable,
    first: name ? parseCall(executable, name, rest, values) : undefined,
    options: {
      automtls: values.automtls!,
      logLevel,
      pluginContext: context,
      interactive: values.interactive!,
    },
  };
}

function parseCallLine(executable: string, words: string[]): ParsedCall {
  const { values, positionals } = parseArgs({
    args: words,
    allowPositionals: true,
    options: CALL_OPTIONS,
  });
  const [name, ...rest] = positionals;
  if (!name) throw new UsageError("a call is required");
  return parseCall(executable, name, rest, values);
}

function parseCall(
  executable: string,
  name: string,
  rest: string[],
  values: {
    json?: string;
    body?: string;
    header?: string[];
    packets?: string;
    data?: string;
    timeout?: string;
  },
): ParsedCall {
  const deadline = positiveInt(values.timeout ?? "30000", "--timeout");
  const expectArgs = (n: number, what: string) => {
    if (rest.length !== n) throw new UsageError(`${name} takes ${what}`);
  };
  let run: Call;
  switch (name) {
    case "check-health":
      expectArgs(0, "no arguments");
      run = checkHealth;
      break;
    case "query": {
      expectArgs(0, "no arguments besides --json");
      if (values.json === undefined) throw new UsageError("query needs --json");
      const request = queryRequest(values.json, pluginIdNear(executable));
      run = (plugin, out, context) => queryData(plugin, out, request, context);
      break;
    }
    case "resource": {
      expectArgs(2, "METHOD PATH");
      const headers = parseHeaders(values.header ?? []);
      const [method, path] = rest as [string, string];
      run = (plugin, out, context) =>
        callResource(plugin, out, method.toUpperCase(), path, values.body, headers, context);
      break;
    }
    case "stream": {
      expectArgs(1, "PATH");
      const packets = positiveInt(values.packets ?? "3", "--packets");
      const path = rest[0]!;
      run = (plugin, out, context) => runStream(plugin, out, path, packets, values.data, context);
      break;
    }
    default:
      throw new UsageError(`unknown call "${name}"`);
  }
  return { run, deadline };
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} ${value}: expected a positive integer`);
  return n;
}
