/** Where the example datasource and its built executable live (built by test/global-setup.ts). */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { executableFileName, readPluginJson } from "../../packaging/plugin-json.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE_DIR = join(REPO_ROOT, "examples", "timeseries-datasource");

export function exampleExecutable(): string {
  const plugin = readPluginJson(join(EXAMPLE_DIR, "src", "plugin.json"));
  return join(EXAMPLE_DIR, "dist", executableFileName(plugin));
}
