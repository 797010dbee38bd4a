/**
 * A package's dependencies, read off what its compiled files import, with
 * the version ranges of the repository's package.json (the one place
 * versions are stated). The runtime thereby depends on exactly what runs in
 * a plugin, and a new import cannot ship without its dependency.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";

const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export class UndeclaredDependencyError extends Error {
  override name = "UndeclaredDependencyError";
}

/** Package names imported by the .js and .d.ts files under dir (builtins excluded). */
export function importedPackages(dir: string): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(js|d\.ts)$/.test(entry.name)) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
    for (const [, specifier] of text.matchAll(IMPORT)) {
      const name = packageOf(specifier!);
      if (name && !isBuiltin(name)) found.add(name);
    }
  }
  return found;
}

function packageOf(specifier: string): string | undefined {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return PACKAGE_NAME.test(name) ? name : undefined;
}

function isBuiltin(name: string): boolean {
  return name.startsWith("node:") || builtinModules.includes(name);
}

/** name → version range from the repository's package.json, for each name. */
export function versionsFor(
  names: Iterable<string>,
  repoPackage: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  packageName: string,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const range = repoPackage.dependencies?.[name] ?? repoPackage.devDependencies?.[name];
    if (!range)
      throw new UndeclaredDependencyError(
        `${packageName} imports "${name}", which the repository's package.json does not list: add it to dependencies`,
      );
    result[name] = range;
  }
  return result;
}
