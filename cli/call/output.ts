/**
 * How `call` writes what it sees as text: query answers and their frames on
 * stdout, the plugin's hclog lines and console output on stderr, and why a
 * call failed.
 */
import { status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import type { QueryDataResponse } from "../../output/pluginv2/backend.js";
import type { PluginLogEntry } from "../../runtime/index.js";

/** `refId A: status 200, 1 frame(s)[, error: …]`, one line per query answer. */
export function summariseResponse(
  refId: string,
  response: QueryDataResponse["responses"][string],
): string {
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
export async function frameRenderer(): Promise<(bytes: Buffer, index: number) => string> {
  const size = (bytes: Buffer, i: number, why = "") =>
    `  frame ${i}: ${bytes.length} bytes${why}\n`;
  const modulePath = "../../runtime/frames/index.js";
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

/** `[plugin] DEBUG plugin.module: message key=value …`, one hclog line. */
export function formatLog(entry: PluginLogEntry): string {
  const fields = Object.entries(entry.fields)
    .filter(([key]) => key !== "stack")
    .map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("");
  const module = entry.module ? `${entry.module}: ` : "";
  return `[plugin] ${entry.level.toUpperCase()} ${module}${entry.message}${fields}\n`;
}

/** `text` with `prefix` before each line, ending in exactly one newline. */
export function prefixLines(prefix: string, text: string): string {
  return (
    text
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => prefix + line)
      .join("\n") + "\n"
  );
}

/** A gRPC failure by its status name (DEADLINE_EXCEEDED: …); anything else by its message. */
export function describeError(error: unknown): string {
  const e = error as Partial<ServiceError> & Error;
  if (typeof e.code === "number" && e.code in grpcStatus)
    return `the call failed: ${grpcStatus[e.code]}: ${e.details ?? e.message}`;
  return e instanceof Error ? e.message : String(error);
}
