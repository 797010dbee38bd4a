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
 *
 * The OpenTelemetry SDK is optional (runtime/sdk/tracing/tracing-packages.ts):
 * bundled when the project has it, else left out with one line saying so.
 */
import { builtinModules } from "node:module";
import { writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { tracingPackageRanges } from "../runtime/sdk/tracing/tracing-package-ranges.js";
import {
  installCommand,
  notInstalledMessage,
  TRACING_SDK_PACKAGES,
} from "../runtime/sdk/tracing/tracing-packages.js";

export interface SeaScriptOptions {
  /** The plugin's main.ts (or .js). */
  entry: string;
  outFile: string;
  /** Also write <outFile>.map, for `node --enable-source-maps` (stack traces with .ts lines). */
  sourcemap?: boolean;
  /** Told what the build leaves out (tracing packages not installed); default: a line on stderr. */
  notice?: (line: string) => void;
}

const BUILTIN_NAMESPACE = "sea-builtin";
const IMPORT_META = "__gpts_import_meta";
// Same extension as this module: .ts in a checkout, .js in the installed tools package.
const CONSOLE_PRELOAD = fileURLToPath(
  new URL(`../runtime/log/console-preload${extname(import.meta.url)}`, import.meta.url),
);

export async function bundleSeaScript(options: SeaScriptOptions): Promise<void> {
  const entry = resolve(options.entry);
  const tracing = optionalTracingPackages();
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
    plugins: [builtinsThroughRequire(), arrowAsModule(), tracing.plugin],
    // A script has no import.meta; in a SEA, __filename is the executable.
    define: { "import.meta": IMPORT_META },
    logLevel: "silent",
    legalComments: "none",
    sourcemap: options.sourcemap ? "external" : false,
    // Without comments and indentation the script is about 30 % smaller, and pure ASCII (esbuild
    // escapes non-ASCII in strings; comments it kept as written, and a single "§" or "’" among
    // them made V8 hold the whole source as a two-byte string): for the example datasource, a
    // 9 MiB heap string became 3.3 MiB, and start to handshake ~3 ms shorter. Names are kept
    // (no identifier renaming: `keepNames` would cost start time), so stack traces still name
    // functions. A source-mapped build (`dev`) stays readable.
    minifyWhitespace: !options.sourcemap,
    minifySyntax: !options.sourcemap,
  });
  const output = Object.entries(result.metafile.outputs).find(([p]) => !p.endsWith(".map"))![1];
  // The plugin's exports cannot leak (the entry only imports it); an import left outside could.
  const statements = output.imports.filter((i) => i.kind === "import-statement");
  if (statements.length > 0)
    throw new Error(
      `${options.entry}: a single executable's main must be a script: ` +
        `it still imports ${statements.map((i) => i.path).join(", ")}`,
    );
  if (tracing.missing.size > 0) {
    const missing = TRACING_SDK_PACKAGES.filter((name) => tracing.missing.has(name));
    (options.notice ?? ((line) => process.stderr.write(`${line}\n`)))(
      `tracing packages not installed (${missing.join(", ")}): built without tracing; ` +
        `to trace when Grafana turns tracing on: ${installCommand(missing, tracing.ranges())} and build again`,
    );
  }
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
      // Digits too: node:http2, v8.
      build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => {
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

const AGAIN = Symbol("resolving apache-arrow as an import");

/**
 * runtime/frames/arrow-lib.ts loads apache-arrow with a `require()` on first use, which would
 * bundle the package's CommonJS build. Resolved as an import instead, the bundle holds its ES
 * module build, still evaluated on that first use: 120 KB less script for the example datasource,
 * and the first frame encoded, which pays for loading it, took ~15 ms instead of ~20 (Node 24).
 */
function arrowAsModule(): Plugin {
  return {
    name: "apache-arrow-as-module",
    setup(build) {
      build.onResolve({ filter: /^apache-arrow$/ }, (args) =>
        args.kind !== "require-call" || args.pluginData === AGAIN
          ? undefined
          : build.resolve(args.path, {
              kind: "import-statement",
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: AGAIN,
            }),
      );
    },
  };
}

const MISSING_NAMESPACE = "tracing-package-not-installed";
const RESOLVING = Symbol("resolving an optional tracing package");
const RANGES_MODULE = /[\\/]runtime[\\/]sdk[\\/]tracing[\\/]tracing-package-ranges\.[jt]s$/;

/**
 * Each tracing package the project cannot resolve becomes a module that
 * throws what Node throws for a missing package (ERR_MODULE_NOT_FOUND,
 * "Cannot find package '<name>'"), so the runtime logs its "tracing disabled,
 * install …" warning when Grafana turns tracing on. Not an external import:
 * a packaged executable ships without node_modules, so one could never
 * resolve there, and how a SEA's main fails an import() differs by Node
 * version; this fails the same way in every build.
 * The runtime reads the packages' ranges from the package.json beside it
 * (tracing-package-ranges.ts); a bundle has none, so that lookup runs here,
 * on the runtime being bundled, and its answer is bundled instead.
 */
function optionalTracingPackages() {
  const missing = new Set<string>();
  let bundledRanges: Record<string, string> | undefined;
  const names = TRACING_SDK_PACKAGES.map((n) => n.replace(/[/.-]/g, "\\$&")).join("|");
  const plugin: Plugin = {
    name: "optional-tracing-packages",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names})$`) }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (found.errors.length === 0) return found;
        missing.add(args.path);
        return { path: args.path, namespace: MISSING_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: MISSING_NAMESPACE }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(notInstalledMessage(args.path))}), { code: "ERR_MODULE_NOT_FOUND" });`,
        loader: "js",
      }));
      build.onLoad({ filter: RANGES_MODULE }, (args) => {
        bundledRanges = tracingPackageRanges(pathToFileURL(args.path));
        return {
          contents: `export function tracingPackageRanges() { return ${JSON.stringify(bundledRanges)}; }`,
          loader: "js",
        };
      });
    },
  };
  // The bundled runtime's ranges; the tools' own (same release) if it was not reached.
  return { plugin, missing, ranges: () => bundledRanges ?? tracingPackageRanges() };
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
