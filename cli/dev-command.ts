/**
 * `grafana-plugin-ts dev [DIR] [--port N] [--inspect-port N | --no-inspect]`:
 * the development loop (packaging/dev-loop.ts). Builds DIR's plugin with
 * source maps into DIR/dist, runs it as a standalone server under the Node
 * inspector, rebuilds and restarts it when src/ changes, and prints the
 * plugin's logs (with .ts stack traces) until Ctrl-C.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { startDevLoop, type DevEvent } from "../packaging/dev-loop.js";
import type { PluginLogEntry } from "../runtime/index.js";
import { formatLog, prefixLines } from "./call/output.js";
import { COMMAND_USAGE } from "./usage.js";

class UsageError extends Error {
  override name = "UsageError";
}

export interface DevCommandIO {
  out: (text: string) => void;
  /** Resolves when the loop should stop; default: SIGINT or SIGTERM. */
  untilStopped?: Promise<unknown>;
}

export async function devCommand(
  args: string[],
  io: DevCommandIO = { out: (text) => void process.stdout.write(text) },
): Promise<number> {
  const options = parseDevArgs(args);
  const loop = await startDevLoop({
    ...options,
    onEvent: (event) => io.out(describe(event)),
    onLog: (entry) => io.out(logText(entry)),
  });
  await (io.untilStopped ?? signalled());
  await loop.stop();
  io.out("stopped: standalone.txt and pid.txt removed; hosts start the plugin as usual again\n");
  return 0;
}

function parseDevArgs(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        port: { type: "string" },
        "inspect-port": { type: "string" },
        "no-inspect": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${COMMAND_USAGE.dev.synopsis}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1)
    throw new UsageError(`one project directory at most\nusage: ${COMMAND_USAGE.dev.synopsis}`);
  if (values["no-inspect"] && values["inspect-port"] !== undefined)
    throw new UsageError("--inspect-port and --no-inspect exclude each other");
  return {
    projectDir: positionals[0] ?? ".",
    port: values.port === undefined ? undefined : port(values.port, "--port", 1),
    inspectPort: values["no-inspect"]
      ? null
      : port(values["inspect-port"] ?? "9229", "--inspect-port", 0),
  };
}

function port(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65_535)
    throw new UsageError(`${flag} ${value}: expected a port number (${min}–65535)`);
  return n;
}

function describe(event: DevEvent): string {
  const inspector = (url?: string) => (url ? `\n  inspector: ${url}` : "");
  switch (event.kind) {
    case "serving":
      return (
        `▶ serving at ${event.address} (ready in ${(event.ms / 1000).toFixed(1)} s)` +
        `\n  hosts that start ${relative(process.cwd(), event.pluginDir) || "."}/'s executable attach to it` +
        inspector(event.inspector) +
        "\n"
      );
    case "stopped-host-copies":
      return `  stopped copies a host had started (pids ${event.pids.join(", ")}): it starts them again, attached\n`;
    case "restarted":
      return `↻ ${event.changed.join(", ")}: rebuilt and restarted in ${(event.ms / 1000).toFixed(1)} s${inspector(event.inspector)}\n`;
    case "build-failed":
      return `✗ ${event.changed.join(", ")}: build failed, still serving the last good build\n${prefixLines("  ", event.error)}`;
    case "server-exited":
      return `✗ the plugin exited (${event.signal ?? `code ${event.code}`}); the next change starts it again\n`;
  }
}

/** formatLog's line, with a logged stack trace below it. */
function logText(entry: PluginLogEntry): string {
  const stack = typeof entry.fields.stack === "string" ? entry.fields.stack : "";
  return formatLog(entry) + (stack ? prefixLines("    ", stack) : "");
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
