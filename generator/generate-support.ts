/**
 * The runtime helpers generated code calls, copied verbatim from
 * generator/templates/ (real, typechecked TypeScript) so output/ stays free of
 * imports from our own packages: rpc-support.ts (what every adapter and
 * client calls) and wire-check.ts (the strict wire walk rpc-support runs on
 * every incoming message, with the tables in wire-tables.ts).
 */
import { readFileSync } from "node:fs";
import { SUPPORT_STEM } from "./generate-handlers.js";
import { WIRE_CHECK_STEM } from "./generate-wire-tables.js";
import { generatedHeader } from "./header.js";
import type { GeneratedFile } from "./source-file.js";

function copyTemplate(stem: string): GeneratedFile {
  const source = `generator/templates/${stem}.ts`;
  const header = generatedHeader({ generator: "grafana-plugin-ts (support)", sources: [source] });
  const template = new URL(`./templates/${stem}.ts`, import.meta.url);
  return { name: `${stem}.ts`, content: header + "\n" + readFileSync(template, "utf8") };
}

export function generateSupport(): GeneratedFile[] {
  return [copyTemplate(SUPPORT_STEM), copyTemplate(WIRE_CHECK_STEM)];
}
