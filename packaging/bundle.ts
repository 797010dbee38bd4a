/**
 * Bundles a plugin's entry into one JavaScript file with esbuild: the
 * plugin, the runtime, the generated bindings and grpc-js, nothing loaded
 * from node_modules at run time. The launcher form (a node shebang) is what
 * `build` writes; `package` turns the same bundle into a single executable.
 */
import { build } from "esbuild";

export interface BundleOptions {
  entry: string;
  outFile: string;
  /** "esm" for the shebang launcher, "cjs" for Node's single executable applications. */
  format: "esm" | "cjs";
  /** Prepend `#!/usr/bin/env node`. */
  shebang: boolean;
}

export async function bundlePlugin(options: BundleOptions): Promise<void> {
  const lines: string[] = [];
  if (options.shebang) lines.push("#!/usr/bin/env node");
  // Some dependencies still call require(); give ESM bundles one.
  if (options.format === "esm")
    lines.push(
      'import { createRequire as __gpts_createRequire } from "node:module"; const require = __gpts_createRequire(import.meta.url);',
    );
  await build({
    entryPoints: [options.entry],
    outfile: options.outFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: options.format,
    banner: { js: lines.join("\n") },
    logLevel: "error",
    legalComments: "none",
    sourcemap: false,
  });
}
