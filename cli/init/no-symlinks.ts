/**
 * init never writes through a symbolic link: a link (even a dangling one) at
 * a file it writes, or at a directory on the way there, could send the write
 * anywhere the user can write. Checked for every file before any is written.
 */
import { lstatSync } from "node:fs";
import { join, sep } from "node:path";
import { InitError } from "./options.js";

/** True when `path` exists as anything, a dangling symlink included. */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function assertNoSymlinks(dir: string, files: Iterable<string>): void {
  for (const file of files) {
    const parts = file.split(/[\\/]/);
    for (let i = 1; i <= parts.length; i++) {
      const at = join(dir, ...parts.slice(0, i));
      let isLink = false;
      try {
        isLink = lstatSync(at).isSymbolicLink();
      } catch {
        break; // does not exist yet: nothing below it does either
      }
      if (isLink)
        throw new InitError(
          `refusing to write ${file}: ${parts.slice(0, i).join(sep)} is a symbolic link (remove it or write the project elsewhere)`,
        );
    }
  }
}
