/**
 * buf.gen.yaml, read: the single statement of the plugins buf runs and their
 * options. The generate command derives its template from it and the plugin
 * derives ts-proto's naming options from it, so neither can drift from what
 * the file says. The file is YAML in JSON-compatible flow style (comments
 * aside), so no YAML parser is needed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BufGenPlugin {
  local: string | string[];
  out: string;
  strategy?: string;
  opt?: string[];
}

export interface BufGenTemplate {
  version: string;
  plugins: BufGenPlugin[];
}

export const bufGenPath = fileURLToPath(new URL("../buf.gen.yaml", import.meta.url));

let cached: BufGenTemplate | undefined;

export function readBufGen(path = bufGenPath): BufGenTemplate {
  if (path === bufGenPath && cached) return cached;
  const text = readFileSync(path, "utf8");
  const json = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
  let parsed: BufGenTemplate;
  try {
    parsed = JSON.parse(json) as BufGenTemplate;
  } catch (error) {
    throw new Error(
      `${path}: must be YAML in JSON flow style (comment lines start with #): ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(parsed.plugins) || parsed.plugins.length !== 2)
    throw new Error(`${path}: expected two plugins, ts-proto then grafana-plugin-ts`);
  if (path === bufGenPath) cached = parsed;
  return parsed;
}

const pluginCommand = (p: BufGenPlugin) => [p.local].flat().join(" ");

/** The entry running ts-proto. */
export function tsProtoPlugin(template = readBufGen()): BufGenPlugin {
  const found = template.plugins.find((p) => pluginCommand(p).includes("protoc-gen-ts_proto"));
  if (!found) throw new Error(`${bufGenPath}: no plugin entry runs protoc-gen-ts_proto`);
  return found;
}

/** The entry running our plugin. */
export function grafanaPluginEntry(template = readBufGen()): BufGenPlugin {
  const found = template.plugins.find((p) =>
    pluginCommand(p).includes("protoc-gen-grafana-plugin"),
  );
  if (!found) throw new Error(`${bufGenPath}: no plugin entry runs protoc-gen-grafana-plugin`);
  return found;
}

/** The options ts-proto runs with (buf.gen.yaml says why). */
export function tsProtoOptions(): string[] {
  return tsProtoPlugin().opt ?? [];
}
