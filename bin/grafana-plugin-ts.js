#!/usr/bin/env node
// Launcher. In the published tools package the CLI is compiled JavaScript
// beside this file; in a checkout it is TypeScript, run through tsx's loader.
import { existsSync } from "node:fs";

const compiled = new URL("../cli/main.js", import.meta.url);
let main;
if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
