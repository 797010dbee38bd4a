// The zip writer on its own: modes, directories, stored vs deflated
// entries, checked with Info-ZIP's unzip (what a Grafana admin would use).

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../packaging/zip.js";

const hasUnzip = existsSync("/usr/bin/unzip");
if (!hasUnzip) console.warn("[package-zip] SKIPPED: /usr/bin/unzip not installed");

describe.skipIf(!hasUnzip)("writeZip", () => {
  let dir = "";
  let zip = "";
  const random = randomBytes(4096);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gpts-zip-"));
    await writeFile(join(dir, "run"), "#!/bin/sh\necho hi\n".repeat(50));
    await chmod(join(dir, "run"), 0o755);
    await writeFile(join(dir, "data.bin"), random);
    await chmod(join(dir, "data.bin"), 0o600);
    await writeFile(join(dir, "empty"), "");
    zip = join(dir, "out.zip");
    await writeZip(zip, [
      { name: "p/" },
      { name: "p/run", source: join(dir, "run") },
      { name: "p/data.bin", source: join(dir, "data.bin") },
      { name: "p/empty", source: join(dir, "empty") },
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("passes unzip's integrity test", () => {
    expect(execFileSync("unzip", ["-t", zip], { encoding: "utf8" })).toContain(
      "No errors detected",
    );
  });

  it("keeps Unix modes and deflates only what shrinks", () => {
    const rows = execFileSync("unzip", ["-Z", zip], { encoding: "utf8" })
      .split("\n")
      .filter((l) => /^[-d]/.test(l))
      .map((l) => l.split(/\s+/))
      .map((f) => ({ mode: f[0], system: f[2], method: f[5], name: f.at(-1) }));
    expect(rows).toEqual([
      { mode: "drwxr-xr-x", system: "unx", method: "stor", name: "p/" },
      { mode: "-rwxr-xr-x", system: "unx", method: "defN", name: "p/run" },
      { mode: "-rw-------", system: "unx", method: "stor", name: "p/data.bin" },
      { mode: "-rw-r--r--", system: "unx", method: "stor", name: "p/empty" },
    ]);
  });

  it("round-trips contents", () => {
    expect(execFileSync("unzip", ["-p", zip, "p/data.bin"]).equals(random)).toBe(true);
    expect(execFileSync("unzip", ["-p", zip, "p/run"], { encoding: "utf8" })).toBe(
      "#!/bin/sh\necho hi\n".repeat(50),
    );
  });
});
