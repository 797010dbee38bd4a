/**
 * What `init` will write, decided before anything is written: every file's
 * path and content, so a refusal (bad id, existing files) leaves the
 * directory untouched.
 */
import { entryExists } from "./no-symlinks.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  addBackendToPackageJson,
  checkId,
  fullPackageJson,
  newPluginJson,
  tracingInstallCommand,
  type PluginKind,
} from "./manifests.js";
import type { LibraryDependencies } from "./library-dependencies.js";
import { slug, snake, titleCase } from "./names.js";
import { CAPABILITIES, InitError, type Capability, type InitOptions } from "./options.js";
import { render, type Vars } from "./templates.js";

export interface Plan {
  pluginId: string;
  /** Path relative to the project directory → content, unformatted. */
  files: Map<string, string>;
  /** Path relative to the project directory → file to copy there (vendored tarballs). */
  copies: Map<string, string>;
}

/** A new project in `dir`, which must be empty unless options.force. */
export function planFull(
  dir: string,
  capabilities: Capability[],
  options: InitOptions,
  library: LibraryDependencies,
): Plan {
  if (!options.id)
    throw new InitError(`--id is required (e.g. --id myorg-${slug(basename(dir))}-datasource)`);
  const id = checkId(options.id);
  const kind: PluginKind = id.endsWith("-app") ? "app" : "datasource";
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force)
    throw new InitError(`${dir} is not empty (use --force to write into it anyway)`);
  const name = basename(dir);
  const executable = `gpx_${snake(name)}`;
  const vars = variables({
    id,
    kind,
    displayName: titleCase(name),
    executable,
    backendOnly: false,
    capabilities,
    tracing: options.tracing ?? false,
  });
  const files = new Map<string, string>([
    ["package.json", json(fullPackageJson(slug(name), library, options.tracing))],
    ["tsconfig.json", render("tsconfig.json.tmpl", vars)],
    ["vitest.config.ts", render("vitest.config.ts.tmpl", vars)],
    [".gitignore", render("gitignore.tmpl", vars)],
    ["README.md", render("README.md.tmpl", vars)],
    ["src/plugin.json", json(newPluginJson(id, kind, titleCase(name), executable, capabilities))],
    ["src/main.ts", render("src/main.ts.tmpl", vars)],
    ...sourceFiles("src", capabilities, vars),
    ["test/plugin.test.ts", render("test/plugin.test.ts.tmpl", vars)],
  ]);
  return { pluginId: id, files, copies: library.vendored };
}

/**
 * A backend added to the @grafana/create-plugin project in `dir`: its own
 * backend files beside the frontend's, and its package.json and
 * src/plugin.json updated.
 */
