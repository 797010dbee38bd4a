// What generate reuses between runs, on a real filesystem: the format cache
// hands back a file only while the output still holds exactly what prettier
// made of the same text with the same prettier and options; the memo of the
// plugins' files is used only while every input it is keyed on is unchanged.

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatCache } from "../generator/command/format-cache.js";
import { GenerateMemo, type MemoInputs } from "../generator/command/generate-memo.js";
import { bufInput } from "../generator/command/run-buf.js";
import { findToolchain } from "../generator/command/tools.js";

let tmp: string;

beforeAll(async () => {
  tmp = path.join(tmpdir(), `gpts-caches-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
});

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("FormatCache", () => {
  const salt = "prettier 3.0.0 {}";

  it("answers from the output directory once the same text was formatted into it", async () => {
    const out = path.join(tmp, "format-hit");
    await mkdir(out, { recursive: true });
    const first = await FormatCache.open(out, salt);
    expect(await first.lookup("a.ts", "const a=1")).toBeUndefined();
    first.remember("a.ts", "const a=1", "const a = 1;\n");
    await first.save();
    await writeFile(path.join(out, "a.ts"), "const a = 1;\n");

    const second = await FormatCache.open(out, salt);
    expect(await second.lookup("a.ts", "const a=1")).toBe("const a = 1;\n");
    expect(await second.lookup("a.ts", "const a=2")).toBeUndefined();
    expect(await second.lookup("b.ts", "const a=1")).toBeUndefined();
  });

  it("formats again when the output file was edited or removed, or prettier or its options changed", async () => {
    const out = path.join(tmp, "format-miss");
    await mkdir(out, { recursive: true });
    const cache = await FormatCache.open(out, salt);
    cache.remember("a.ts", "const a=1", "const a = 1;\n");
    await cache.save();
    await writeFile(path.join(out, "a.ts"), "const a = 1;\n");

    expect(
      await (await FormatCache.open(out, "prettier 3.0.1 {}")).lookup("a.ts", "const a=1"),
    ).toBe(undefined);
    await writeFile(path.join(out, "a.ts"), "const a = 1; // edited\n");
    expect(await (await FormatCache.open(out, salt)).lookup("a.ts", "const a=1")).toBeUndefined();
    await rm(path.join(out, "a.ts"));
    expect(await (await FormatCache.open(out, salt)).lookup("a.ts", "const a=1")).toBeUndefined();
  });
});

describe("GenerateMemo", () => {
  async function setup(name: string) {
    const protoDir = path.join(tmp, name, "proto");
    await mkdir(path.join(protoDir, "acme"), { recursive: true });
    await writeFile(path.join(protoDir, "acme/a.proto"), 'syntax = "proto3";\npackage acme;\n');
    const config = path.join(tmp, name, "protocol.config.json");
    await writeFile(config, "{}");
    const tools = findToolchain();
    const inputs: MemoInputs = {
      at: bufInput(protoDir),
      template: '{"plugins":[]}',
      configPath: config,
      grafanaPlugin: [process.execPath, "/cache/protoc-gen-grafana-plugin-0123.mjs"],
      tsProtoPlugin: tools.tsProtoPlugin,
    };
    const out = path.join(tmp, name, "output");
    const generated = path.join(tmp, name, "generated");
    await mkdir(path.join(generated, "acme"), { recursive: true });
    await writeFile(path.join(generated, "acme/a.ts"), "export const a = 1;\n");
    await writeFile(path.join(generated, "protocol.binpb"), Buffer.from([0, 1, 2]));
    return { protoDir, config, inputs, out, generated };
  }

  it("gives back what it stored while the inputs are the same, without the skipped files", async () => {
    const { inputs, out, generated } = await setup("memo-hit");
    const memo = await GenerateMemo.open(out, inputs);
    expect(memo.key).toMatch(/^[0-9a-f]{64}$/);
    expect(await memo.restore(path.join(tmp, "memo-hit", "nothing-yet"))).toBe(false);
    await memo.store(generated, ["protocol.binpb"]);

    const restored = path.join(tmp, "memo-hit", "restored");
    expect(await (await GenerateMemo.open(out, inputs)).restore(restored)).toBe(true);
    expect(await readFile(path.join(restored, "acme/a.ts"), "utf8")).toBe("export const a = 1;\n");
    await expect(readFile(path.join(restored, "protocol.binpb"))).rejects.toThrow();
  });

  it("misses when a proto, the config, the template or the output directory changes", async () => {
    const { protoDir, config, inputs, out, generated } = await setup("memo-miss");
    await (await GenerateMemo.open(out, inputs)).store(generated, ["protocol.binpb"]);
    const missesWith = async (changed: MemoInputs, outDir = out) =>
      !(await (await GenerateMemo.open(outDir, changed)).restore(path.join(tmp, "memo-miss", "x")));

    expect(await missesWith({ ...inputs, template: '{"plugins":[1]}' })).toBe(true);
    expect(await missesWith(inputs, path.join(tmp, "memo-miss", "other-output"))).toBe(true);
    await writeFile(config, '{"pluginSets":{}}');
    expect(await missesWith(inputs)).toBe(true);
    await writeFile(config, "{}");
    await writeFile(path.join(protoDir, "acme/b.proto"), 'syntax = "proto3";\npackage acme;\n');
    expect(await missesWith(inputs)).toBe(true);
    await rm(path.join(protoDir, "acme/b.proto"));
    expect(await missesWith(inputs)).toBe(false);
  });

  it("has no key when the plugin runs from TypeScript source (its code is not in the command)", async () => {
    const { inputs, out } = await setup("memo-source");
    const memo = await GenerateMemo.open(out, {
      ...inputs,
      grafanaPlugin: [process.execPath, "--import", "tsx", "/repo/generator/plugin.ts"],
    });
    expect(memo.key).toBeUndefined();
    expect(await memo.restore(path.join(tmp, "memo-source", "x"))).toBe(false);
  });
});
