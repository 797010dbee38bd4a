/**
 * The executable of a development build: a POSIX sh script that runs the
 * bundled plugin (beside it, same name + ".cjs") with the Node.js that built
 * it, by absolute path. A `#!/usr/bin/env node` line would need PATH, and a
 * go-plugin host with SkipHostEnv (Grafana's plugins.skip_host_env_vars)
 * starts plugins with none: env(1) then finds node only in /bin or /usr/bin
 * and exits 127. /bin/sh is the one interpreter every Linux host has.
 *
 * When that node is gone (the build was copied to another machine, nvm
 * switched versions), the first node on PATH runs it; when there is none, the
 * launcher says so in an hclog line, which Grafana logs, and exits 127 as
 * env(1) would.
 */

import { PLUGIN_NODE_OPTIONS } from "./plugin-node-options.js";

export interface NodeLauncherOptions {
  /** The plugin id, for the error message. */
  pluginId: string;
  /** Absolute path of the Node.js binary to run; default: the one running this. */
  nodePath?: string;
  /** Node.js options before the script, after PLUGIN_NODE_OPTIONS (e.g. --enable-source-maps). */
  nodeOptions?: string[];
}

/** The launcher's text. `"$0.cjs"` works whichever path the host started it by. */
export function nodeLauncher(options: NodeLauncherOptions): string {
  const nodePath = options.nodePath ?? process.execPath;
  const nodeOptions = [...PLUGIN_NODE_OPTIONS, ...(options.nodeOptions ?? [])];
  const args = [...nodeOptions.map(shellQuote), '"$0.cjs"', '"$@"'].join(" ");
  return [
    "#!/bin/sh",
    `# Written by grafana-plugin-ts build: runs ${options.pluginId}'s bundled plugin with the`,
    "# Node.js that built it (by absolute path: hosts may give plugins no PATH).",
    `node=${shellQuote(nodePath)}`,
    'if [ ! -x "$node" ]; then',
    "  node=$(command -v node) || {",
    `    printf '%s\\n' ${shellQuote(missingNodeLine(options.pluginId, nodePath))} >&2`,
    "    exit 127",
    "  }",
    "fi",
    `exec "$node" ${args}`,
    "",
  ].join("\n");
}

/** The hclog error line the launcher prints when no node can be found. */
export function missingNodeLine(pluginId: string, nodePath: string): string {
  return JSON.stringify({
    "@level": "error",
    "@message": `cannot start ${pluginId}: ${nodePath}, the Node.js that built it, is not there and no node is on PATH`,
    "@module": "plugin.launcher",
    fix:
      "run `grafana-plugin-ts build` again on this machine, or give the plugin a PATH with node on it, " +
      "or ship `grafana-plugin-ts package`, a single executable that needs no Node.js",
  });
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
