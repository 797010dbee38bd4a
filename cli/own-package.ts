/**
 * The tools' own package.json (the repository's in a checkout, the tools
 * package's when installed): the release version, and the versions of the
 * test tools a new project gets.
 */
import { readFileSync } from "node:fs";

export interface OwnPackageJson {
  version: string;
  /** The optional tracing packages, in the installed tools package (a checkout lists them as dependencies). */
  peerDependencies?: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export function ownPackageJson(): OwnPackageJson {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
}
