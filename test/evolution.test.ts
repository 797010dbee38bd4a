// Protocol evolution with zero hand edits, proven by mutation. A future
// protocol revision is derived from the current proto/ (every message gains
// fields of every shape, every enum a value, every service rpcs of all four
// streaming kinds with acronym/digit/underscore names, pluginv2 a new
// service, and a new package appears; see test/support/proto-mutations.ts).
// A scratch copy of the whole repository is regenerated from it and must,
// with no edit: generate, typecheck everything (runtime, SDK, CLI, examples,
// the files `init` writes, tests), pass the protocol-facing unit tests, and
// serve the new rpcs as UNIMPLEMENTED (test/fixtures/evolution-probe.test.ts.txt).

import { execFile, execFileSync } from "node:child_process";
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initProject } from "../cli/init-command.js";
import type { Manifest } from "../generator/generate-manifest.js";
import {
  buildDescriptors,
  expectSuccess,
  repoRoot,
  repoTempDir,
  runGenerate,
  runTsc,
  type CommandResult,
} from "./support/generate-helpers.js";
import {
  ADDED_PACKAGE,
  ADDED_RPCS,
  ADDED_SERVICE,
  mutateProtos,
  type Mutation,
} from "./support/proto-mutations.js";

/** Unit tests that exercise the protocol bindings, run again in the evolved copy. */
const PROTOCOL_TESTS = [
  "test/generator-rpc.test.ts",
  "test/sdk-context.test.ts",
  "test/sdk-instance-manager.test.ts",
  "test/sdk-plugin.test.ts",
  "test/sdk-query-mux.test.ts",
  "test/sdk-resource-router.test.ts",
  "test/sdk-stream.test.ts",
  "test/protocol-usage.test.ts",
  "test/evolution-probe.test.ts",
];

let scratch: string;
let mutations: Mutation[];
let generated: CommandResult;
/** Services of the current proto/ that have an rpc to model new ones on. */
let servicesWithRpcs: number;

/** The repository's files as git sees them (tracked and new, not ignored). */
function repositoryFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "");
}

beforeAll(async () => {
  scratch = await repoTempDir("evolution");
  for (const file of repositoryFiles()) {
    await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
    await copyFile(path.join(repoRoot, file), path.join(scratch, file)).catch((error) => {
      if (error.code !== "ENOENT") throw error; // deleted in the working tree, not yet in git
    });
  }
  await symlink(path.join(repoRoot, "node_modules"), path.join(scratch, "node_modules"));

  const protoDir = path.join(scratch, "proto");
  const descriptors = await buildDescriptors(protoDir);
  const sources = new Map<string, string>();
  for (const file of descriptors.file)
    await readFile(path.join(protoDir, file.name), "utf8").then(
      (text) => sources.set(file.name, text),
      () => {}, // an import from outside proto/ (well-known types)
    );
  servicesWithRpcs = descriptors.file
    .filter((f) => sources.has(f.name))
    .flatMap((f) => f.service)
    .filter((s) => s.method.length > 0).length;
  const mutated = mutateProtos(descriptors, sources);
  mutations = mutated.mutations;
  for (const [name, text] of mutated.files) {
    await mkdir(path.dirname(path.join(protoDir, name)), { recursive: true });
    await writeFile(path.join(protoDir, name), text);
  }
  generated = await runGenerate([], scratch);

  await initProject({
    dir: path.join(scratch, ".tmp", "init-project"),
    id: "myorg-evolved-datasource",
    capabilities: ["data", "resource", "stream"],
  });
  await copyFile(
    path.join(repoRoot, "test/fixtures/evolution-probe.test.ts.txt"),
    path.join(scratch, "test/evolution-probe.test.ts"),
  );
}, 300_000);

afterAll(() =>
  process.env.KEEP_EVOLUTION ? undefined : rm(scratch, { recursive: true, force: true }),
);

describe("a protocol revision derived from proto/ by mutation", () => {
  it("covers every shape of addition", () => {
    const count = (kind: Mutation["kind"]) => mutations.filter((m) => m.kind === kind).length;
    console.log(
      `evolution: ${mutations.length} mutations — ${[
        "field",
        "message",
        "enum",
        "enum value",
        "rpc",
        "service",
        "package",
      ]
        .map((k) => `${count(k as Mutation["kind"])} ${k}`)
        .join(", ")}`,
    );
    expect(count("field")).toBeGreaterThan(1000);
    expect(count("enum value")).toBeGreaterThanOrEqual(5);
    expect(count("rpc")).toBe(Object.keys(ADDED_RPCS).length * servicesWithRpcs);
    expect(servicesWithRpcs).toBeGreaterThanOrEqual(10);
    expect(count("service")).toBe(1);
    expect(count("package")).toBe(1);
  });

  it("generates with no edit, reporting the additions and naming the unconfigured services", async () => {
    expectSuccess(generated, "generate on the evolved protocol");
    const lines = generated.stdout.split("\n").map((l) => l.trim());
    expect(lines).toContain(
      "added rpc /pluginv2.Data/QuerySQL: unary, pluginv2.QueryDataRequest → pluginv2.QueryDataResponse",
    );
    expect(lines).toContain("added field pluginv2.PluginContext.id_token_JWT (#1015): string");
    expect(
      lines.some((l) => l.startsWith("protocol diff:") && l.endsWith(" 0 wire-breaking")),
    ).toBe(true);
    // The go-plugin names the generator chose, as its manifest records them.
    const manifest = JSON.parse(
      await readFile(path.join(scratch, "output/protocol.json"), "utf8"),
    ) as Manifest;
    const plugins = manifest.pluginSets.flatMap((set) => set.plugins);
    for (const service of [`pluginv2.${ADDED_SERVICE}`, `${ADDED_PACKAGE.pkg}.Renderer`]) {
      const plugin = plugins.find((p) => p.service === service);
      expect(plugin?.nameSource, service).toBe("convention");
      expect(lines).toContain(
        `warning: service ${service} is not named in protocol.config.json: it registers with go-plugin as "${plugin!.name}" in protocol version 2 (lower-cased service name, Grafana's convention)`,
      );
    }
  });

  it("typechecks the whole repository and the files init writes", async () => {
    const config = path.join(scratch, "tsconfig.evolution.json");
    const base = JSON.parse(await readFile(path.join(scratch, "tsconfig.json"), "utf8"));
    await writeFile(
      config,
      JSON.stringify({
        extends: "./tsconfig.json",
        include: [...base.include, ".tmp/init-project/src", ".tmp/init-project/test"],
      }),
    );
    await expect(runTsc(config)).resolves.toBeDefined();
  }, 300_000);

  it("passes the protocol-facing unit tests and serves every new rpc as UNIMPLEMENTED", async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(scratch, "node_modules/vitest/vitest.mjs"), "run", ...PROTOCOL_TESTS],
        {
          cwd: scratch,
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, EVOLUTION_ADDED_RPCS: JSON.stringify(Object.keys(ADDED_RPCS)) },
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            output: stdout + stderr,
          }),
      ),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(new RegExp(`Test Files\\s+.*${PROTOCOL_TESTS.length} passed`));
  }, 300_000);
});
