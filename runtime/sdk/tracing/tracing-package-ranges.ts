/**
 * The tracing packages' version ranges, read from the package.json at the
 * runtime's root: the published runtime's (peerDependencies) or, in a
 * checkout, the repository's (dependencies); both sit three folders above
 * this module. A bundle has no package.json beside it, so `build` evaluates
 * this lookup at build time and bundles its answer in place of this module
 * (packaging/sea-script.ts): keep the one export and its signature.
 */
import { readFileSync } from "node:fs";
import { tracingPackageRangesIn } from "./tracing-packages.js";

/** name → range; empty when the manifest cannot be read (the command then names no versions). */
export function tracingPackageRanges(
  moduleUrl: string | URL = import.meta.url,
): Record<string, string> {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../../package.json", moduleUrl), "utf8"));
    return tracingPackageRangesIn(manifest);
  } catch {
    return {};
  }
}
