/**
 * Where generate keeps what it can reuse between runs (the bundled plugin, the
 * format cache, the plugins' files): `node_modules/.cache/grafana-plugin-ts` of this package, the
 * usual place for tool caches, ignored by git and removed with node_modules.
 * Everything kept there is named or checked by content hash, so a stale entry
 * is never used, and deleting the directory only costs one slower run.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const generateCacheDir = join(packageRoot, "node_modules", ".cache", "grafana-plugin-ts");

/**
 * How many entries of one kind (bundles, format caches, memos) are kept: a
 * test run generates into dozens of temporary directories, and the project's
 * own output should still find its entries afterwards (a memo is ~0.4 MB).
 */
const KEEP_PER_KIND = 24;

/**
 * Removes all but the newest entries named `<kind>-…`: tests and benches
 * generate into many temporary directories, each with its own entry. Never
 * fails (a file another run removed first is fine).
 */
export async function pruneCache(kind: string): Promise<void> {
  try {
    const names = (await readdir(generateCacheDir)).filter((n) => n.startsWith(`${kind}-`));
    if (names.length <= KEEP_PER_KIND) return;
    const dated = await Promise.all(
      names.map(async (name) => {
        const path = join(generateCacheDir, name);
        return { path, mtime: (await stat(path).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    dated.sort((a, b) => b.mtime - a.mtime);
    await Promise.all(dated.slice(KEEP_PER_KIND).map((d) => rm(d.path, { force: true })));
  } catch {
    // An unreadable cache directory has nothing to prune.
  }
}
