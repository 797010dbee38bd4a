/**
 * Runs buf and turns its failures into errors that quote what buf said —
 * for a broken .proto that is `file:line:column: message`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export class BufError extends Error {
  override name = "BufError";
}

/** Where to run buf and what to pass it, so lint rules come from a buf.yaml when there is one. */
export interface BufInput {
  cwd: string;
  input: string;
  /** Inline config, when no buf.yaml governs the proto directory. */
  config?: string;
}

/**
 * Without a buf.yaml, buf would apply its DEFAULT lint rules, which reject
 * upstream's names; we use MINIMAL and the breaking rules for the same
 * reasons as our buf.yaml.
 */
const inlineConfig = JSON.stringify({
  version: "v2",
  lint: { use: ["MINIMAL"] },
  breaking: { use: ["WIRE_JSON", "RPC_NO_DELETE", "SERVICE_NO_DELETE"] },
});

export function bufInput(protoDir: string): BufInput {
  if (existsSync(join(protoDir, "buf.yaml"))) return { cwd: protoDir, input: "." };
  const parent = dirname(protoDir);
  if (existsSync(join(parent, "buf.yaml")))
    return { cwd: parent, input: relative(parent, protoDir) || "." };
  return { cwd: protoDir, input: ".", config: inlineConfig };
}

/** Runs buf; resolves with its output when it exits with one of `okExitCodes`. */
export function runBuf(
  buf: string,
  args: string[],
  at: BufInput,
  okExitCodes: readonly number[] = [0],
): Promise<string> {
  const full = [...args, at.input, ...(at.config ? ["--config", at.config] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(buf, full, { cwd: at.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (error) => reject(new BufError(`cannot run buf (${buf}): ${error.message}`)));
    child.on("close", (code) => {
      if (code !== null && okExitCodes.includes(code)) resolve(out);
      else
        reject(new BufError(`buf ${args[0]} failed (exit ${code}) in ${at.cwd}:\n${out.trim()}`));
    });
  });
}
