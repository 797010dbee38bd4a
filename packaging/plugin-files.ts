/**
 * What goes into a packaged plugin directory besides the executables, and
 * the version its archives are named by. Everything here is checked before
 * anything is built, so a bad project fails before it writes a byte.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PluginJsonError, readPluginJson, type PluginJson } from "./plugin-json.js";

/** Files shipped beside plugin.json when the project has them (src/ first, then the project root). */
const DOCUMENT_FILES = ["README.md", "CHANGELOG.md", "LICENSE", "LICENSE.md", "LICENSE.txt"];
/** Directories shipped as they are: logos and screenshots plugin.json refers to. */
const ASSET_DIRS = ["img"];
/**
 * Where a project's backend entry may be: src/main.ts, or backend/main.ts,
 * where `init --backend-only` puts a create-plugin project's backend.
 */
export const ENTRY_POINTS = ["src/main.ts", "backend/main.ts"];
/** The file create-plugin's frontend build writes into dist/. */
const FRONTEND_MARKER = "module.js";

export interface PluginProject {
  plugin: PluginJson;
  /** info.version (or package.json's version when plugin.json says "%VERSION%"). */
  version: string;
  /** plugin.json as it will be shipped (placeholders filled in). */
  pluginJsonText: string;
  entry: string;
  /** dist/, when a frontend build (module.js) is there: shipped with the backend. */
  frontendDir: string | undefined;
  /** Name in the plugin directory → source path. */
  extraFiles: Map<string, string>;
  extraDirs: Map<string, string>;
}

/** The project's backend entry point (ENTRY_POINTS, first found), or an Error naming both. */
export function entryPoint(projectDir: string): string {
  const found = ENTRY_POINTS.map((p) => join(projectDir, p)).find((p) => isFile(p));
  if (!found)
    throw new Error(
      `${projectDir}: no backend entry point (${ENTRY_POINTS.join(" or ")}; a plugin's main calls serve(...))`,
    );
  return found;
}

/**
 * Reads and checks `<projectDir>/src/plugin.json` and the entry point. Throws
 * a PluginJsonError naming the field, or an Error naming the missing entry.
 * With a frontend build in dist/ (create-plugin's webpack), everything it
 * wrote ships too, and its plugin.json (placeholders already filled) wins.
 */
export function readPluginProject(projectDir: string): PluginProject {
  const src = join(projectDir, "src");
  const jsonPath = join(src, "plugin.json");
  const plugin = readPluginJson(jsonPath);
  const entry = entryPoint(projectDir);
  const version = pluginVersion(plugin, projectDir, jsonPath);
  const dist = join(projectDir, "dist");
  const frontendDir = isFile(join(dist, FRONTEND_MARKER)) ? dist : undefined;
  const builtJson = frontendDir && join(frontendDir, "plugin.json");
  // Shipped as written, except the placeholders create-plugin's webpack build fills in.
  const pluginJsonText = (
    builtJson && isFile(builtJson)
      ? readFileSync(builtJson, "utf8")
      : readFileSync(jsonPath, "utf8")
  )
    .replaceAll('"%VERSION%"', JSON.stringify(version))
    .replaceAll('"%TODAY%"', JSON.stringify(new Date().toISOString().slice(0, 10)));
  const extraFiles = new Map<string, string>();
  const extraDirs = new Map<string, string>();
  for (const name of DOCUMENT_FILES) {
    const found = [join(src, name), join(projectDir, name)].find((p) => isFile(p));
    if (found) extraFiles.set(name, found);
  }
  for (const name of ASSET_DIRS)
    if (isDirectory(join(src, name))) extraDirs.set(name, join(src, name));
  if (frontendDir)
    for (const entry of readdirSync(frontendDir, { withFileTypes: true })) {
      if (!isFrontendOutput(entry.name, plugin)) continue;
      const path = join(frontendDir, entry.name);
      (entry.isDirectory() ? extraDirs : extraFiles).set(entry.name, path);
    }
  return { plugin, version, pluginJsonText, entry, frontendDir, extraFiles, extraDirs };
}

/**
 * What in dist/ is the frontend's: not plugin.json (shipped filled in), not
 * what `build` and `package` themselves write there (executables and their
 * scripts, the packaged plugin directory and its zips).
 */
function isFrontendOutput(name: string, plugin: PluginJson): boolean {
  if (name === "plugin.json" || name === plugin.id || name.endsWith(".zip")) return false;
  return !(plugin.executable && name.startsWith(`${plugin.executable}_`));
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
