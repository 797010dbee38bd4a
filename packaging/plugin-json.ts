/**
 * Reading and checking a backend plugin's plugin.json: Grafana loads a
 * backend plugin only when `backend` is true and a file named
 * `<executable>_<os>_<arch>` sits beside it, so those fields are validated
 * before anything is built.
 */
import { readFileSync } from "node:fs";

export interface PluginJson {
  id: string;
  type: string;
  name: string;
  backend: boolean;
  executable: string;
  [key: string]: unknown;
}

export class PluginJsonError extends Error {
  override name = "PluginJsonError";
}

const PLUGIN_TYPES = ["datasource", "app", "panel", "renderer", "secretsmanager"];

export function readPluginJson(path: string): PluginJson {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new PluginJsonError(
      `${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message}`,
    );
  }
  return validatePluginJson(raw, path);
}

export function validatePluginJson(raw: unknown, where: string): PluginJson {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new PluginJsonError(`${where}: must be a JSON object`);
  const json = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof json.id !== "string" || !/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(json.id))
    problems.push(
      `"id" must be a lower-case id like "myorg-my-datasource" (got ${JSON.stringify(json.id)})`,
    );
  if (typeof json.type !== "string" || !PLUGIN_TYPES.includes(json.type))
    problems.push(
      `"type" must be one of ${PLUGIN_TYPES.join(", ")} (got ${JSON.stringify(json.type)})`,
    );
  if (typeof json.name !== "string" || json.name === "")
    problems.push(`"name" must be a non-empty string`);
  if (json.backend !== true)
    problems.push(`"backend" must be true for a plugin with a backend executable`);
  if (typeof json.executable !== "string" || !/^gpx_[A-Za-z0-9_-]+$/.test(json.executable))
    problems.push(
      `"executable" must be "gpx_<name>" (Grafana appends _<os>_<arch>; got ${JSON.stringify(json.executable)})`,
    );
  if (problems.length > 0) throw new PluginJsonError(`${where}:\n  - ${problems.join("\n  - ")}`);
  return json as PluginJson;
}

/** Grafana's (Go's) name for an architecture: x64 → amd64. */
export function goArch(arch: string = process.arch): string {
  return arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
}

/** `gpx_name` → `gpx_name_linux_amd64`, the file Grafana starts. */
export function executableFileName(
  plugin: PluginJson,
  os: string = process.platform,
  arch: string = goArch(),
): string {
  return `${plugin.executable}_${os === "win32" ? "windows" : os}_${arch}${os === "win32" ? ".exe" : ""}`;
}
