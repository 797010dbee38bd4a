/**
 * What the check asserts about the files a create-plugin project with our
 * backend ends up with: dist/plugin.json after the frontend and backend
 * builds, and the zip `grafana-plugin-ts package` writes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { command } from "./steps.js";

const PLACEHOLDER = /%[A-Z_]+%/;

interface PluginJson {
  id: string;
  executable?: string;
  backend?: boolean;
  info?: { version?: string };
}

/**
 * After `npm run build` then `npm run build:backend`: the frontend's module.js
 * is still there and dist/plugin.json keeps what webpack filled in, with the
 * backend's fields set.
 */
export function checkBuiltDist(projectDir: string): string {
  const dist = join(projectDir, "dist");
  if (!existsSync(join(dist, "module.js")))
    throw new Error("dist/module.js is gone after build:backend");
  const text = readFileSync(join(dist, "plugin.json"), "utf8");
  const built = JSON.parse(text) as PluginJson;
  if (PLACEHOLDER.test(text))
    throw new Error(`dist/plugin.json lost the frontend build's values:\n${text}`);
  checkBackendFields(built, readSource(projectDir), "dist/plugin.json");
  return `dist/plugin.json version ${built.info?.version}`;
}

/** After the frontend builds again: webpack's clean kept the launcher and the script it runs. */
export function checkBackendKept(projectDir: string): string {
  const { executable } = readSource(projectDir);
  const launcher = join(projectDir, "dist", `${executable}_linux_${goArch()}`);
  for (const file of [launcher, `${launcher}.cjs`])
    if (!existsSync(file)) throw new Error(`the frontend build removed ${file}`);
  if ((statSync(launcher).mode & 0o111) === 0)
    throw new Error(`${launcher} is no longer executable`);
  return `${executable}_linux_${goArch()} and .cjs kept`;
}

/**
 * The zip holds <id>/module.js, a plugin.json with no placeholders and the
 * backend fields, and an executable <id>/<executable>_linux_<arch>.
 */
export async function checkPackageZip(projectDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const source = readSource(projectDir);
  const dist = join(projectDir, "dist");
  const zips = readdirSync(dist).filter((f) => f.startsWith(`${source.id}-`) && f.endsWith(".zip"));
  if (zips.length !== 1)
    throw new Error(`expected one ${source.id}-*.zip in dist/, found: ${zips}`);
  const zip = join(dist, zips[0]!);
  const opts = { cwd: dist, env };
  const names = (await command("unzip", ["-Z1", zip], opts)).split("\n").filter(Boolean);
  const executable = `${source.id}/${source.executable}_linux_${goArch()}`;
  const missing = [`${source.id}/module.js`, `${source.id}/plugin.json`, executable].filter(
    (n) => !names.includes(n),
  );
  if (missing.length > 0)
    throw new Error(`${zips[0]} lacks ${missing.join(", ")}; it holds:\n${names.join("\n")}`);
  const text = await command("unzip", ["-p", zip, `${source.id}/plugin.json`], opts);
  if (PLACEHOLDER.test(text)) throw new Error(`the zip's plugin.json has placeholders:\n${text}`);
  checkBackendFields(JSON.parse(text), source, "the zip's plugin.json");
  // `unzip -Z` lists Unix modes first: the executable must keep its x bits.
  const listing = await command("unzip", ["-Z", zip, executable], opts);
  if (!/^-rwx/m.test(listing))
    throw new Error(`${executable} is not executable in the zip:\n${listing}`);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const exeBytes = statSync(join(dist, executable)).size;
  return `${zips[0]} ${mb(statSync(zip).size)} (${names.length} entries, executable ${mb(exeBytes)})`;
}

const goArch = () => (process.arch === "x64" ? "amd64" : process.arch);

function readSource(projectDir: string): PluginJson {
  return JSON.parse(readFileSync(join(projectDir, "src", "plugin.json"), "utf8"));
}

function checkBackendFields(built: PluginJson, source: PluginJson, where: string): void {
  if (built.id !== source.id || built.backend !== true || built.executable !== source.executable)
    throw new Error(
      `${where}: id/backend/executable are ${JSON.stringify([built.id, built.backend, built.executable])}, ` +
        `want ${JSON.stringify([source.id, true, source.executable])}`,
    );
}
