/**
 * `grafana-plugin-ts build [DIR]`: turns a plugin project (src/plugin.json,
 * src/main.ts) into a Grafana plugin directory, dist/, that any go-plugin
 * host starts from its path: plugin.json and an executable
 * gpx_<name>_<os>_<arch> beside it (a node-shebang launcher of the bundled
 * plugin; `package` makes a self-contained binary instead).
 *
 * The launcher is the same CommonJS script the single executable runs, and
 * dist/package.json says "commonjs": an extensionless file is then read as
 * CommonJS by every Node version, whatever package.json sits above dist/
 * (an ESM launcher would be compiled twice by Node's syntax detection,
 * ~18 MiB more memory, or refused by older Node 20 releases).
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
import { bundleSeaScript } from "./sea-script.js";
import { entryPoint } from "./plugin-files.js";
import { executableFileName, readPluginJson } from "./plugin-json.js";

export interface BuiltPlugin {
  distDir: string;
  executable: string;
  pluginId: string;
}

export async function buildPlugin(
  projectDir: string,
  outDir = join(projectDir, "dist"),
): Promise<BuiltPlugin> {
  const src = join(projectDir, "src");
  const plugin = readPluginJson(join(src, "plugin.json"));
  const entry = entryPoint(projectDir);
  const distDir = resolve(outDir);
  mkdirSync(distDir, { recursive: true });
  const executable = join(distDir, executableFileName(plugin));
  await bundleSeaScript({ entry, outFile: executable });
  writeFileSync(executable, "#!/usr/bin/env node\n" + readFileSync(executable, "utf8"));
  chmodSync(executable, 0o755);
  writeFileSync(
    join(distDir, "package.json"),
    JSON.stringify({ type: "commonjs" }, null, 2) + "\n",
  );
  writeBuiltPluginJson(join(src, "plugin.json"), join(distDir, "plugin.json"));
  return { distDir, executable, pluginId: plugin.id };
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
