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
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { format } from "prettier";

export const CAPABILITIES = ["data", "resource", "stream"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface InitOptions {
  /** The project directory (created if missing). */
  dir: string;
  /** Plugin id, e.g. "myorg-my-datasource"; required unless backendOnly (then read from src/plugin.json). */
  id?: string;
  /** Default ["data"]. CheckHealth is always included. */
  capabilities?: Capability[];
  backendOnly?: boolean;
  /** Write into a non-empty directory (full) or over existing backend files (backendOnly). */
  force?: boolean;
}

export interface InitResult {
  dir: string;
  /** Paths written, relative to dir. */
  files: string[];
  pluginId: string;
}

export class InitError extends Error {
  override name = "InitError";
}

const usage = `usage: grafana-plugin-ts init <dir> --id <org-name-type> [--capabilities data,resource,stream] [--backend-only] [--force]`;

export async function initCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: "string" },
      capabilities: { type: "string" },
      "backend-only": { type: "boolean" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return (void console.log(usage), 0);
  if (positionals.length !== 1) throw new InitError(`expected one directory\n${usage}`);
  const result = await initProject({
    dir: positionals[0],
    id: values.id,
    capabilities:
      values.capabilities === undefined ? undefined : parseCapabilities(values.capabilities),
    backendOnly: values["backend-only"],
    force: values.force,
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
  const plan = options.backendOnly
    ? planBackendOnly(dir, capabilities, options)
    : planFull(dir, capabilities, options);
  const formatted = await Promise.all(
    [...plan.files].map(
      async ([path, content]) => [path, await formatFile(path, content)] as const,
    ),
  );
  for (const [path, content] of formatted) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, files: [...plan.files.keys()], pluginId: plan.pluginId };
}

interface Plan {
  pluginId: string;
  files: Map<string, string>;
}

type PluginKind = "datasource" | "app";

function planFull(dir: string, capabilities: Capability[], options: InitOptions): Plan {
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
  });
  const files = new Map<string, string>([
    ["package.json", json(fullPackageJson(slug(name)))],
    ["tsconfig.json", render("tsconfig.json.tmpl", vars)],
    ["vitest.config.ts", render("vitest.config.ts.tmpl", vars)],
    [".gitignore", render("gitignore.tmpl", vars)],
    ["README.md", render("README.md.tmpl", vars)],
    ["src/plugin.json", json(newPluginJson(id, kind, titleCase(name), executable, capabilities))],
    ["src/main.ts", render("src/main.ts.tmpl", vars)],
    ...sourceFiles("src", capabilities, vars),
    ["test/plugin.test.ts", render("test/plugin.test.ts.tmpl", vars)],
  ]);
  return { pluginId: id, files };
}

function planBackendOnly(dir: string, capabilities: Capability[], options: InitOptions): Plan {
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
  if (typeof pluginJson.executable !== "string" || !pluginJson.executable)
    pluginJson.executable = `gpx_${snake(displayName) || snake(id)}`;
  const executable = pluginJson.executable as string;
  const vars = variables({ id, kind, displayName, executable, backendOnly: true, capabilities });
  const created = new Map<string, string>([
    ["tsconfig.backend.json", render("tsconfig.json.tmpl", vars)],
    ["vitest.backend.config.ts", render("vitest.config.ts.tmpl", vars)],
    ["BACKEND.md", render("README.md.tmpl", vars)],
    ["src/main.ts", render("src/main.ts.tmpl", vars)],
    ...sourceFiles("src/backend", capabilities, vars),
    ["backend-test/plugin.test.ts", render("test/plugin.test.ts.tmpl", vars)],
  ]);
  const clashes = [...created.keys()].filter((f) => existsSync(join(dir, f)));
  if (clashes.length > 0 && !options.force)
    throw new InitError(
      `these files exist already (use --force to overwrite): ${clashes.join(", ")}`,
    );
  const packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8"));
  const files = new Map<string, string>([
    ["package.json", json(addBackendToPackageJson(packageJson))],
    ["src/plugin.json", json(pluginJson)],
    ...created,
  ]);
  return { pluginId: id, files };
}

function sourceFiles(base: string, capabilities: Capability[], vars: Vars): [string, string][] {
  const files = ["plugin", "settings", "health"];
  if (capabilities.includes("data")) files.push("query");
  if (capabilities.includes("resource")) files.push("resources");
  if (capabilities.includes("stream")) files.push("stream");
  return files.map((f) => [`${base}/${f}.ts`, render(`src/${f}.ts.tmpl`, vars)]);
}

type Vars = Record<string, string | boolean>;