export function planBackendOnly(
  dir: string,
  capabilities: Capability[],
  options: InitOptions,
  library: LibraryDependencies,
): Plan {
  const pluginJsonPath = join(dir, "src", "plugin.json");
  const packageJsonPath = join(dir, "package.json");
  if (!existsSync(pluginJsonPath) || !existsSync(packageJsonPath))
    throw new InitError(
      `${dir} has no src/plugin.json and package.json: --backend-only adds a backend to an existing @grafana/create-plugin project`,
    );
  const pluginJson = JSON.parse(readFileSync(pluginJsonPath, "utf8")) as Record<string, unknown>;
  const id = checkId(String(pluginJson.id ?? ""));
  if (options.id && options.id !== id)
    throw new InitError(`--id ${options.id} differs from the id in src/plugin.json (${id})`);
  if (pluginJson.type !== "datasource" && pluginJson.type !== "app")
    throw new InitError(
      `src/plugin.json: a backend needs type "datasource" or "app" (got ${JSON.stringify(pluginJson.type)})`,
    );
  const kind = pluginJson.type;
  const displayName =
    typeof pluginJson.name === "string" && pluginJson.name ? pluginJson.name : titleCase(id);
  pluginJson.backend = true;
  // What a full init declares for these capabilities, unless the project says otherwise.
  if (kind === "datasource" && capabilities.includes("data")) pluginJson.alerting ??= true;
  if (capabilities.includes("stream")) pluginJson.streaming ??= true;
  if (typeof pluginJson.executable !== "string" || !pluginJson.executable)
    pluginJson.executable = `gpx_${snake(displayName) || snake(id)}`;
  const executable = pluginJson.executable as string;
  const vars = variables({
    id,
    kind,
    displayName,
    executable,
    backendOnly: true,
    capabilities,
    tracing: options.tracing ?? false,
  });
  const created = new Map<string, string>([
    ["tsconfig.backend.json", render("tsconfig.json.tmpl", vars)],
    ["vitest.backend.config.ts", render("vitest.config.ts.tmpl", vars)],
    ["BACKEND.md", render("README.md.tmpl", vars)],
    // backend/, outside src/: create-plugin's tsconfig, jest and webpack only look there.
    ["backend/main.ts", render("src/main.ts.tmpl", vars)],
    ...sourceFiles("backend", capabilities, vars),
    ["backend/test/plugin.test.ts", render("test/plugin.test.ts.tmpl", vars)],
  ]);
  const clashes = [...created.keys(), ...library.vendored.keys()].filter((f) =>
    entryExists(join(dir, f)),
  );
  if (clashes.length > 0 && !options.force)
    throw new InitError(
      `these files exist already (use --force to overwrite): ${clashes.join(", ")}`,
    );
  const packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8"));
  const files = new Map<string, string>([
    ["package.json", json(addBackendToPackageJson(packageJson, library, options.tracing))],
    ["src/plugin.json", json(pluginJson)],
    ...created,
  ]);
  return { pluginId: id, files, copies: library.vendored };
}

/** The plugin's own modules under `base`: always plugin, settings and health, then one per capability. */
function sourceFiles(base: string, capabilities: Capability[], vars: Vars): [string, string][] {
  const files = ["plugin", "settings", "health"];
  if (capabilities.includes("data")) files.push("query");
  if (capabilities.includes("resource")) files.push("resources");
  if (capabilities.includes("stream")) files.push("stream");
  return files.map((f) => [`${base}/${f}.ts`, render(`src/${f}.ts.tmpl`, vars)]);
}

/** Everything the templates may refer to, for one plugin. */
function variables(p: {
  id: string;
  kind: PluginKind;
  displayName: string;
  executable: string;
  backendOnly: boolean;
  capabilities: Capability[];
  tracing: boolean;
}): Vars {
  const ds = p.kind === "datasource";
  return {
    id: p.id,
    displayName: p.displayName,
    executable: p.executable,
    typeNoun: ds ? "data source" : "app",
    settingsField: ds ? "dataSourceInstanceSettings" : "appInstanceSettings",
    settingsLiteral: ds
      ? 'dataSourceInstanceSettings: { uid: "test", name: "test", jsonData: Buffer.from("{}"), lastUpdatedMS: 1n }'
      : 'appInstanceSettings: { jsonData: Buffer.from("{}"), lastUpdatedMS: 1n }',
    resourcePrefix: ds ? "datasources/uid/<uid>" : `plugins/${p.id}`,
    entry: p.backendOnly ? "backend/main.ts" : "src/main.ts",
    testDir: p.backendOnly ? "backend/test" : "test",
    projectRoot: p.backendOnly ? "../../" : "../",
    buildScript: p.backendOnly ? "build:backend" : "build",
    testScript: p.backendOnly ? "test:backend" : "test",
    typecheckScript: p.backendOnly ? "typecheck:backend" : "typecheck",
    // A create-plugin package.json has no "type": "module", so its .ts files
    // would be CommonJS under NodeNext; Bundler resolution works either way.
    tsModule: p.backendOnly ? "ESNext" : "NodeNext",
    tsModuleResolution: p.backendOnly ? "Bundler" : "NodeNext",
    full: !p.backendOnly,
    backendOnly: p.backendOnly,
    tracing: p.tracing,
    noTracing: !p.tracing,
    tracingInstall: tracingInstallCommand(),
    ...Object.fromEntries(CAPABILITIES.map((c) => [c, p.capabilities.includes(c)])),
  };
}

const json = (value: object) => JSON.stringify(value, null, 2) + "\n";
