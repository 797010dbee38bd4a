/**
 * A @grafana/create-plugin 7 datasource project, scaffolded non-interactively
 * and installed once, then cached (`<cacheDir>/scaffold-<version>-r<recipe>/`)
 * so each run starts from a copy instead of a three-minute install.
 *
 * Installing it with only the npm registry reachable takes two changes to
 * the scaffold, both made before anything of ours is added and both kept as
 * small as npm allows (see installWorkarounds).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { command, type StepLog } from "./steps.js";

/** Bump when the recipe below changes, so a cached scaffold made the old way is not reused. */
const RECIPE = 1;
const ORG = "gpts";
const NAME = "check";
/** create-plugin's directory name: <org>-<name>-<type>. */
export const PROJECT = `${ORG}-${NAME}-datasource`;

/** Resolves the cached project's directory, scaffolding and installing it first if needed. */
export async function cachedScaffold(
  cacheDir: string,
  env: NodeJS.ProcessEnv,
  log: StepLog,
): Promise<string | undefined> {
  let version = "";
  const resolved = await log.run("resolve @grafana/create-plugin@7", async () => {
    const out = await command("npm", ["view", "@grafana/create-plugin@7", "version", "--json"], {
      cwd: cacheDir,
      env,
    });
    version = [JSON.parse(out)].flat().at(-1) as string;
    return version;
  });
  if (!resolved) return undefined;
  const dir = join(cacheDir, `scaffold-${version}-r${RECIPE}`);
  const project = join(dir, PROJECT);
  if (existsSync(join(dir, "complete"))) {
    log.cached("scaffold + npm install", `create-plugin@${version}, ${dir}`);
    return project;
  }
  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(join(cacheDir, "scaffold-staging-"));
  const stagedProject = join(staging, PROJECT);
  try {
    const steps = [
      () =>
        log.run(`scaffold (create-plugin@${version} generate)`, async () => {
          // Every answer as a flag (dist/commands/generate/prompt-user.js skips asked ones);
          // --no-backend, not --backend=false, which minimist reads as the truthy "false".
          await command(
            "npx",
            [
              "--yes",
              `@grafana/create-plugin@${version}`,
              "generate",
              "--plugin-type=datasource",
              "--no-backend",
              `--plugin-name=${NAME}`,
              `--org-name=${ORG}`,
            ],
            { cwd: staging, env },
          );
          return (await installWorkarounds(stagedProject)).join("; ");
        }),
      () =>
        log.run("npm install (scaffold)", async () => {
          await command("npm", ["install", "--no-audit", "--no-fund"], {
            cwd: stagedProject,
            env,
          });
        }),
    ];
    for (const step of steps) if (!(await step())) return undefined;
    await writeFile(join(staging, "complete"), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return project;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * What a create-plugin 7 scaffold needs before `npm install` works offline-ish
 * and its own `npm run build` is green; returns what was changed.
 *
 * - @grafana/ui up to 12.4.3 / 13.0.1 depends on `grafana/react-data-grid#a10c748…`,
 *   a GitHub dependency npm fetches from codeload.github.com, not the registry.
 *   Grafana later depends on the same fork published to npm as
 *   @grafana/react-data-grid@7.0.0-beta.57 (grafana/grafana#124873, backported
 *   to 12.4.4 and 13.0.2); an `overrides` entry installs that in its place.
 * - @grafana/tsconfig 2.1.0 moved to `"moduleResolution": "bundler"`, which the
 *   scaffold's ts-node block (`"module": "commonjs"`, used by webpack-cli to load
 *   webpack.config.ts) turns into TS5095, so `npm run build` fails before any
 *   backend exists (grafana/plugin-tools#2610 adds `"moduleResolution": "node"`
 *   to that block). Until the scaffold carries that fix, the devDependency is
 *   pinned to 2.0.1 (within the scaffold's own ^2.0.1; npm refuses an override
 *   of a direct dependency).
 */
async function installWorkarounds(projectDir: string): Promise<string[]> {
  const changes: string[] = [];
  const packagePath = join(projectDir, "package.json");
  const pkg = JSON.parse(await readFile(packagePath, "utf8"));
  pkg.overrides = {
    ...pkg.overrides,
    "react-data-grid": "npm:@grafana/react-data-grid@7.0.0-beta.57",
  };
  changes.push("overrides react-data-grid → @grafana/react-data-grid@7.0.0-beta.57");
  const tsNode = await readFile(join(projectDir, ".config", "tsconfig.json"), "utf8");
  if (
    pkg.devDependencies?.["@grafana/tsconfig"] &&
    !/"ts-node"[\s\S]*moduleResolution/.test(tsNode)
  ) {
    pkg.devDependencies["@grafana/tsconfig"] = "2.0.1";
    changes.push("@grafana/tsconfig pinned to 2.0.1");
  }
  await writeFile(packagePath, JSON.stringify(pkg, null, 2) + "\n");
  return changes;
}
