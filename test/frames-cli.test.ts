// `grafana-plugin-ts frames`, called as a function on the Go SDK's golden files: table output,
// conversion both ways, JSON arrays of frames, and errors with exit codes.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { framesCommand } from "../cli/frames-command.js";
import { frameFromArrow, frameToJSON } from "../runtime/frames/index.js";
import { parseJSONText } from "../runtime/frames/json-text.js";
import {
  expectFrameMatchesGoldenJSON,
  goldenArrow,
  goldenArrowPath,
  goldenJSON,
  goldenJSONPath,
  goldenJSONText,
  goldenSkipReason,
} from "./support/frames-golden.js";

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

async function run(args: string[], options: { tty?: boolean } = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (options.tty) Object.assign(stdout, { isTTY: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await framesCommand(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), "frames-cli-"));

describe.skipIf(goldenSkipReason !== undefined)("frames command on the golden files", () => {
  it("prints a table with field names, types, labels and rows by default", async () => {
    const { code, stdout, stderr } = await run([goldenArrowPath]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const text = stdout.toString("utf8");
    expect(text).toMatch(/^Name: many_types {2}\(refId A\)\nDimensions: 35 fields by 5 rows\n/);
    for (const fragment of [
      "| Name: string_values ",
      "| Labels: aLabelKey=aLabelValue ",
      "| Type: nullable int8 ",
      "| Type: time ",
      "| -9223372036854775808 ",
      "| 18446744073709551615 ",
      "| 2262-04-11T23:47:16.854775807Z ",
      "| NaN ",
      '| "ONE" (1) ',
      '| {"a":1} ',
    ]) {
      expect(text).toContain(fragment);
    }
  });

  it("prints the same table for the golden JSON as for the golden Arrow file", async () => {
    const fromArrow = await run([goldenArrowPath, "--to", "table"]);
    const fromJSON = await run([goldenJSONPath]);
    expect(fromJSON.code).toBe(0);
    expect(fromJSON.stdout.toString()).toBe(fromArrow.stdout.toString());
  });

  it("converts Arrow to the Go SDK's JSON, pretty-printed", async () => {
    const { code, stdout } = await run([goldenArrowPath, "--to=json"]);
    expect(code).toBe(0);
    const text = stdout.toString("utf8");
    expect(text).toMatch(/^\{\n {2}"schema": \{\n {4}"name": "many_types",/);
    expect(parseJSONText(text)).toEqual(goldenJSON());
  });

  it("converts JSON to Arrow, into a file or onto standard output", async () => {
    const out = path.join(tmp(), "frame.arrow");
    expect((await run([goldenJSONPath, "--to", "arrow", "--out", out])).code).toBe(0);
    expectFrameMatchesGoldenJSON(frameFromArrow(new Uint8Array(readFileSync(out))), goldenJSON());
    const piped = await run([goldenJSONPath, "--to", "arrow"]);
    expect(piped.code).toBe(0);
    expect(piped.stdout.subarray(0, 6).toString("latin1")).toBe("ARROW1");
    expect(piped.stdout).toEqual(readFileSync(out));
  });

  it("refuses to write binary Arrow to a terminal", async () => {
    const { code, stderr, stdout } = await run([goldenJSONPath, "--to", "arrow"], { tty: true });
    expect(code).toBe(1);
    expect(stdout.length).toBe(0);
    expect(stderr).toContain("refusing to write binary Arrow to a terminal; use --out FILE");
  });

  it("works on frames it wrote itself (JSON → Arrow → JSON)", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "in.json"), goldenJSONText());
    await run([path.join(dir, "in.json"), "--to", "arrow", "--out", path.join(dir, "a.arrow")]);
    await run([path.join(dir, "a.arrow"), "--to", "json", "--out", path.join(dir, "out.json")]);
    expect(parseJSONText(readFileSync(path.join(dir, "out.json"), "utf8"))).toEqual(goldenJSON());
  });

  it("reads a JSON array as several frames", async () => {
    const dir = tmp();
    const list = path.join(dir, "frames.json");
    const one = frameToJSON(frameFromArrow(goldenArrow()));
    writeFileSync(list, `[${one},${one}]`);
    const table = await run([list]);
    expect(table.code).toBe(0);
    expect(table.stdout.toString().match(/^Name: many_types/gm)).toHaveLength(2);
    const json = await run([list, "--to", "json", "--out", path.join(dir, "out.json")]);
    expect(json.code).toBe(0);
    const written = parseJSONText(readFileSync(path.join(dir, "out.json"), "utf8")) as unknown[];
    expect(written).toEqual([goldenJSON(), goldenJSON()]);
    const arrow = await run([list, "--to", "arrow", "--out", path.join(dir, "x.arrow")]);
    expect(arrow.code).toBe(1);
    expect(arrow.stderr).toContain(
      "an Arrow file holds one frame, the input has 2 (use --to json)",
    );
  });
});

describe("frames command errors", () => {
  it("reports unreadable, unrecognised and corrupt input with exit code 1", async () => {
    const dir = tmp();
    const missing = await run([path.join(dir, "nope.arrow")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.arrow: ENOENT/);

    writeFileSync(path.join(dir, "text.txt"), "hello");
    const text = await run([path.join(dir, "text.txt")]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain("text.txt: neither an Arrow IPC file (ARROW1) nor a JSON frame");

    writeFileSync(path.join(dir, "cut.arrow"), "ARROW1\0\0 truncated");
    const cut = await run([path.join(dir, "cut.arrow")]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain("cut.arrow: truncated Arrow IPC file");

    writeFileSync(
      path.join(dir, "bad.json"),
      '{"schema":{"fields":[{"typeInfo":{"frame":"int8"}}]},"data":{"values":[[999]]}}',
    );
    const bad = await run([path.join(dir, "bad.json")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("999 at row 0 does not fit int8");
  });

  it("reports bad usage with exit code 2 and prints help on request", async () => {
    for (const args of [
      [],
      ["a", "b"],
      ["x.arrow", "--to", "xml"],
      ["x.arrow", "--out"],
      ["x.arrow", "--bogus"],
    ]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toContain("usage: grafana-plugin-ts frames");
    }
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain("--to json");
  });
});