function variables(p: {
  id: string;
  kind: PluginKind;
  displayName: string;
  executable: string;
  backendOnly: boolean;
  capabilities: Capability[];
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
    pluginModule: p.backendOnly ? "./backend/plugin.js" : "./plugin.js",
    testDir: p.backendOnly ? "backend-test" : "test",
    buildScript: p.backendOnly ? "build:backend" : "build",
    testScript: p.backendOnly ? "test:backend" : "test",
    typecheckScript: p.backendOnly ? "typecheck:backend" : "typecheck",
    // A create-plugin package.json has no "type": "module", so its .ts files
    // would be CommonJS under NodeNext; Bundler resolution works either way.
    tsModule: p.backendOnly ? "ESNext" : "NodeNext",
    tsModuleResolution: p.backendOnly ? "Bundler" : "NodeNext",
    full: !p.backendOnly,
    backendOnly: p.backendOnly,
    ...Object.fromEntries(CAPABILITIES.map((c) => [c, p.capabilities.includes(c)])),
  };
}

const TEMPLATES = fileURLToPath(new URL("../templates/init/", import.meta.url));

/** `{{name}}` → value; `{{#flag}}…{{/flag}}` kept only when the flag is true. */
export function render(template: string, vars: Vars): string {
  const text = readFileSync(join(TEMPLATES, template), "utf8");
  const sections = text.replace(
    /\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
    (_, flag: string, body: string) => {
      if (!(flag in vars)) throw new Error(`${template}: unknown section {{#${flag}}}`);
      return vars[flag] ? body : "";
    },
  );
  return sections.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (typeof vars[name] !== "string")
      throw new Error(`${template}: unknown variable {{${name}}}`);
    return vars[name] as string;
  });
}

interface OwnPackageJson {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function ownPackageJson(): OwnPackageJson {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
}

/** The test tools at the versions grafana-plugin-ts itself is tested with. */
function devTools(own: OwnPackageJson): Record<string, string> {
  const pick = (name: string) => own.devDependencies[name] ?? own.dependencies[name];
  return {
    "@types/node": pick("@types/node"),
    typescript: pick("typescript"),
    vitest: pick("vitest"),
  };
}

function fullPackageJson(name: string): object {
  const own = ownPackageJson();
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20" },
    scripts: {
      build: "grafana-plugin-ts build",
      test: "grafana-plugin-ts build && vitest run",
      typecheck: "tsc --noEmit",
    },
    dependencies: { "grafana-plugin-ts": `^${own.version}` },
    devDependencies: devTools(own),
  };
}

/** Adds what the backend needs; never changes a script or version the project already has. */
function addBackendToPackageJson(pkg: Record<string, any>): object {
  const own = ownPackageJson();
  pkg.scripts = {
    ...pkg.scripts,
    "build:backend": pkg.scripts?.["build:backend"] ?? "grafana-plugin-ts build",
    "test:backend":
      pkg.scripts?.["test:backend"] ??
      "grafana-plugin-ts build && vitest run --config vitest.backend.config.ts",
    "typecheck:backend":
      pkg.scripts?.["typecheck:backend"] ?? "tsc --noEmit -p tsconfig.backend.json",
  };
  pkg.dependencies = { ...pkg.dependencies };
  pkg.dependencies["grafana-plugin-ts"] ??= `^${own.version}`;
  pkg.devDependencies = { ...pkg.devDependencies };
  for (const [name, version] of Object.entries(devTools(own)))
    if (!pkg.dependencies[name] && !pkg.devDependencies[name]) pkg.devDependencies[name] = version;
  return pkg;
}

function newPluginJson(
  id: string,
  kind: PluginKind,
  name: string,
  executable: string,
  capabilities: Capability[],
): object {
  return {
    $schema:
      "https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json",
    type: kind,
    name,
    id,
    backend: true,
    executable,
    ...(kind === "datasource" ? { alerting: capabilities.includes("data"), metrics: true } : {}),
    ...(capabilities.includes("stream") ? { streaming: true } : {}),
    info: {
      description: "",
      author: { name: id.split("-")[0] },
      keywords: [kind],
      version: "0.1.0",
      updated: new Date().toISOString().slice(0, 10),
    },
    dependencies: { grafanaDependency: ">=10.0.0", plugins: [] },
  };
}

/** Grafana's rule (and packaging/plugin-json.ts's): lower-case words joined by dashes. */
function checkId(id: string): string {
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(id) || id.split("-").length < 3)
    throw new InitError(
      `plugin id "${id}" must be <org>-<name>-<type> in lower case, e.g. myorg-weather-datasource`,
    );
  if (id.endsWith("-panel")) throw new InitError(`"${id}" is a panel id: panels have no backend`);
  return id;
}

async function formatFile(path: string, content: string): Promise<string> {
  if (!/\.(ts|json|md)$/.test(path)) return content;
  return format(content, { filepath: path });
}

const json = (value: object) => JSON.stringify(value, null, 2) + "\n";
const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean);
const snake = (s: string) => words(s).join("_").toLowerCase();
const slug = (s: string) => words(s).join("-").toLowerCase() || "plugin";
const titleCase = (s: string) =>
  words(s)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
