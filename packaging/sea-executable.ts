/**
 * Turns a bundled script into a Node single executable application (SEA):
 * a copy of a Node.js binary with the script injected, which runs with no
 * Node.js installed (https://nodejs.org/api/single-executable-applications.html).
 *
 * 1. sea-config.json → `node --experimental-sea-config` writes the blob
 *    (script, plus a code cache when the target is this machine's arch).
 *    The blob format is tied to one Node version, so the blob is made by a
 *    binary of the embedded one's version that runs here: the embedded one
 *    itself, or for another arch the same version for this arch. Node's
 *    docs: a code cache or snapshot loads only on the platform that made
 *    it, so a blob for another arch has neither.
 * 2. Copy the Node binary to embed (optionally stripped of its symbols).
 * 3. postject writes the blob into a NODE_SEA_BLOB ELF note and flips the
 *    fuse, so the binary runs the blob instead of acting as `node`.
 * 4. The result is written out in small writes (copyInSmallWrites: RSS).
 * Linux binaries carry no signature to remove (macOS and Windows would).
 */
import { execFile } from "node:child_process";
import { chmod, copyFile, open, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** The fuse string compiled into every SEA-capable Node binary. */
export const SEA_SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** The ELF note the blob goes into; Node looks it up by this name. */
export const SEA_RESOURCE_NAME = "NODE_SEA_BLOB";

export interface SeaExecutableOptions {
  /** The CommonJS script to run (see sea-script.ts). */
  script: string;
  outFile: string;
  /** The Node.js binary to embed, for the target architecture. */
  nodeBinary: string;
  /** A binary of the same Node.js version that runs here; it makes the blob. Default: nodeBinary. */
  blobMaker?: string;
  /** Compiled code in the blob; only when the target is this machine's arch. Default true. */
  useCodeCache?: boolean;
  /** Node.js options the executable always starts with (read by Node 24: checked with 24.22.3). */
  execArgv?: string[];
  /** A strip for the target arch (strip-tool.ts): embed the binary without its symbols. */
  stripWith?: string;
  /** Scratch directory for sea-config.json and the blob. */
  workDir: string;
}

export async function buildSeaExecutable(options: SeaExecutableOptions): Promise<void> {
  await checkSeaCapable(options.nodeBinary);
  const blobMaker = options.blobMaker ?? options.nodeBinary;
  const config = join(options.workDir, "sea-config.json");
  const blob = join(options.workDir, "sea-prep.blob");
  await writeFile(
    config,
    JSON.stringify({
      main: options.script,
      output: blob,
      // Nothing but the handshake may reach stdout first; the warning goes to stderr,
      // but a plugin's stderr is its log stream, so keep it clean too.
      disableExperimentalSEAWarning: true,
      // Compiled code in the blob: about 20 % faster start for ~10 % more blob.
      useCodeCache: options.useCodeCache ?? true,
      useSnapshot: false,
      ...(options.execArgv?.length ? { execArgv: options.execArgv } : {}),
    }),
  );
  await run(blobMaker, ["--experimental-sea-config", config], options.workDir);
  const injected = join(options.workDir, "sea-executable");
  if (options.stripWith)
    await run(options.stripWith, ["-o", injected, options.nodeBinary], options.workDir);
  else await copyFile(options.nodeBinary, injected);
  await run(
    process.execPath,
    [postjectCli(), injected, SEA_RESOURCE_NAME, blob, "--sentinel-fuse", SEA_SENTINEL_FUSE],
    options.workDir,
  );
  await copyInSmallWrites(injected, options.outFile);
  await chmod(options.outFile, 0o755);
}

/** Bytes per write when the executable is written out: see copyInSmallWrites. */
const WRITE_CHUNK = 64 << 10;

/**
 * postject writes the executable in 512 KiB writes (fs.writeFile's chunks), and Linux (6.x, ext4
 * and others with large folios) keeps a file written that way in page-cache folios as large: a
 * page fault of the process running it then maps the whole folio around the page it needs. An
 * executable started straight from dist/ carried 16 MiB more RSS than the same bytes written in
 * 64 KiB pieces, as unzip, Grafana's plugin installer or a copy write them, or read back from disk
 * once the cache is dropped (example datasource, Node 24: RssFile 64 → 48 MiB). So the finished
 * binary is written out again in small writes.
 */
async function copyInSmallWrites(from: string, to: string): Promise<void> {
  const source = await open(from, "r");
  const target = await open(to, "w");
  try {
    const chunk = Buffer.allocUnsafe(WRITE_CHUNK);
    for (;;) {
      const { bytesRead } = await source.read(chunk, 0, WRITE_CHUNK, null);
      if (bytesRead === 0) break;
      for (let at = 0; at < bytesRead;)
        at += (await target.write(chunk, at, bytesRead - at)).bytesWritten;
    }
  } finally {
    await source.close();
    await target.close();
  }
}

/**
 * A binary without the fuse cannot become a SEA: Node.js before 18.16, or a
 * build whose runtime lives in a shared libnode (Debian's and Ubuntu's
 * nodejs packages), which would not be self-contained anyway.
 */
async function checkSeaCapable(nodeBinary: string): Promise<void> {
  if ((await readFile(nodeBinary)).includes(SEA_SENTINEL_FUSE)) return;
  throw new Error(
    `${nodeBinary} cannot be made into a single executable: it has no ${SEA_SENTINEL_FUSE} ` +
      `(Node.js older than 18.16, or a build with a shared libnode such as Debian's nodejs package); ` +
      `run package with an official Node.js build (nodejs.org, NodeSource, nvm)`,
  );
}

function postjectCli(): string {
  return createRequire(import.meta.url).resolve("postject/dist/cli.js");
}

async function run(command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileP(command, args, { cwd, maxBuffer: 16 << 20 });
  } catch (error) {
    const { stderr, stdout, message } = error as {
      stderr?: string;
      stdout?: string;
      message: string;
    };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stderr || stdout || message}`);
  }
}
