/**
 * How a new project gets grafana-plugin-ts: from the registry (`^version`),
 * or, until the packages are published, from tarballs copied into the
 * project's vendor/ folder (`file:vendor/…`), which install anywhere, offline
 * included. Local tarballs come from the tools package itself when it was
 * installed from a tarball (it carries the runtime's, and packs itself), or
 * are built when the tools run from a checkout.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildLibrary } from "../../packaging/library/build-library.js";
import { BUNDLED_LIBRARY_DIR } from "../../packaging/library/library-packages.js";
import { InitError } from "./options.js";

const run = promisify(execFile);

export const RUNTIME_PACKAGE_NAME = "grafana-plugin-ts";
export const TOOLS_PACKAGE_NAME = "grafana-plugin-ts-tools";
export const VENDOR_DIR = "vendor";

export interface LibraryDependencies {
  /** package.json specs of the runtime (a dependency) and the tools (a devDependency). */
  runtime: string;
  tools: string;
  /** Tarballs to copy into the project: project-relative path → file. */
  vendored: Map<string, string>;
}

export function registryDependencies(version: string): LibraryDependencies {
  return { runtime: `^${version}`, tools: `^${version}`, vendored: new Map() };
}

/** The tools' own root: a checkout, or the installed tools package. */
const toolsRoot = fileURLToPath(new URL("../../", import.meta.url));

export async function localDependencies(
  progress: (step: string) => void,
): Promise<LibraryDependencies> {
  const { runtime, tools } = await localTarballs(progress);
  const vendored = new Map([
    [`${VENDOR_DIR}/${basename(runtime)}`, runtime],
    [`${VENDOR_DIR}/${basename(tools)}`, tools],
  ]);
  const [runtimePath, toolsPath] = [...vendored.keys()];
  return { runtime: `file:${runtimePath}`, tools: `file:${toolsPath}`, vendored };
}

async function localTarballs(progress: (step: string) => void) {
  const bundled = join(toolsRoot, BUNDLED_LIBRARY_DIR);
  if (existsSync(bundled)) {
    const runtime = readdirSync(bundled).find((f) => f.endsWith(".tgz"));
    if (!runtime)
      throw new InitError(`${bundled} holds no runtime tarball: reinstall ${TOOLS_PACKAGE_NAME}`);
    progress(`packing ${TOOLS_PACKAGE_NAME} from ${toolsRoot}`);
    const out = mkdtempSync(join(tmpdir(), "gpts-tools-"));
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", out, toolsRoot]);
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    return { runtime: join(bundled, runtime), tools: join(out, basename(packed!.filename)) };
  }
  if (existsSync(join(toolsRoot, "packages", "runtime", "package.json")))
    return buildLibrary({ repoRoot: toolsRoot, progress });
  throw new InitError(
    `cannot find the grafana-plugin-ts tarballs beside ${toolsRoot}: use --registry to depend on the published packages`,
  );
}
