/**
 * Finds the tools the pipeline runs, from the packages installed beside this
 * one: buf's native binary (not the npm wrapper: ≈0.1 s a call instead of
 * ≈0.9 s through npx), ts-proto's protoc plugin, and the tsx loader that runs
 * our TypeScript plugin (generate runs a bundle of it instead when it can,
 * plugin-bundle.ts). A missing tool fails with what to install.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Toolchain {
  buf: string;
  tsProtoPlugin: string;
  /** Command line that runs our buf plugin. */
  grafanaPlugin: string[];
}

export class MissingToolError extends Error {
  override name = "MissingToolError";
}

const require = createRequire(import.meta.url);

export function findToolchain(): Toolchain {
  return { buf: findBuf(), tsProtoPlugin: findTsProto(), grafanaPlugin: findGrafanaPlugin() };
}

function packageDir(name: string, install: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new MissingToolError(
      `${name} is not installed; run \`${install}\` (or \`npm ci\` in grafana-plugin-ts)`,
    );
  }
}

function findBuf(): string {
  const arch = process.arch === "x64" ? "x64" : process.arch;
  const native = `@bufbuild/buf-${process.platform}-${arch}`;
  try {
    const path = join(dirname(require.resolve(`${native}/package.json`)), "bin", "buf");
    if (existsSync(path)) return path;
  } catch {
    // fall back to the npm wrapper below
  }
  const wrapper = join(packageDir("@bufbuild/buf", "npm install @bufbuild/buf"), "bin", "buf");
  if (!existsSync(wrapper))
    throw new MissingToolError(`buf not found at ${wrapper}; run \`npm install @bufbuild/buf\``);
  return wrapper;
}

function findTsProto(): string {
  const path = join(packageDir("ts-proto", "npm install ts-proto"), "protoc-gen-ts_proto");
  if (!existsSync(path))
    throw new MissingToolError(`ts-proto's protoc plugin not found at ${path}; reinstall ts-proto`);
  return path;
}

function findGrafanaPlugin(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, "..", "protoc-gen-grafana-plugin.js");
  if (existsSync(compiled)) return [process.execPath, compiled];
  const source = join(here, "..", "protoc-gen-grafana-plugin.ts");
  const loader = join(packageDir("tsx", "npm install tsx"), "dist", "loader.mjs");
  return [process.execPath, "--import", pathToFileUrl(loader), source];
}

function pathToFileUrl(path: string): string {
  return new URL(`file://${path}`).href;
}
