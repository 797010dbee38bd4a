/**
 * `grafana-plugin-ts build [DIR]`: turns a plugin project (src/plugin.json,
 * src/main.ts) into a Grafana plugin directory, dist/, that any go-plugin
 * host starts from its path: plugin.json, an executable gpx_<name>_<os>_<arch>
 * beside it and the bundled plugin it runs, gpx_<name>_<os>_<arch>.cjs (the
 * same CommonJS script a single executable runs; `package` makes one).
 *
 * The executable is a small sh launcher (node-launcher.ts) that runs the
 * script with the Node.js that built it, so the build starts with no PATH.
 * The script's .cjs extension makes Node read it as CommonJS whatever
 * package.json sits above dist/.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { nodeLauncher } from "./node-launcher.js";
import { entryPoint } from "./plugin-files.js";
import { executableFileName, readPluginJson } from "./plugin-json.js";
import { bundleSeaScript } from "./sea-script.js";

export interface BuildOptions {
  /** Default: <projectDir>/dist. */
  outDir?: string;
  /**
   * Write <script>.map and run the plugin with --enable-source-maps, so stack
   * traces name .ts lines (the `dev` loop). Off by default: with it, every
   * Error.stack Node formats costs a source map lookup.
   */
  sourcemap?: boolean;
}

export interface BuiltPlugin {
  distDir: string;
  /** The sh launcher a host starts. */
  executable: string;
  /** The bundled plugin the launcher runs. */
  script: string;
  pluginId: string;
}

export async function buildPlugin(
  projectDir: string,
  { outDir = join(projectDir, "dist"), sourcemap = false }: BuildOptions = {},
): Promise<BuiltPlugin> {
  const src = join(projectDir, "src");
  const plugin = readPluginJson(join(src, "plugin.json"));
  const entry = entryPoint(projectDir);
  const distDir = resolve(outDir);
  mkdirSync(distDir, { recursive: true });
  const executable = join(distDir, executableFileName(plugin));
  const script = `${executable}.cjs`;
  await bundleSeaScript({ entry, outFile: script, sourcemap });
  writeFileSync(
    executable,
    nodeLauncher({
      pluginId: plugin.id,
      nodeOptions: sourcemap ? ["--enable-source-maps"] : [],
    }),
  );
  chmodSync(executable, 0o755);
  writeBuiltPluginJson(join(src, "plugin.json"), join(distDir, "plugin.json"));
  return { distDir, executable, script, pluginId: plugin.id };
}

/**
 * Copies src/plugin.json into dist/, unless the frontend build already wrote
 * one there with its placeholders (`%VERSION%`, `%TODAY%`) filled in: that
 * one is kept, with the backend's fields brought up to date, so building the
 * backend after the frontend never undoes the frontend build.
 */
function writeBuiltPluginJson(sourcePath: string, builtPath: string): void {
  const source = readFileSync(sourcePath, "utf8");
  const built = existsSync(builtPath) ? readFileSync(builtPath, "utf8") : undefined;
  if (built === undefined || !PLACEHOLDER.test(source) || PLACEHOLDER.test(built)) {
    copyFileSync(sourcePath, builtPath);
    return;
  }
  const wanted = JSON.parse(source) as Record<string, unknown>;
  const kept = JSON.parse(built) as Record<string, unknown>;
  for (const field of BACKEND_FIELDS) if (field in wanted) kept[field] = wanted[field];
  writeFileSync(builtPath, JSON.stringify(kept, null, 2) + "\n");
}

const PLACEHOLDER = /"%[A-Z_]+%"/;
/** plugin.json fields a backend decides; everything else is the frontend build's. */
const BACKEND_FIELDS = ["backend", "executable", "alerting", "streaming"];
