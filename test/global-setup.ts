/**
 * Builds the example plugin once before the tests: the interop and runtime
 * tests start it as a real child process, exactly as a host would.
 */
import { buildPlugin } from "../packaging/build-plugin.js";
import { EXAMPLE_DIR } from "./support/example-plugin.js";

export default async function setup(): Promise<void> {
  await buildPlugin(EXAMPLE_DIR);
}
