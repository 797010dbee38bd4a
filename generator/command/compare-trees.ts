/** Byte-for-byte comparison of two directory trees (used to report "unchanged" and for --check). */
import { readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";

export interface TreeDifference {
  added: string[];
  removed: string[];
  changed: string[];
}

export async function compareTrees(before: string, after: string): Promise<TreeDifference> {
  const a = existsSync(before) ? await list(before) : [];
  const b = await list(after);
  const inA = new Set(a.map((f) => relative(before, f)));
  const inB = new Set(b.map((f) => relative(after, f)));
  const changed: string[] = [];
  for (const name of inB) {
    if (!inA.has(name)) continue;
    const [x, y] = await Promise.all([readFile(join(before, name)), readFile(join(after, name))]);
    if (!x.equals(y)) changed.push(name);
  }
  return {
    added: [...inB].filter((n) => !inA.has(n)).sort(),
    removed: [...inA].filter((n) => !inB.has(n)).sort(),
    changed: changed.sort(),
  };
}

export function isSame(diff: TreeDifference): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

async function list(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? list(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat();
}
