/**
 * apache-arrow, loaded on first use. A plugin needs it only for the first frame of each shape it
 * encodes (arrow-encode-reference.ts) and for decoding; loading it eagerly cost every plugin start
 * its module evaluation and heap before the handshake. Frame encoding is synchronous, so this is a
 * synchronous require, not an `import()`:
 *
 * - in a bundle (the plugin script `build` and `package` write, or a consumer's bundler) the
 *   bundler sees `require("apache-arrow")`, bundles the package behind it and evaluates it on this
 *   first call (esbuild turns `typeof require` into its own require shim, a function);
 * - unbundled, in an ES module, there is no `require`: Node's createRequire loads the package's
 *   CommonJS build.
 *
 * Only arrow's values come from here; `import type` from "apache-arrow" stays free. Everything in
 * this directory that needs arrow at run time takes it from arrowLib(), so a process holds one copy.
 */
import type * as Arrow from "apache-arrow";

export type ArrowLib = typeof Arrow;

let arrow: ArrowLib | undefined;

/** The apache-arrow module, loaded on the first call. */
export function arrowLib(): ArrowLib {
  return (arrow ??= loadArrow());
}

function loadArrow(): ArrowLib {
  if (typeof require === "function") return require("apache-arrow") as ArrowLib;
  // Not `import { createRequire } from "node:module"`: frames also run outside Node, bundled.
  const nodeModule = globalThis.process?.getBuiltinModule?.("node:module");
  if (!nodeModule)
    throw new Error(
      "cannot load apache-arrow for Arrow frames: unbundled ES modules need Node.js 20.16 or " +
        "newer (process.getBuiltinModule), or a bundler",
    );
  return nodeModule.createRequire(import.meta.url)("apache-arrow") as ArrowLib;
}
