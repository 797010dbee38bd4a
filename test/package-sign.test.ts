// Where signing happens in `package`: on the complete plugin directory and
// before it is zipped, so the archive carries the MANIFEST.txt. The signer
// here is a stand-in that records what it saw and writes a placeholder file
// (clearly not a signature); real signing is `npx @grafana/sign-plugin`.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packagePlugin, type PackageResult } from "../packaging/package-plugin.js";
import { EXAMPLE_DIR } from "./support/example-plugin.js";

const ID = "grafana-ts-timeseries-datasource";
const onAmd64Linux = process.platform === "linux" && process.arch === "x64";
const hasUnzip = existsSync("/usr/bin/unzip");

describe.skipIf(!onAmd64Linux)("package --sign: the signer sees the finished directory", () => {
  let root = "";
  let result: PackageResult;
  const seen: string[][] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gpts-package-sign-"));
    result = await packagePlugin({
      projectDir: EXAMPLE_DIR,
      outDir: join(root, "out"),
      sign: async (dir) => {
        seen.push(readdirSync(dir).sort());
        await writeFile(join(dir, "MANIFEST.txt"), "test placeholder, not a Grafana signature\n");
      },
    });
  }, 240_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("signs once, after the executable and plugin.json are in place", () => {
    expect(seen).toEqual([["gpx_timeseries_linux_amd64", "plugin.json"]]);
    expect(existsSync(join(result.pluginDir, "MANIFEST.txt"))).toBe(true);
  });

  it.skipIf(!hasUnzip)("zips the manifest with the rest", () => {
    const listing = execFileSync("unzip", ["-Z1", result.archives[0]!.path], { encoding: "utf8" });
    expect(listing.split("\n").filter(Boolean).sort()).toEqual([
      `${ID}/`,
      `${ID}/MANIFEST.txt`,
      `${ID}/gpx_timeseries_linux_amd64`,
      `${ID}/plugin.json`,
    ]);
  });
});
