/**
 * The files buf's plugins wrote, remembered by everything they are made from,
 * so a run whose inputs have not changed skips `buf generate` (ts-proto alone
 * costs about a second of CPU, our plugin half of one). The key hashes:
 *
 * - every file of the proto input, and the buf.yaml/buf.lock that govern it;
 * - the generation template, which names the plugin commands and options
 *   (our plugin's bundle is named by a hash of the generator's sources);
 * - the glue config's content;
 * - the installed packages, through npm's `node_modules/.package-lock.json`
 *   (ts-proto, its formatter, buf, protobuf-es: any reinstall changes it).
 *
 * When one of these cannot be read for certain (no npm lockfile, a buf
 * workspace of several modules whose protos may import each other, or our
 * plugin run from source through tsx) there is no key, and buf runs as
 * always. One entry per output directory is kept (the newest few directories).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, utimes, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { generateCacheDir, pruneCache } from "./cache-dir.js";
import type { BufInput } from "./run-buf.js";

export interface MemoInputs {
  at: BufInput;
  /** The template as buf gets it, with the output directory left out (it changes every run). */
  template: string;
  configPath: string | undefined;
  grafanaPlugin: string[];
  tsProtoPlugin: string;
}

interface Entry {
  key: string;
  /** Path relative to the output directory → content, as the plugins wrote it. */
  files: Record<string, string>;
}

const sha256 = () => createHash("sha256");

export class GenerateMemo {
  private constructor(
    private readonly file: string,
    readonly key: string | undefined,
  ) {}

  static async open(outDir: string, inputs: MemoInputs): Promise<GenerateMemo> {
    const file = join(
      generateCacheDir,
      `generated-${sha256().update(outDir).digest("hex").slice(0, 16)}.json`,
    );
    return new GenerateMemo(file, await memoKey(inputs).catch(() => undefined));
  }

  /** Writes the remembered files into `dir`; false when there are none for this key. */
  async restore(dir: string): Promise<boolean> {
    if (this.key === undefined) return false;
    let entry: Entry;
    try {
      entry = JSON.parse(await readFile(this.file, "utf8")) as Entry;
    } catch {
      return false;
    }
    if (entry.key !== this.key) return false;
    // Recently used, so pruning (which keeps the newest entries) keeps it.
    await utimes(this.file, new Date(), new Date()).catch(() => undefined);
    await Promise.all(
      Object.entries(entry.files).map(async ([path, content]) => {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }),
    );
    return true;
  }

  /** Remembers the text files in `dir` except `skip`; a failure only costs the next run its speed. */
  async store(dir: string, skip: string[]): Promise<void> {
    if (this.key === undefined) return;
    try {
      const paths = (await listFiles(dir)).filter((p) => !skip.includes(p));
      const contents = await Promise.all(paths.map((p) => readFile(join(dir, p), "utf8")));
      const entry: Entry = {
        key: this.key,
        files: Object.fromEntries(paths.map((p, i) => [p, contents[i]!])),
      };
      await mkdir(generateCacheDir, { recursive: true });
      const partial = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
      await writeFile(partial, JSON.stringify(entry));
      await rename(partial, this.file);
      await pruneCache("generated");
    } catch {
      // Read-only install: buf runs every time.
    }
  }
}

async function memoKey(inputs: MemoInputs): Promise<string | undefined> {
  const pluginEntry = inputs.grafanaPlugin.at(-1) ?? "";
  if (pluginEntry.endsWith(".ts")) return undefined;
  const lockfile = npmLockfile(inputs.tsProtoPlugin);
  if (lockfile === undefined) return undefined;
  const { cwd, input } = inputs.at;
  const bufYaml = await readFile(join(cwd, "buf.yaml"), "utf8").catch(() => "");
  if ((bufYaml.match(/^\s*-\s*path:/gm) ?? []).length > 1) return undefined;
  const hash = sha256();
  const part = (name: string, data: string | Buffer) =>
    hash.update(`${name}\0${data.length}\0`).update(data);
  part("template", inputs.template);
  part("inline config", inputs.at.config ?? "");
  part("buf.yaml", bufYaml);
  part("buf.lock", await readFile(join(cwd, "buf.lock")).catch(() => ""));
  part("glue config", inputs.configPath ? await readFile(inputs.configPath) : "");
  part("lockfile", await readFile(lockfile));
  const protoRoot = join(cwd, input);
  for (const path of (await listFiles(protoRoot)).sort())
    part(`proto ${path}`, await readFile(join(protoRoot, path)));
  return hash.digest("hex");
}

/** npm's record of what is installed, in the node_modules that holds ts-proto. */
function npmLockfile(tsProtoPlugin: string): string | undefined {
  const parts = tsProtoPlugin.split(sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const path = join(parts.slice(0, at + 1).join(sep) || sep, ".package-lock.json");
  return existsSync(path) ? path : undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}
