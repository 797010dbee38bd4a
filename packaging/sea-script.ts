/**
 * Bundles a plugin entry into the one CommonJS script a Node single
 * executable application (SEA) runs as its main.
 *
 * Two constraints shape it. Node 20 runs a SEA's main as a CommonJS script
 * whose `require` loads built-in modules only, so every dependency must be
 * inside the script. And a plugin's main.ts ends with a top-level
 * `await serve(...)`, which esbuild cannot emit as CommonJS. So the entry is
 * bundled as an ES module whose built-in imports are routed through
 * `require` (leaving no import/export statement in the output), and that
 * module body is wrapped in an async function: top-level await becomes an
 * ordinary await, and the result is a valid CommonJS script.
 */
import { builtinModules } from "node:module";
import { writeFile } from "node:fs/promises";
import { build, type Plugin } from "esbuild";

export interface SeaScriptOptions {
  /** The plugin's main.ts (or .js). */
  entry: string;
  outFile: string;
}

const BUILTIN_NAMESPACE = "sea-builtin";
const IMPORT_META = "__gpts_import_meta";

export async function bundleSeaScript(options: SeaScriptOptions): Promise<void> {
  const result = await build({
    entryPoints: [options.entry],
    outfile: options.outFile,
    write: false,
    metafile: true,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    plugins: [builtinsThroughRequire()],
    // A script has no import.meta; in a SEA, __filename is the executable.
    define: { "import.meta": IMPORT_META },
    logLevel: "silent",
    legalComments: "none",
    sourcemap: false,
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const statements = output.imports.filter((i) => i.kind === "import-statement");
  if (statements.length > 0 || output.exports.length > 0)
    throw new Error(
      `${options.entry}: a single executable's main must be a script: ` +
        (output.exports.length > 0
          ? `the entry exports ${output.exports.join(", ")} (move them to another module)`
          : `it still imports ${statements.map((i) => i.path).join(", ")}`),
    );
  await writeFile(options.outFile, wrapAsScript(result.outputFiles[0]!.text));
}

/**
 * `import fs from "node:fs"` → a tiny CommonJS module `module.exports = require("node:fs")`,
 * so esbuild inlines the interop instead of emitting an import statement.
 */
function builtinsThroughRequire(): Plugin {
  const builtins = new Set(builtinModules);
  const isBuiltin = (id: string) => id.startsWith("node:") || builtins.has(id.split("/")[0]!);
  return {
    name: "sea-builtins-through-require",
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        // The shim's own require() is the real, external one.
        if (args.namespace === BUILTIN_NAMESPACE) return { path: args.path, external: true };
        return { path: args.path, namespace: BUILTIN_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * The module body inside an async function. "use strict" keeps module
 * semantics; a rejection (a failed start) is reported on stderr with exit
 * code 1, as Node does for a rejected top-level await. Stdout stays
 * untouched: the go-plugin handshake must be the first line there.
 */
function wrapAsScript(module: string): string {
  return [
    "(async () => {",
    '"use strict";',
    `const ${IMPORT_META} = { url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname };`,
    module,
    "})().catch((error) => {",
    "  process.exitCode = 1;",
    "  process.stderr.write(`${error && error.stack ? error.stack : error}\\n`);",
    "});",
    "",
  ].join("\n");
}
