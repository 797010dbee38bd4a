/**
 * The two npm packages this repository publishes with one version: the
 * runtime a plugin depends on, and the tools a plugin project uses while
 * developing (a devDependency). Each is compiled from the repository's own
 * sources by `packages/<dir>/tsconfig.json`; `packages/<dir>/package.json`
 * states its name, exports and files.
 */
import { TRACING_SDK_PACKAGES } from "../../runtime/sdk/tracing/tracing-packages.js";

export interface LibraryPackage {
  /** Folder under packages/ with its package.json and tsconfig.json. */
  dir: "runtime" | "tools";
  /** Files and folders copied as they are (read at run time, not compiled). */
  assets: string[];
  /**
   * Imported packages published as optional peer dependencies instead of
   * dependencies: npm does not install them unless the project asks.
   */
  optionalPeers: readonly string[];
}

/**
 * The OpenTelemetry SDK is an optional peer of both packages (the tools carry
 * a copy of the runtime): see runtime/sdk/tracing/tracing-packages.ts.
 */
export const RUNTIME_PACKAGE: LibraryPackage = {
  dir: "runtime",
  assets: [],
  optionalPeers: TRACING_SDK_PACKAGES,
};

export const TOOLS_PACKAGE: LibraryPackage = {
  dir: "tools",
  optionalPeers: TRACING_SDK_PACKAGES,
  assets: [
    "bin/grafana-plugin-ts.js",
    "templates/init",
    // rpc-support.ts and wire-check.ts are copied into every generated output/ as TypeScript.
    "generator/templates/rpc-support.ts",
    "generator/templates/wire-check.ts",
    "generator/manifest/protocol.schema.json",
    "buf.gen.yaml",
  ],
};

/**
 * Where the tools package carries the runtime's tarball, so `init` run from
 * an installed tools package can give a new project a runtime that installs
 * before either package is on the registry.
 */
export const BUNDLED_LIBRARY_DIR = "library";
