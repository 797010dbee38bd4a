/**
 * The child process side of hosting: spawn with the handshake environment,
 * wait for the handshake line (with a timeout, and an error quoting what the
 * plugin printed instead), then forward its stderr as hclog entries.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { LogLevel } from "../log/hclog.js";

export interface PluginLogEntry {
  level: LogLevel;
  message: string;
  module?: string;
  timestamp?: string;
  /** Other key/values of the hclog line. */
  fields: Record<string, unknown>;
  /** The raw line (non-JSON lines are kept as debug messages, as go-plugin does). */
  raw: string;
}

export interface SpawnedPlugin {
  child: ChildProcess;
  handshakeLine: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class PluginStartError extends Error {
  override name = "PluginStartError";
}

export function spawnPlugin(
  executable: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onLog: (entry: PluginLogEntry) => void,
  cwd?: string,
): Promise<SpawnedPlugin> {
  const child = spawn(executable, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    onLog(parseLogLine(line));
  });
  return new Promise((resolve, reject) => {
    const stdout = createInterface({ input: child.stdout! });
    const fail = (why: string) => {
      clearTimeout(timer);
      stdout.close();
      child.kill("SIGKILL");
      const said = stderrTail.length
        ? `\nplugin stderr (last lines):\n  ${stderrTail.join("\n  ")}`
        : "\nplugin wrote nothing to stderr";
      reject(new PluginStartError(`${executable}: ${why}${said}`));
    };
    const timer = setTimeout(() => fail(`no handshake line within ${timeoutMs} ms`), timeoutMs);
    const onError = (error: Error) => fail(`cannot start: ${error.message}`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited (${signal ?? `code ${code}`}) before printing a handshake line`);
    child.once("error", onError);
    child.once("exit", onExit);
    stdout.once("line", (line) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      // After the handshake, stdout must stay silent; anything there is a plugin bug worth seeing.
      stdout.on("line", (extra) =>
        onLog({
          level: "warn",
          message: `unexpected stdout after handshake: ${extra}`,
          fields: {},
          raw: extra,
        }),
      );
      resolve({ child, handshakeLine: line, exited });
    });
  });
}

export function parseLogLine(raw: string): PluginLogEntry {
  if (raw.startsWith("{")) {
    try {
      const json = JSON.parse(raw) as Record<string, unknown>;
      const {
        "@level": level,
        "@message": message,
        "@module": module,
        "@timestamp": timestamp,
        ...fields
      } = json;
      return {
        level: toLevel(level),
        message: String(message ?? ""),
        module: module as string | undefined,
        timestamp: timestamp as string | undefined,
        fields,
        raw,
      };
    } catch {
      // not hclog JSON: fall through
    }
  }
  return { level: "debug", message: raw, fields: {}, raw };
}

function toLevel(value: unknown): LogLevel {
  return value === "trace" || value === "info" || value === "warn" || value === "error"
    ? value
    : "debug";
}
