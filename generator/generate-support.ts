/**
 * rpc-support.ts: the helpers every adapter and client calls. Copied from
 * templates/rpc-support.ts (real, typechecked TypeScript) so output/ stays
 * free of imports from our own packages.
 */
import { readFileSync } from "node:fs";
import { SUPPORT_STEM } from "./generate-handlers.js";
import { generatedHeader } from "./header.js";
import type { GeneratedFile } from "./source-file.js";

const template = new URL("./templates/rpc-support.ts", import.meta.url);

export function generateSupport(): GeneratedFile {
  const header = generatedHeader({
    generator: "grafana-plugin-ts (support)",
    sources: ["generator/templates/rpc-support.ts"],
  });
  return { name: `${SUPPORT_STEM}.ts`, content: header + "\n" + readFileSync(template, "utf8") };
}
