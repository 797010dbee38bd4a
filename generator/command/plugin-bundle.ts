/**
 * Our buf plugin, made runnable by plain `node` in a checkout. There the
 * generator is TypeScript, and starting it through tsx's loader cost about
 * 0.7 s of CPU per run (the loader's own thread, then resolving and compiling
 * every module). Instead it is bundled once with esbuild into the generate
 * cache (cache-dir.ts), named by a hash of
 * every file under generator/, so any edit to the generator makes a new bundle
 * and a stale one is never run. Packages are bundled too: tree-shaking leaves
 * out what the plugin never calls (@bufbuild/protoplugin's transpiler, which
 * loads the TypeScript compiler). `import.meta.url` keeps meaning the entry's
 * own path, so the templates and buf.gen.yaml the generator reads beside
 * itself, and ts-proto (loaded by path at run time), are found as before.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { generateCacheDir, pruneCache } from "./cache-dir.js";

const BUNDLE_KIND = "protoc-gen-grafana-plugin";

const require = createRequire(import.meta.url);

/** The plugin command to hand buf: `[node, bundle]`, or `command` unchanged when it runs compiled JS already or bundling fails. */
export async function fastPluginCommand(command: string[]): Promise<string[]> {
  const entry = command.at(-1);
  if (entry === undefined || !entry.endsWith(".ts")) return command;
  try {
    return [process.execPath, await pluginBundle(entry)];
  } catch {
    // No esbuild or no writable cache: tsx still runs the source, only slower.
    return command;
  }
}

async function pluginBundle(entry: string): Promise<string> {
  const generatorDir = dirname(entry);
  const cacheDir = generateCacheDir;
  const { version } = require("esbuild/package.json") as { version: string };
  const key = await sourcesHash(generatorDir, version);
  const bundle = join(cacheDir, `${BUNDLE_KIND}-${key}.mjs`);
  if (existsSync(bundle)) return bundle;
  // Loaded only to make a bundle, not on the runs that find one.
  const esbuild = await import("esbuild");
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so a generate running in parallel never runs half a file.
  const partial = `${bundle}.${randomBytes(4).toString("hex")}.tmp`;
  await esbuild.build({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    define: { "import.meta.url": JSON.stringify(pathToFileURL(entry).href) },
    // ts-morph carries the TypeScript compiler (bundling it would take longer than it saves);
    // it is resolved from node_modules at run time, like ts-proto.
    external: ["ts-morph"],
    logLevel: "silent",
  });
  await rename(partial, bundle);
  await pruneCache(BUNDLE_KIND);
  return bundle;
}

/**
 * One hash over the path and content of every file under the generator, the
 * bundler's version, and npm's record of the installed packages (they are
 * bundled too).
 */
async function sourcesHash(generatorDir: string, bundlerVersion: string): Promise<string> {
  const files = (await readdir(generatorDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const hash = createHash("sha256").update(`esbuild ${bundlerVersion}\0`);
  const contents = await Promise.all(files.map((f) => readFile(f)));
  files.forEach((file, i) => hash.update(`${relative(generatorDir, file)}\0`).update(contents[i]));
  const lockfile = join(dirname(generatorDir), "node_modules", ".package-lock.json");
  hash.update("\0installed\0").update(await readFile(lockfile).catch(() => ""));
  return hash.digest("hex").slice(0, 16);
}
