/**
 * Builds the runtime and tools packages from a checkout: compiles each with
 * its packages/<dir>/tsconfig.json into dist/packages/<dir>, copies assets,
 * writes the package.json npm will publish (version and dependency ranges
 * from the repository's package.json) and packs both tarballs.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  BUNDLED_LIBRARY_DIR,
  RUNTIME_PACKAGE,
  TOOLS_PACKAGE,
  type LibraryPackage,
} from "./library-packages.js";
import { importedPackages, versionsFor } from "./package-dependencies.js";

const run = promisify(execFile);

export interface LibraryTarballs {
  runtime: string;
  tools: string;
}

export interface BuildLibraryOptions {
  repoRoot: string;
  /** Staging folders and tarballs go here (default <repoRoot>/dist/packages). */
  out?: string;
  progress?: (step: string) => void;
}

export class LibraryBuildError extends Error {
  override name = "LibraryBuildError";
}

export async function buildLibrary(options: BuildLibraryOptions): Promise<LibraryTarballs> {
  const { repoRoot } = options;
  const out = options.out ?? join(repoRoot, "dist", "packages");
  const progress = options.progress ?? (() => {});
  const repoPackage = readJson(join(repoRoot, "package.json"));
  const packages = [RUNTIME_PACKAGE, TOOLS_PACKAGE];
  for (const pkg of packages) rmSync(join(out, pkg.dir), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  progress("compiling runtime and tools (tsc)");
  await Promise.all(packages.map((pkg) => compile(repoRoot, pkg, join(out, pkg.dir))));

  const runtime = await stageAndPack(repoRoot, out, RUNTIME_PACKAGE, repoPackage, progress);
  const bundled = join(out, TOOLS_PACKAGE.dir, BUNDLED_LIBRARY_DIR);
  mkdirSync(bundled, { recursive: true });
  cpSync(runtime, join(bundled, runtime.split("/").pop()!));
  const tools = await stageAndPack(repoRoot, out, TOOLS_PACKAGE, repoPackage, progress);
  return { runtime, tools };
}

async function compile(repoRoot: string, pkg: LibraryPackage, outDir: string): Promise<void> {
  const tsc = createRequire(join(repoRoot, "package.json")).resolve("typescript/bin/tsc");
  const project = join(repoRoot, "packages", pkg.dir, "tsconfig.json");
  try {
    await run(process.execPath, [tsc, "-p", project, "--outDir", outDir], {
      cwd: repoRoot,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const e = error as { stdout?: string; message: string };
    throw new LibraryBuildError(`compiling ${project} failed:\n${e.stdout || e.message}`);
  }
}

async function stageAndPack(
  repoRoot: string,
  out: string,
  pkg: LibraryPackage,
  repoPackage: Record<string, any>,
  progress: (step: string) => void,
): Promise<string> {
  const staged = join(out, pkg.dir);
  for (const asset of pkg.assets)
    cpSync(join(repoRoot, asset), join(staged, asset), { recursive: true });
  if (existsSync(join(staged, "bin")))
    chmodSync(join(staged, "bin", "grafana-plugin-ts.js"), 0o755);
  cpSync(join(repoRoot, "packages", pkg.dir, "README.md"), join(staged, "README.md"));

  const template = readJson(join(repoRoot, "packages", pkg.dir, "package.json"));
  const imported = importedPackages(staged);
  const names = new Set([...imported, ...Object.keys(template.dependencies ?? {})]);
  const { dependencies, optionalPeers } = splitOptionalPeers(names, pkg, imported, template.name);
  const manifest = {
    ...template,
    version: repoPackage.version,
    dependencies: versionsFor(dependencies, repoPackage, template.name),
    peerDependencies: versionsFor(optionalPeers, repoPackage, template.name),
    peerDependenciesMeta: Object.fromEntries(optionalPeers.map((n) => [n, { optional: true }])),
    ...(template.devDependencies && {
      devDependencies: versionsFor(
        Object.keys(template.devDependencies),
        repoPackage,
        template.name,
      ),
    }),
  };
  delete manifest.$comment;
  writeFileSync(join(staged, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

  progress(`packing ${template.name}@${manifest.version}`);
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", out], {
    cwd: staged,
    maxBuffer: 16 << 20,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  return join(out, packed!.filename);
}

/**
 * The package's dependencies apart from its optional peers. Every optional
 * peer must still be imported: a stale list would publish a peer nothing
 * loads, or hide a dependency that is no longer optional.
 */
function splitOptionalPeers(
  names: Set<string>,
  pkg: LibraryPackage,
  imported: Set<string>,
  packageName: string,
): { dependencies: string[]; optionalPeers: string[] } {
  const unused = pkg.optionalPeers.filter((name) => !imported.has(name));
  if (unused.length > 0)
    throw new LibraryBuildError(
      `${packageName}: optional peers ${unused.join(", ")} are not imported by its compiled files: update runtime/sdk/tracing/tracing-packages.ts`,
    );
  return {
    dependencies: [...names].filter((name) => !pkg.optionalPeers.includes(name)),
    optionalPeers: [...pkg.optionalPeers].sort(),
  };
}

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, "utf8"));
}
