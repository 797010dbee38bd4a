/**
 * Formatting only what changed. Prettier takes about two seconds over the
 * whole tree, and on a run where nothing changed every file it formats comes
 * out exactly as the file already in the output directory. So the cache
 * remembers, per output directory, the hash of each file's text before
 * formatting (salted with the prettier version and options, so an upgrade or
 * an options change formats everything again) → the hash of the formatted
 * text. When the same text comes again and the output directory still holds
 * a file with that formatted hash, that file is the answer; anything else
 * (a new input, a file edited or missing in the output) is formatted.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateCacheDir, pruneCache } from "./cache-dir.js";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

export class FormatCache {
  /** Entries this run used or added: the file is rewritten with only these, so it never grows. */
  private readonly kept = new Map<string, string>();

  private constructor(
    private readonly file: string,
    private readonly outDir: string,
    private readonly salt: string,
    private readonly known: Map<string, string>,
  ) {}

  /** The cache for `outDir`; `salt` names everything besides the text that decides the formatting. */
  static async open(outDir: string, salt: string): Promise<FormatCache> {
    const file = join(generateCacheDir, `format-${sha256(outDir).slice(0, 16)}.json`);
    let known = new Map<string, string>();
    try {
      known = new Map(Object.entries(JSON.parse(await readFile(file, "utf8")) as object));
    } catch {
      // No cache yet, or an unreadable one: format everything this time.
    }
    return new FormatCache(file, outDir, salt, known);
  }

  /** The formatted text of `input` for `path` (relative to the output directory), when the output holds it. */
  async lookup(path: string, input: string): Promise<string | undefined> {
    const key = this.key(path, input);
    const formattedHash = this.known.get(key);
    if (formattedHash === undefined) return undefined;
    const existing = await readFile(join(this.outDir, path)).catch(() => undefined);
    if (existing === undefined || sha256(existing) !== formattedHash) return undefined;
    this.kept.set(key, formattedHash);
    return existing.toString("utf8");
  }

  remember(path: string, input: string, formatted: string): void {
    this.kept.set(this.key(path, input), sha256(Buffer.from(formatted, "utf8")));
  }

  /** Writes the entries of this run; a failure to write only costs the next run its speed. */
  async save(): Promise<void> {
    try {
      await mkdir(generateCacheDir, { recursive: true });
      // Aside and renamed: two generates into one directory never leave half a file.
      const partial = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
      await writeFile(partial, JSON.stringify(Object.fromEntries(this.kept)));
      await rename(partial, this.file);
      await pruneCache("format");
    } catch {
      // Read-only install: generate still works, formatting every run.
    }
  }

  private key(path: string, input: string): string {
    return sha256(`${this.salt}\0${path}\0${input}`);
  }
}
