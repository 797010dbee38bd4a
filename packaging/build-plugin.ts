/**
 * `grafana-plugin-ts build [DIR]`: turns a plugin project (src/plugin.json,
 * src/main.ts) into a Grafana plugin directory, dist/, that any go-plugin
 * host starts from its path: plugin.json and an executable
 * gpx_<name>_<os>_<arch> beside it (a node-shebang launcher of the bundled
 * plugin; `package` makes a self-contained binary instead).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundlePlugin } from "./bundle.js";
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
  const entry = join(src, "main.ts");
  if (!existsSync(entry))
    throw new Error(`${entry}: entry point not found (a plugin's main calls serve(...))`);
  const distDir = resolve(outDir);
  mkdirSync(distDir, { recursive: true });
  const executable = join(distDir, executableFileName(plugin));
  await bundlePlugin({ entry, outFile: executable, format: "esm", shebang: true });
  chmodSync(executable, 0o755);
  copyFileSync(join(src, "plugin.json"), join(distDir, "plugin.json"));
  return { distDir, executable, pluginId: plugin.id };
}
