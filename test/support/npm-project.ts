/**
 * Running npm and node in throwaway projects, offline where the npm cache
 * allows. `npm ci` of this repository caches the dependency tarballs but not
 * the registry metadata an install without a lockfile resolves versions
 * from, so on a machine whose cache never saw such an install the offline
 * attempt fails with ENOTCACHED; we then install once with --prefer-offline
 * (tarballs from the cache, metadata from the registry), which leaves the
 * cache complete for the next, offline, run.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The environment of child projects: their own vitest must not think it runs inside ours. */
export const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")),
);

export async function sh(cwd: string, command: string, args: string[]) {
  try {
    return await run(command, args, { cwd, env: childEnv, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`,
    );
  }
}

/** `npm install` in cwd (extra args: packages to add), offline when the cache allows. */
export async function npmInstall(cwd: string, extra: string[] = []) {
  const install = (mode: string) =>
    sh(cwd, "npm", ["install", mode, "--no-audit", "--no-fund", ...extra]);
  return install("--offline").catch(async (error: Error) => {
    if (!error.message.includes("ENOTCACHED")) throw error;
    console.warn(
      `[npm-project] npm cache lacks registry metadata: installing with --prefer-offline in ${cwd}`,
    );
    return install("--prefer-offline");
  });
}
