/**
 * Plugin output that Grafana can see. A go-plugin host reads one line from a
 * plugin's stdout, the handshake, and anything printed there first breaks it
 * ("Unrecognized remote plugin message"). What a Go plugin prints later
 * travels over GRPCStdio, which Grafana discards (its client sets no
 * SyncStdout/SyncStderr). What Grafana does log is each line of the plugin's
 * stderr, parsed as hclog JSON (go-plugin client.go, logStderr). So, from the
 * plugin's first line on (the bundle imports console-preload.ts first):
 *
 * - console.log/info/warn/error/debug/trace become hclog lines at the matching
 *   level (log → info), module "plugin.console", formatted as Node's console
 *   formats them (console.assert and console.table go through these too);
 * - process.stdout and process.stderr are replaced by streams that log what
 *   is written to them, line by line: at info (module "plugin.stdout") and at
 *   error (module "plugin.stderr"), the levels of console.log and
 *   console.error, the usual writers of each. Libraries writing there
 *   directly (console.dir, progress output) are logged, not lost, and nothing
 *   but the handshake line, which serve() writes to fd 1 itself, reaches stdout.
 *
 * Node's real stdio streams are never created: creating one switches a piped
 * fd 1 or 2 to non-blocking mode, and the logger's synchronous writes to fd 2
 * would then fail with EAGAIN whenever the host reads slower than we log.
 * Code that writes to a file descriptor itself (fs.writeSync(1, …)) is not
 * covered, as a Go plugin's syscall.Write(1, …) is not.
 */
import { StringDecoder } from "node:string_decoder";
import { Writable } from "node:stream";
import { formatWithOptions } from "node:util";
import { createLogger, type Logger, type LogLevel } from "./hclog.js";

const CAPTURED = Symbol.for("grafana-plugin-ts.console-captured");

/** How long a partial line (a write without a newline) waits for the rest. */
const PARTIAL_LINE_MS = 50;

const consoleLevels = {
  log: "info",
  info: "info",
  warn: "warn",
  error: "error",
  debug: "debug",
  trace: "trace",
} as const satisfies Record<string, LogLevel>;

/**
 * Sends console output and process.stdout/stderr writes to the hclog log on
 * fd 2 (level from GF_PLUGIN_LOG_LEVEL, as every log line). Idempotent across
 * copies of this module (the preload and serve() may come from two copies of
 * the runtime): the first call wins.
 */
export function captureConsole(): void {
  const global = globalThis as { [CAPTURED]?: true };
  if (global[CAPTURED]) return;
  global[CAPTURED] = true;
  // Written to fd 2 directly: a logger writing to process.stderr would log its own lines.
  const logger = createLogger({ module: "plugin" });
  const consoleLogger = logger.named("console");
  for (const [method, level] of Object.entries(consoleLevels))
    (console as unknown as Record<string, unknown>)[method] = consoleMethod(
      consoleLogger,
      level,
      method === "trace",
    );
  replaceStream("stdout", logLines(logger.named("stdout"), "info"));
  replaceStream("stderr", logLines(logger.named("stderr"), "error"));
}

function consoleMethod(logger: Logger, level: LogLevel, withStack: boolean) {
  const method = (...args: unknown[]): void => {
    const message = formatWithOptions({ colors: false }, ...args);
    const fields: Record<string, unknown> = {};
    if (withStack) {
      // console.trace prints where it was called from; so does its log line.
      const at: { stack?: string } = {};
      Error.captureStackTrace(at, method);
      fields.stack = at.stack?.split("\n").slice(1).join("\n").trim();
    }
    // Node prints its own warnings (deprecations, emitWarning) with console.error.
    logger[level === "error" && NODE_WARNING.test(message) ? "warn" : level](message, fields);
  };
  return method;
}

const NODE_WARNING = new RegExp(`^\\(node:${process.pid}\\) `);

/** A line splitter: complete lines go to the logger, one entry per write. */
function logLines(logger: Logger, level: LogLevel) {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const emit = (text: string) => {
    if (text !== "") logger[level](text);
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const rest = pending + decoder.end();
    pending = "";
    emit(rest);
  };
  process.once("exit", flush);
  return (chunk: Buffer) => {
    pending += decoder.write(chunk);
    const end = pending.lastIndexOf("\n");
    if (end >= 0) {
      // One write of several lines (a stack trace, a table) stays one entry.
      emit(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
    clearTimeout(timer);
    timer = pending ? setTimeout(flush, PARTIAL_LINE_MS).unref() : undefined;
  };
}

function replaceStream(name: "stdout" | "stderr", write: (chunk: Buffer) => void): void {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk);
      callback();
    },
  });
  // Code that reaches for the descriptor (fs.writeSync(process.stdout.fd, …))
  // lands on stderr, as a plain line go-plugin logs at debug, never on stdout.
  Object.assign(stream, { fd: 2, isTTY: false });
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: true,
    get: () => stream,
  });
}
