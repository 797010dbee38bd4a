/** `grafana-plugin-ts build [DIR...]`: build plugin directories (default: the current one). */
import { relative } from "node:path";
import { buildPlugin } from "../packaging/build-plugin.js";

export async function buildCommand(args: string[]): Promise<number> {
  const dirs = args.length > 0 ? args : ["."];
  for (const dir of dirs) {
    const started = performance.now();
    const built = await buildPlugin(dir);
    console.log(
      `✓ ${built.pluginId}: ${relative(process.cwd(), built.executable)} (${((performance.now() - started) / 1000).toFixed(2)} s)`,
    );
  }
  return 0;
}
