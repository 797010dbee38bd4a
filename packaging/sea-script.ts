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
 *
 * The bundle's entry imports runtime/log/console-preload.ts before the
 * plugin's own: console output is logged, never printed on stdout, even when
 * it runs as the plugin's modules load, before serve() is called.
 */
import { builtinModules } from "node:module";
import { writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

export interface SeaScriptOptions {
  /** The plugin's main.ts (or .js). */
  entry: string;
  outFile: string;
  /** Also write <outFile>.map, for `node --enable-source-maps` (stack traces with .ts lines). */
  sourcemap?: boolean;
}

const BUILTIN_NAMESPACE = "sea-builtin";
const IMPORT_META = "__gpts_import_meta";
// Same extension as this module: .ts in a checkout, .js in the installed tools package.
const CONSOLE_PRELOAD = fileURLToPath(
  new URL(`../runtime/log/console-preload${extname(import.meta.url)}`, import.meta.url),
);

export async function bundleSeaScript(options: SeaScriptOptions): Promise<void> {
  const entry = resolve(options.entry);
  const result = await build({
    // ES modules evaluate their imports in order: the preload runs first.
    stdin: {
      contents: [CONSOLE_PRELOAD, entry].map((m) => `import ${JSON.stringify(m)};`).join("\n"),
      resolveDir: dirname(entry),
      sourcefile: "plugin-entry.js",
      loader: "js",
    },
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
    sourcemap: options.sourcemap ? "external" : false,
  });
  const output = Object.entries(result.metafile.outputs).find(([p]) => !p.endsWith(".map"))![1];
  // The plugin's exports cannot leak (the entry only imports it); an import left outside could.
  const statements = output.imports.filter((i) => i.kind === "import-statement");
  if (statements.length > 0)
    throw new Error(
      `${options.entry}: a single executable's main must be a script: ` +
        `it still imports ${statements.map((i) => i.path).join(", ")}`,
    );
  const code = result.outputFiles.find((f) => !f.path.endsWith(".map"))!.text;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"));
  if (!map) return writeFile(options.outFile, wrapAsScript(code));
  const mapFile = `${options.outFile}.map`;
  await writeFile(options.outFile, wrapAsScript(code, basename(mapFile)));
  await writeFile(mapFile, shiftSourceMap(map.text, WRAPPER_LINES_BEFORE));
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
function wrapAsScript(module: string, sourceMapFile?: string): string {
  return [
    "(async () => {",
    '"use strict";',
    `const ${IMPORT_META} = { url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname };`,
    module,
    "})().catch((error) => {",
    "  process.exitCode = 1;",
    "  process.stderr.write(`${error && error.stack ? error.stack : error}\\n`);",
    "});",
    ...(sourceMapFile ? [`//# sourceMappingURL=${sourceMapFile}`] : []),
    "",
  ].join("\n");
}

/** Lines wrapAsScript puts before the module: the source map's lines move down by as many. */
const WRAPPER_LINES_BEFORE = 3;

/** Each ";" in a source map's mappings starts a generated line: prefixing n of them shifts it n lines. */
function shiftSourceMap(map: string, lines: number): string {
  const parsed = JSON.parse(map) as { mappings: string };
  parsed.mappings = ";".repeat(lines) + parsed.mappings;
  return JSON.stringify(parsed);
}
