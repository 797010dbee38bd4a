// The generate command end to end, as CI runs it: regenerating from proto/
// is deterministic and leaves the committed output/ byte-for-byte unchanged,
// `--check` tells stale from fresh without writing, and bad input (a broken
// .proto, a config typo, an unknown flag) fails loudly without touching the
// output directory.

import { existsSync } from "node:fs";
import { appendFile, cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectSuccess,
  osTempDir,
  readTree,
  removeDir,
  repoRoot,
  runGenerate,
  treeDifferences,
  type CommandResult,
} from "./support/generate-helpers.js";

const committed = path.join(repoRoot, "output");

let tmp: string;
let outA: string;
let outB: string;
let runA: CommandResult;
let runB: CommandResult;

beforeAll(async () => {
  tmp = await osTempDir("gen-pipeline");
  outA = path.join(tmp, "a");
  // B's parent directories do not exist yet: the command must create them.
  outB = path.join(tmp, "nested/deeper/b");
  runA = expectSuccess(await runGenerate(["--proto", "proto", "--out", outA]), "generate → a");
  runB = expectSuccess(await runGenerate(["--proto", "proto", "--out", outB]), "generate → b");
});

afterAll(() => removeDir(tmp));

/** Entries beside `dir` that the command's scratch directories would leave behind. */
async function leftoverScratch(dir: string): Promise<string[]> {
  const base = path.basename(dir);
  return (await readdir(path.dirname(dir))).filter((n) => n.startsWith(`.${base}.new-`));
}

describe("regenerating proto/ (CI drift check)", () => {
  it("is deterministic: two runs give byte-identical trees", async () => {
    const [a, b] = await Promise.all([readTree(outA), readTree(outB)]);
    expect(a.size).toBeGreaterThan(10);
    expect(treeDifferences(a, b)).toEqual([]);
  });

  it("reproduces the committed output/ byte for byte", async () => {
    const [fresh, golden] = await Promise.all([readTree(outA), readTree(committed)]);
    expect(treeDifferences(fresh, golden)).toEqual([]);
  });

  it("reports what it wrote and the plugin sets it found", () => {
    expect(runA.stdout).toMatch(/\d+ files \(\d+ KiB\) written to .*a\/ — \d+ added/);
    expect(runA.stdout).toContain("protocol v2 (pluginv2)");
    expect(runA.stdout).toContain("protocol diff: no previous manifest to compare with");
    // The repository's config names every pluginv2 service.
    expect(runA.stdout).not.toContain("warning:");
  });

  it("leaves no scratch directory beside the output", async () => {
    expect(await leftoverScratch(outA)).toEqual([]);
    expect(await leftoverScratch(outB)).toEqual([]);
  });
});

describe("generate --check", () => {
  it("exits 0 on the repository and writes nothing", async () => {
    const before = await readTree(committed);
    const result = await runGenerate(["--check"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/checked output\/ — unchanged/);
    expect(result.stdout).toContain("protocol diff: none");
    expect(treeDifferences(before, await readTree(committed))).toEqual([]);
    expect(await leftoverScratch(committed)).toEqual([]);
  });

  describe("on a stale tree", () => {
    let stale: string;
    let staleBefore: Map<string, Buffer>;

    beforeAll(async () => {
      stale = path.join(tmp, "stale");
      await cp(outA, stale, { recursive: true });
      await appendFile(path.join(stale, "glue.ts"), "// edited by hand\n");
      await rm(path.join(stale, "plugin/grpc_stdio.clients.ts"));
      await writeFile(path.join(stale, "left-over.ts"), "export {};\n");
      staleBefore = await readTree(stale);
    });

    it("exits 1, says so, and leaves the tree as it was", async () => {
      const result = await runGenerate(["--check", "--out", stale]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/1 added, 1 changed, 1 removed/);
      expect(result.stdout).toMatch(/stale: run `npm run generate`/);
      expect(treeDifferences(staleBefore, await readTree(stale))).toEqual([]);
    });

    it("without --check, replaces it whole: edits reverted, missing files back, extras gone", async () => {
      expectSuccess(await runGenerate(["--out", stale]), "generate → stale");
      const [fixed, golden] = await Promise.all([readTree(stale), readTree(committed)]);
      expect(treeDifferences(fixed, golden)).toEqual([]);
      expect(await leftoverScratch(stale)).toEqual([]);
    });
  });
});

describe("bad input", () => {
  it("a syntax error fails with file:line:column and leaves the existing output untouched", async () => {
    const protoDir = path.join(tmp, "broken-proto");
    await mkdir(path.join(protoDir, "broken"), { recursive: true });
    await writeFile(
      path.join(protoDir, "broken/ping.proto"),
      [
        'syntax = "proto3";',
        "package broken;",
        "",
        "message Ping {",
        "  string name = ;",
        "}",
      ].join("\n"),
    );
    const out = path.join(tmp, "kept");
    await cp(outA, out, { recursive: true });
    const before = await readTree(out);

    const result = await runGenerate(["--proto", protoDir, "--out", out]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/broken\/ping\.proto:5:\d+:/);
    expect(result.stderr).toContain("buf lint failed");
    expect(treeDifferences(before, await readTree(out))).toEqual([]);
    expect(await leftoverScratch(out)).toEqual([]);
  });

  it("an unknown key in protocol.config.json is rejected by name", async () => {
    const config = path.join(tmp, "typo.config.json");
    await writeFile(
      config,
      JSON.stringify({ handshake: { magicCookieValue: "datasource" }, pluginSet: {} }),
    );
    const out = path.join(tmp, "never-written");

    const result = await runGenerate(["--config", config, "--out", out]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(config);
    expect(result.stderr).toMatch(/unknown key\(s\) "pluginSet"/);
    expect(result.stderr).toContain("allowed: $schema, handshake, pluginSets");
    expect(existsSync(out)).toBe(false);
    expect(await leftoverScratch(out)).toEqual([]);
  });

  it("an unknown flag is a usage error", async () => {
    const result = await runGenerate(["--frobnicate"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown argument --frobnicate");
    expect(result.stderr).toContain("usage: generate [--proto DIR] [--out DIR]");
  });

  it("a flag without its value is a usage error", async () => {
    const result = await runGenerate(["--out"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--out needs a value");
  });

  it("a missing --config file or proto directory is named", async () => {
    const noConfig = await runGenerate(["--config", path.join(tmp, "absent.json")]);
    expect(noConfig.code).not.toBe(0);
    expect(noConfig.stderr).toContain(`${path.join(tmp, "absent.json")} does not exist`);

    const noProto = await runGenerate([
      "--proto",
      path.join(tmp, "no-protos"),
      "--out",
      path.join(tmp, "x"),
    ]);
    expect(noProto.code).not.toBe(0);
    expect(noProto.stderr).toContain(`proto directory not found: ${path.join(tmp, "no-protos")}`);
  });
});
