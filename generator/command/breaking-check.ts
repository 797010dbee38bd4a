/**
 * Wire-breaking verdicts, from `buf breaking` (the rules in buf.yaml's
 * `breaking:` section, WIRE_JSON plus deleted rpcs and services). Every
 * generate keeps the protocol it generated from as a buf image,
 * `protocol.binpb` in the output directory (descriptors only, no source
 * info), so the next generate checks the new protos against exactly what the
 * current bindings were made from.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runBuf, type BufInput } from "./run-buf.js";

export const PROTOCOL_IMAGE = "protocol.binpb";

export interface BreakingFinding {
  /** Proto file and position in the new protocol, `pluginv2/backend.proto:433:3`. */
  where: string;
  /** buf's rule id, e.g. `FIELD_WIRE_JSON_COMPATIBLE_TYPE`. */
  rule: string;
  message: string;
}

/** buf exits 100 when it found breaking changes (and writes them), 0 when none. */
const BUF_FOUND_BREAKING = 100;

export async function writeProtocolImage(buf: string, at: BufInput, outDir: string): Promise<void> {
  await runBuf(buf, ["build", "-o", join(outDir, PROTOCOL_IMAGE), "--exclude-source-info"], at);
}

/** Findings against the previous image, or undefined when there is none to compare with. */
export async function breakingAgainst(
  buf: string,
  at: BufInput,
  previousOutDir: string,
): Promise<BreakingFinding[] | undefined> {
  const previous = join(previousOutDir, PROTOCOL_IMAGE);
  if (!existsSync(previous)) return undefined;
  const out = await runBuf(buf, ["breaking", "--against", previous, "--error-format", "json"], at, [
    0,
    BUF_FOUND_BREAKING,
  ]);
  return out
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => {
      const f = JSON.parse(line) as {
        path: string;
        start_line: number;
        start_column: number;
        type: string;
        message: string;
      };
      return {
        where: `${f.path}:${f.start_line}:${f.start_column}`,
        rule: f.type,
        // buf appends links to the protobuf docs; the rule id says the same.
        message: f.message.replace(/ See https:\/\/\S+.*$/, ""),
      };
    });
}
