/**
 * Atomic replacement of the output directory: the new tree is complete
 * before it is swapped in with two renames, so a failed run leaves the old
 * output untouched and a reader never sees a half-written tree.
 */
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { existsSync } from "node:fs";

/**
 * A scratch directory beside `target` (same filesystem, so rename is atomic).
 * Creates `target`'s parent directories, so `--out` may name a new path.
 */
export async function scratchBeside(target: string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  return mkdtemp(join(dirname(target), `.${basename(target)}.new-`));
}

export async function swapInto(target: string, fresh: string): Promise<void> {
  const old = `${fresh}.old`;
  const hadOld = existsSync(target);
  if (hadOld) await rename(target, old);
  try {
    await rename(fresh, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
