// The whole newcomer path, for real: pack this repository as npm would
// publish it, `init` a project in a temp dir, install it from the tarball and
// run the project's own `npm test` (which builds the plugin and calls it
// through the TypeScript go-plugin host). Offline: dependencies come from the
// npm cache. `npm ci` of this repository caches their tarballs but not the
// registry metadata an install without a lockfile resolves versions from, so
// on a machine whose cache has never seen a plain `npm install` the offline
// install fails with ENOTCACHED; the test then installs once with
// --prefer-offline (tarballs from the cache, metadata from the registry),
// which leaves the cache complete for the next, offline, run.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/example-plugin.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "gpts-roundtrip-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The project's own vitest must not think it runs inside ours.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")),
);

async function sh(cwd: string, command: string, args: string[]) {
  try {
    return await run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`,
    );
  }
}

describe("init round trip: npm pack → init → npm install --offline → npm test", () => {
  it("produces a project whose own tests pass", async () => {
    await sh(REPO_ROOT, "npm", ["pack", "--pack-destination", work]);
    const tarball = join(
      work,
      readdirSync(work).find((f) => f.endsWith(".tgz"))!,
    );
    await sh(work, "node", [
      join(REPO_ROOT, "bin", "grafana-plugin-ts.js"),
      "init",
      "my-plugin",
      "--id",
      "myorg-my-datasource",
      "--capabilities",
      "data,resource,stream",
    ]);
    const project = join(work, "my-plugin");
    const install = (mode: string) =>
      sh(project, "npm", ["install", mode, "--no-audit", "--no-fund", tarball]);
    await install("--offline").catch(async (error: Error) => {
      if (!error.message.includes("ENOTCACHED")) throw error;
      console.warn(
        "[init-roundtrip] npm cache lacks registry metadata: installing with --prefer-offline",
      );
      await install("--prefer-offline");
    });
    const test = await sh(project, "npm", ["test"]);
    expect(test.stdout).toMatch(/Tests\s+.*2 passed/);
    const built = readdirSync(join(project, "dist"));
    expect(built).toContain("plugin.json");
    expect(built.some((f) => f.startsWith("gpx_my_plugin_"))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    expect(pkg.dependencies["grafana-plugin-ts"]).toMatch(/^file:.*\.tgz$/);
  }, 300_000);
});
