/**
 * `grafana-plugin-ts frames <file.arrow|file.json> [--to table|json|arrow] [--out FILE]`
 *
 * Reads a data frame written by the Go SDK (or this toolkit) — an Arrow IPC file, or the JSON
 * frame format (an object, or an array of frames) — and prints it as a table (default), converts
 * it to pretty-printed JSON in the Go SDK's format, or to an Arrow IPC file. The input format is
 * recognised by content (the ARROW1 magic, or JSON), not by file name.
 *
 * Exit codes: 0 success, 1 the input could not be read or converted, 2 bad usage.
 */
import { readFile, writeFile } from "node:fs/promises";
import {
  FrameDecodeError,
  FrameShapeError,
  frameFromArrow,
  frameToArrow,
  frameToJSON,
  framesFromJSON,
  framesToJSON,
  renderFramesTable,
} from "../runtime/frames/index.js";
import type { Frame } from "../runtime/frames/index.js";
import { usageOf } from "./usage.js";

export interface FramesIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = usageOf("frames");

type Format = "table" | "json" | "arrow";

interface Options {
  file: string;
  to: Format;
  out?: string;
}

class UsageError extends Error {}

/** Runs the command; resolves to the process exit code. Never throws. */
export async function framesCommand(args: string[], io: FramesIO): Promise<number> {
  let options: Options | "help";
  try {
    options = parseArgs(args);
  } catch (err) {
    await write(io.stderr, `grafana-plugin-ts frames: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    await write(io.stdout, USAGE);
    return 0;
  }
  try {
    const { frames, wasList } = await readFrames(options.file);
    await writeOutput(options, convert(frames, wasList, options), io);
    return 0;
  } catch (err) {
    const known =
      err instanceof FrameDecodeError ||
      err instanceof FrameShapeError ||
      err instanceof UsageError;
    const message =
      known || isFsError(err) ? (err as Error).message : String((err as Error)?.stack ?? err);
    await write(io.stderr, `grafana-plugin-ts frames: ${options.file}: ${message}\n`);
    return 1;
  }
}

function parseArgs(args: string[]): Options | "help" {
  let file: string | undefined;
  let to: Format = "table";
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "-h" || flag === "--help") return "help";
    else if (flag === "--to") {
      const v = value();
      if (v !== "table" && v !== "json" && v !== "arrow")
        throw new UsageError(`--to must be table, json or arrow, not "${v}"`);
      to = v;
    } else if (flag === "--out" || flag === "-o") out = value();
    else if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`one input file expected, got "${file}" and "${arg}"`);
  }
  if (file === undefined) throw new UsageError("no input file");
  return { file, to, out };
}

async function readFrames(file: string): Promise<{ frames: Frame[]; wasList: boolean }> {
  const bytes = new Uint8Array(await readFile(file));
  if (startsWith(bytes, "ARROW1")) return { frames: [frameFromArrow(bytes)], wasList: false };
  const text = new TextDecoder().decode(bytes);
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") {
    throw new FrameDecodeError("neither an Arrow IPC file (ARROW1) nor a JSON frame");
  }
  return { frames: framesFromJSON(text), wasList: first === "[" };
}

function convert(frames: Frame[], wasList: boolean, options: Options): string | Uint8Array {
  switch (options.to) {
    case "table":
      return renderFramesTable(frames);
    case "json":
      return (
        (wasList
          ? framesToJSON(frames, { pretty: true })
          : frameToJSON(frames[0], { pretty: true })) + "\n"
      );
    case "arrow":
      if (frames.length !== 1) {
        throw new UsageError(
          `an Arrow file holds one frame, the input has ${frames.length} (use --to json)`,
        );
      }
      return frameToArrow(frames[0]);
  }
}

async function writeOutput(
  options: Options,
  output: string | Uint8Array,
  io: FramesIO,
): Promise<void> {
  if (options.out !== undefined) {
    await writeFile(options.out, output);
    return;
  }
  if (output instanceof Uint8Array && (io.stdout as { isTTY?: boolean }).isTTY) {
    throw new UsageError("refusing to write binary Arrow to a terminal; use --out FILE");
  }
  await write(io.stdout, output);
}

function write(stream: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= magic.length && [...magic].every((c, i) => bytes[i] === c.charCodeAt(0));
}

function isFsError(err: unknown): boolean {
  return (
    typeof (err as NodeJS.ErrnoException)?.code === "string" &&
    typeof (err as Error).message === "string"
  );
}
