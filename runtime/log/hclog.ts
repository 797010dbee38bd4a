/**
 * An hclog-compatible JSON logger. go-plugin hosts (Grafana) read each stderr
 * line of a plugin, parse it as hclog JSON and file it under its `@level` and
 * `@module`, so this is the format a plugin's logs must have to show up right.
 * Lines are written synchronously to file descriptor 2: never through
 * process.stderr, which the runtime redirects to the stdio relay.
 */
import { writeAllSync } from "./write-all-sync.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** Environment variable that sets the lowest level written (default debug, as the Go SDK logs). */
export const LOG_LEVEL_ENV = "GF_PLUGIN_LOG_LEVEL";

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry `@module` = parent module + "." + name, like hclog's Named. */
  named(name: string): Logger;
  /** A logger that adds these key/values to every line, like hclog's With. */
  with(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  module?: string;
  level?: LogLevel;
  /** Where lines go; default: fd 2, synchronously. */
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = "debug"): LogLevel {
  const v = value?.trim().toLowerCase();
  if (!v) return fallback;
  if (v === "warning") return "warn";
  if (v in rank) return v as LogLevel;
  return fallback;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env[LOG_LEVEL_ENV]);
  const write = options.write ?? writeStderr;
  const base = options.fields ?? {};
  const module = options.module ?? "";
  // A logger's own part of every line (module and With fields), serialised once: a plugin
  // writes two lines per call with the same request fields.
  const fixedPart = (module ? `,"@module":${JSON.stringify(module)}` : "") + jsonMembers(base);
  const baseIsPlain = !Object.keys(base).some((key) => RESERVED.has(key));
  const emit = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const timestamp = timestampNow();
    if (!baseIsPlain || typeof message !== "string" || (fields && repeatsAny(fields, base)))
      return write(JSON.stringify(lineObject(at, message, timestamp, module, base, fields)) + "\n");
    const head = `{"@level":"${at}","@message":${JSON.stringify(message)},"@timestamp":"${timestamp}"`;
    write(`${head}${fixedPart}${fields ? jsonMembers(fields) : ""}}\n`);
  };
  return {
    trace: (m, f) => emit("trace", m, f),
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    named: (name) =>
      createLogger({ ...options, level, module: module ? `${module}.${name}` : name }),
    with: (fields) => createLogger({ ...options, level, fields: { ...base, ...fields } }),
  };
}

const RESERVED = new Set(["@level", "@message", "@timestamp", "@module"]);

/** `,"key":value` for each member JSON.stringify would write (undefined, functions: none). */
function jsonMembers(fields: Record<string, unknown>): string {
  let out = "";
  for (const key in fields) {
    const value = JSON.stringify(serialisable(fields[key]));
    if (value !== undefined) out += `,${JSON.stringify(key)}:${value}`;
  }
  return out;
}

/** A line field named like a With field or an hclog key: the line is built as one object. */
function repeatsAny(fields: Record<string, unknown>, base: Record<string, unknown>): boolean {
  for (const key in fields) if (key in base || RESERVED.has(key)) return true;
  return false;
}

/** The line as an object: each key once, a later value replacing an earlier one in place. */
function lineObject(
  at: LogLevel,
  message: string,
  timestamp: string,
  module: string,
  base: Record<string, unknown>,
  fields: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const line: Record<string, unknown> = {
    "@level": at,
    "@message": message,
    "@timestamp": timestamp,
  };
  if (module) line["@module"] = module;
  for (const k in base) line[k] = serialisable(base[k]);
  if (fields) for (const k in fields) line[k] = serialisable(fields[k]);
  return line;
}

let lastMillis = -1;
let lastTimestamp = "";

/** hclogTimestamp of now, formatted once per millisecond. */
function timestampNow(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTimestamp = hclogTimestamp(new Date(now));
  }
  return lastTimestamp;
}

/**
 * Writes to fd 2 synchronously (whole, even if fd 2 is non-blocking: see
 * write-all-sync.ts), dropping the text when nobody reads it any more
 * (EPIPE: the host died and took the pipe's read end with it). Throwing
 * there would turn every log line after the host's death into a crash, and
 * the plugin would exit 1 half-way through its graceful stop.
 */
export function writeStderr(text: string | Uint8Array): void {
  try {
    writeAllSync(2, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
  }
}

/** hclog's JSON time format: 2006-01-02T15:04:05.000000Z07:00 (microseconds, numeric zone). */
export function hclogTimestamp(date: Date): string {
  // toISOString always ends in ".mmmZ" (for years 0–9999).
  return date.toISOString().slice(0, -1) + "000Z";
}

function serialisable(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}
