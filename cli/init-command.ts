/**
 * `grafana-plugin-ts init <dir> --id <org-name-type>`: writes a new backend
 * plugin project (package.json depending on grafana-plugin-ts, tsconfig,
 * src/plugin.json, src/main.ts calling serve(), one file per capability, a
 * test that starts the built plugin through the TypeScript host, a README).
 * With --backend-only it adds the same backend to an existing
 * @grafana/create-plugin project instead, reusing its src/plugin.json and
 * building into its dist/.
 *
 * The project imports the runtime and the generated bindings from the
 * installed package (`grafana-plugin-ts/runtime`, `grafana-plugin-ts/output/…`,
 * see package.json "exports"), so bindings and runtime always come from the
 * same release.
 */
import { assertNoSymlinks } from "./init/no-symlinks.js";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import { CAPABILITIES, InitError, type Capability, type InitOptions } from "./init/options.js";
import {
  localDependencies,
  registryDependencies,
  type LibraryDependencies,
} from "./init/library-dependencies.js";
import { ownPackageJson } from "./own-package.js";
import { planBackendOnly, planFull } from "./init/plan.js";
import { usageOf } from "./usage.js";

export { CAPABILITIES, InitError, type Capability, type InitOptions } from "./init/options.js";
export { render } from "./init/templates.js";

export interface InitResult {
  dir: string;
  /** Paths written, relative to dir. */
  files: string[];
  pluginId: string;
}

const usage = usageOf("init");

export async function initCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: "string" },
      capabilities: { type: "string" },
      "backend-only": { type: "boolean" },
      force: { type: "boolean" },
      registry: { type: "boolean" },
      tracing: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new InitError(`expected one directory\n${usage}`);
  const result = await initProject({
    dir: positionals[0],
    id: values.id,
    capabilities:
      values.capabilities === undefined ? undefined : parseCapabilities(values.capabilities),
    backendOnly: values["backend-only"],
    force: values.force,
    library: values.registry ? "registry" : "local",
    tracing: values.tracing,
    progress: (step) => process.stderr.write(`… ${step}\n`),
  });
  const where = relative(process.cwd(), result.dir) || ".";
  console.log(`✓ ${result.pluginId}: wrote ${result.files.length} files in ${where}`);
  for (const file of result.files) console.log(`  ${file}`);
  const [install, test] = values["backend-only"]
    ? ["npm install", "npm run test:backend"]
    : ["npm install", "npm test"];
  console.log(`\nnext: cd ${where} && ${install} && ${test}`);
  return 0;
}

export function parseCapabilities(list: string): Capability[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(CAPABILITIES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new InitError(
      `unknown capabilit${unknown.length > 1 ? "ies" : "y"} ${unknown.join(", ")} (choose from ${CAPABILITIES.join(", ")})`,
    );
  return [...new Set(names)] as Capability[];
}

/**
 * Writes the project, formatted with prettier's defaults (what a new project
 * gets when it adds prettier); throws InitError, having written nothing, when
 * it would overwrite without --force.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir);
  const capabilities = options.capabilities ?? ["data"];
  const planWith = (library: LibraryDependencies) =>
    options.backendOnly
      ? planBackendOnly(dir, capabilities, options, library)
      : planFull(dir, capabilities, options, library);
  // Plan once with registry dependencies first: a refusal comes before any tarball is built.
  let plan = planWith(registryDependencies(ownPackageJson().version));
  if (options.library === "local")
    plan = planWith(await localDependencies(options.progress ?? (() => {})));
  assertNoSymlinks(dir, [...plan.files.keys(), ...plan.copies.keys()]);
  const formatted = await Promise.all(
    [...plan.files].map(
      async ([path, content]) => [path, await formatFile(dir, path, content)] as const,
    ),
  );
  for (const [path, content] of formatted) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const [path, source] of plan.copies) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(source, join(dir, path));
  }
  return { dir, files: [...plan.files.keys(), ...plan.copies.keys()], pluginId: plan.pluginId };
}

/**
 * Prettier formats .ts, .json and .md with the project's own settings when it
 * has them (a create-plugin project's .prettierrc.js), else prettier's
 * defaults; other files (.gitignore) are written as rendered.
 */
async function formatFile(dir: string, path: string, content: string): Promise<string> {
  if (!/\.(ts|json|md)$/.test(path)) return content;
  const filepath = join(dir, path);
  const settings = await resolveConfig(filepath);
  return format(content, { ...settings, filepath });
}
