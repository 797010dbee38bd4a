/**
 * What goes into a packaged plugin directory besides the executables, and
 * the version its archives are named by. Everything here is checked before
 * anything is built, so a bad project fails before it writes a byte.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PluginJsonError, readPluginJson, type PluginJson } from "./plugin-json.js";

/** Files shipped beside plugin.json when the project has them (src/ first, then the project root). */
const DOCUMENT_FILES = ["README.md", "CHANGELOG.md", "LICENSE", "LICENSE.md", "LICENSE.txt"];
/** Directories shipped as they are: logos and screenshots plugin.json refers to. */
const ASSET_DIRS = ["img"];

export interface PluginProject {
  plugin: PluginJson;
  /** info.version (or package.json's version when plugin.json says "%VERSION%"). */
  version: string;
  /** plugin.json as it will be shipped (placeholders filled in). */
  pluginJsonText: string;
  entry: string;
  /** Name in the plugin directory → source path. */
  extraFiles: Map<string, string>;
  extraDirs: Map<string, string>;
}

/**
 * Reads and checks `<projectDir>/src/plugin.json` and `src/main.ts`. Throws a
 * PluginJsonError naming the field, or an Error naming the missing entry.
 */
export function readPluginProject(projectDir: string): PluginProject {
  const src = join(projectDir, "src");
  const jsonPath = join(src, "plugin.json");
  const plugin = readPluginJson(jsonPath);
  const entry = join(src, "main.ts");
  if (!existsSync(entry))
    throw new Error(`${entry}: entry point not found (a plugin's main calls serve(...))`);
  const version = pluginVersion(plugin, projectDir, jsonPath);
  // Shipped as written, except the placeholders create-plugin's webpack build fills in.
  const pluginJsonText = readFileSync(jsonPath, "utf8")
    .replaceAll('"%VERSION%"', JSON.stringify(version))
    .replaceAll('"%TODAY%"', JSON.stringify(new Date().toISOString().slice(0, 10)));
  const extraFiles = new Map<string, string>();
  for (const name of DOCUMENT_FILES) {
    const found = [join(src, name), join(projectDir, name)].find((p) => isFile(p));
    if (found) extraFiles.set(name, found);
  }
  const extraDirs = new Map<string, string>();
  for (const name of ASSET_DIRS)
    if (isDirectory(join(src, name))) extraDirs.set(name, join(src, name));
  return { plugin, version, pluginJsonText, entry, extraFiles, extraDirs };
}

function pluginVersion(plugin: PluginJson, projectDir: string, where: string): string {
  const info = plugin.info;
  const declared =
    typeof info === "object" && info !== null
      ? (info as Record<string, unknown>).version
      : undefined;
  let version = declared;
  // Grafana's create-plugin templates write "%VERSION%" and fill it from package.json.
  if (declared === "%VERSION%") version = packageVersion(projectDir);
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(version))
    throw new PluginJsonError(
      `${where}:\n  - "info.version" must be a semantic version like "1.2.3" (got ${JSON.stringify(declared)}); ` +
        `the archive is named <id>-<version>.linux_<arch>.zip`,
    );
  return version;
}

function packageVersion(projectDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
