/**
 * `grafana-plugin-ts generate`: lint the protos, run buf (ts-proto + our
 * plugin) into a scratch directory, give every file its header and format,
 * compare the protocol with the manifest already in the output, and swap the
 * new tree in atomically. Any failure leaves the output untouched.
 *
 * buf's four runs (lint, generate, the protocol image, breaking) read the same
 * protos and write different files, so they run side by side; a failure is
 * reported as if they had run in that order (a broken .proto fails lint first).
 * When nothing the plugins' output is made from has changed, their files from
 * the previous run are reused (generate-memo.ts), and only files whose text
 * changed are formatted (format-cache.ts).
 */
import { existsSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { versionFromPackageSuffix } from "../config.js";
import type { Manifest } from "../generate-manifest.js";
import { diffManifests, type ProtocolChange } from "../manifest-diff.js";
import {
  breakingAgainst,
  PROTOCOL_IMAGE,
  writeProtocolImage,
  type BreakingFinding,
} from "./breaking-check.js";
import { bufTemplate } from "./buf-template.js";
import { compareTrees, isSame, type TreeDifference } from "./compare-trees.js";
import { parseGenerateArgs, type GenerateOptions } from "./generate-args.js";
import { GenerateMemo } from "./generate-memo.js";
import { fastPluginCommand } from "./plugin-bundle.js";
import { postprocess } from "./postprocess.js";
import { bufInput, runBuf, type BufInput } from "./run-buf.js";
import {
  assertOnlyGeneratedDropped,
  assertReplaceable,
  scratchBeside,
  swapInto,
} from "./swap-directory.js";
import { findToolchain, type Toolchain } from "./tools.js";

export interface GenerateResult {
  files: string[];
  bytes: number;
  tree: TreeDifference;
  changes: ProtocolChange[];
  /** buf breaking's findings; undefined when there was no previous protocol image. */
  breaking: BreakingFinding[] | undefined;
  manifest: Manifest;
  warnings: string[];
}

type Print = (line: string) => void;

export async function generateCommand(args: string[], print: Print = console.log): Promise<number> {
  const options = parseGenerateArgs(args, process.cwd());
  const result = await generate(options, print);
  if (options.check) {
    if (isSame(result.tree)) return 0;
    print(
      `✗ ${relative(process.cwd(), options.outDir) || "."} is stale: run \`npm run generate\` and commit the result`,
    );
    return 1;
  }
  return 0;
}

export async function generate(options: GenerateOptions, print: Print): Promise<GenerateResult> {
  const tools = findToolchain();
  if (!existsSync(options.protoDir))
    throw new Error(`proto directory not found: ${options.protoDir}`);
  const at = bufInput(options.protoDir);
  if (!options.check) await assertReplaceable(options.outDir);
  const scratch = await scratchBeside(options.outDir);
  try {
    const [, generated, , breaking] = await allInOrder([
      step(print, "lint protos (buf, MINIMAL rules)", () => runBuf(tools.buf, ["lint"], at)),
      step(print, "generate (ts-proto + grafana-plugin-ts plugin)", () =>
        runPlugins(tools, at, options, scratch),
      ),
      writeProtocolImage(tools.buf, at, scratch),
      step(print, "buf breaking against the previous protocol", () =>
        breakingAgainst(tools.buf, at, options.outDir),
      ),
    ] as const);
    if (!generated.reused) await generated.memo.store(scratch, [PROTOCOL_IMAGE]);
    const files = await step(print, "format (header + prettier)", () =>
      postprocess(scratch, options.outDir),
    );
    const manifest = JSON.parse(await readFile(join(scratch, "protocol.json"), "utf8")) as Manifest;
    const previous = await readManifest(join(options.outDir, "protocol.json"));
    const changes = previous ? diffManifests(previous, manifest) : [];
    const tree = await compareTrees(options.outDir, scratch);
    const bytes = (await Promise.all(files.map((f) => stat(join(scratch, f))))).reduce(
      (n, s) => n + s.size,
      0,
    );
    const result = {
      files,
      bytes,
      tree,
      changes,
      breaking,
      manifest,
      warnings: [
        ...conventionWarnings(manifest),
        ...unversionedWarnings(manifest, await configuredPackages(options)),
      ],
    };
    if (!options.check && !isSame(tree)) {
      await assertOnlyGeneratedDropped(options.outDir, tree.removed);
      await swapInto(options.outDir, scratch);
    }
    printSummary(print, options, result, previous !== undefined);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** buf generate into `scratch`, or the files it wrote last time when nothing they come from changed. */
async function runPlugins(
  tools: Toolchain,
  at: BufInput,
  options: GenerateOptions,
  scratch: string,
): Promise<{ memo: GenerateMemo; reused: boolean }> {
  const grafanaPlugin = await fastPluginCommand(tools.grafanaPlugin);
  const template = (out: string) =>
    bufTemplate({ ...tools, grafanaPlugin, configPath: options.configPath, out });
  const memo = await GenerateMemo.open(options.outDir, {
    ...tools,
    at,
    template: template(""),
    configPath: options.configPath,
    grafanaPlugin,
  });
  if (await memo.restore(scratch)) return { memo, reused: true };
  await runBuf(tools.buf, ["generate", "--template", template(scratch)], at);
  return { memo, reused: false };
}

/**
 * Waits for every promise, then resolves with their values or rejects with
 * the failure that comes first in list order (not in time). Nothing is left
 * running, or writing into the scratch directory, when it settles.
 */
async function allInOrder<T extends readonly unknown[]>(promises: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function step<T>(print: Print, name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  print(`→ ${name}…`);
  const value = await run();
  print(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(2)} s)`);
  return value;
}

async function readManifest(path: string): Promise<Manifest | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function conventionWarnings(manifest: Manifest): string[] {
  return manifest.pluginSets.flatMap((set) =>
    set.plugins
      .filter((p) => p.nameSource === "convention")
      .map(
        (p) =>
          `service ${p.service} is not named in protocol.config.json: it registers with go-plugin as "${p.name}" in protocol version ${set.protocolVersion} (lower-cased service name, Grafana's convention)`,
      ),
  );
}

/** Plugin-set packages of the config file, if there is one (the plugin validated it already). */
async function configuredPackages(options: GenerateOptions): Promise<string[]> {
  if (!options.configPath) return [];
  const config = JSON.parse(await readFile(options.configPath, "utf8")) as {
    pluginSets?: Record<string, unknown>;
  };
  return Object.keys(config.pluginSets ?? {});
}

/** A package with neither a plugin set nor a vN suffix is served as version 1: say so. */
function unversionedWarnings(manifest: Manifest, configured: string[]): string[] {
  return manifest.pluginSets.flatMap((set) =>
    set.packages
      .filter((pkg) => !configured.includes(pkg) && versionFromPackageSuffix(pkg) === undefined)
      .map(
        (pkg) =>
          `package ${pkg} has no plugin set in protocol.config.json and no vN suffix: it is served as protocol version ${set.protocolVersion}`,
      ),
  );
}

function printSummary(
  print: Print,
  options: GenerateOptions,
  r: GenerateResult,
  hadPrevious: boolean,
): void {
  const out = relative(process.cwd(), options.outDir) || ".";
  const state = isSame(r.tree)
    ? "unchanged"
    : `${r.tree.added.length} added, ${r.tree.changed.length} changed, ${r.tree.removed.length} removed`;
  const verb = options.check ? "checked" : "written to";
  print(`${r.files.length} files (${(r.bytes / 1024).toFixed(0)} KiB) ${verb} ${out}/ — ${state}`);
  for (const set of r.manifest.pluginSets) {
    const services = r.manifest.services.filter((s) =>
      set.plugins.some((p) => p.service === s.name),
    );
    const rpcs = services.reduce((n, s) => n + s.rpcs.length, 0);
    print(
      `  protocol v${set.protocolVersion} (${set.packages.join(", ")}): ${services.length} services, ${rpcs} rpcs — ${set.plugins.map((p) => p.name).join(", ")}`,
    );
  }
  const infra = r.manifest.services.filter(
    (s) => !r.manifest.pluginSets.some((set) => set.plugins.some((p) => p.service === s.name)),
  );
  if (infra.length > 0) print(`  go-plugin services: ${infra.map((s) => s.name).join(", ")}`);
  for (const warning of r.warnings) print(`  warning: ${warning}`);
  if (!hadPrevious) print("  protocol diff: no previous manifest to compare with");
  else if (r.changes.length === 0 && !r.breaking?.length) print("  protocol diff: none");
  else {
    const verdict =
      r.breaking === undefined
        ? `wire compatibility not checked (no previous ${PROTOCOL_IMAGE})`
        : `${r.breaking.length} wire-breaking`;
    print(`  protocol diff: ${r.changes.length} change(s), ${verdict}`);
    for (const c of r.changes) print(`    ${c.kind} ${c.subject}: ${c.detail}`);
    for (const f of r.breaking ?? []) print(`    BREAKING ${f.where} ${f.rule}: ${f.message}`);
  }
}
