/**
 * `npm run pack:library`: builds both packages and prints the tarballs.
 */
import { fileURLToPath } from "node:url";
import { buildLibrary } from "./build-library.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const tarballs = await buildLibrary({
  repoRoot,
  progress: (step) => process.stderr.write(`${step}…\n`),
});
process.stdout.write(`${tarballs.runtime}\n${tarballs.tools}\n`);
