#!/usr/bin/env node
// Launcher: run the TypeScript CLI through tsx's loader, so the same sources
// serve the repository, `npx grafana-plugin-ts` and an installed package.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
