// buf itself runs buf.gen.yaml as it stands (a real buf child process, which
// runs our plugin through tsx): the template users may run by hand stays valid.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT as repoRoot } from "../support/example-plugin.js";
import { bufBinary } from "../support/generate-helpers.js";

describe("buf.gen.yaml", () => {
  it("buf itself accepts buf.gen.yaml and generates the same messages", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bufgen-"));
    try {
      await cp(path.join(repoRoot, "proto"), path.join(dir, "proto"), { recursive: true });
      await cp(path.join(repoRoot, "buf.yaml"), path.join(dir, "buf.yaml"));
      await cp(path.join(repoRoot, "protocol.config.json"), path.join(dir, "protocol.config.json"));
      await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
      await symlink(path.join(repoRoot, "generator"), path.join(dir, "generator"));
      execFileSync(
        bufBinary(),
        ["generate", "--template", path.join(repoRoot, "buf.gen.yaml"), "proto"],
        { cwd: dir, stdio: "pipe" },
      );
      const ours = await readFile(path.join(dir, "output/pluginv2/backend.grpc.ts"), "utf8");
      expect(ours).toContain("export const DiagnosticsService = {");
      const messages = await readFile(path.join(dir, "output/pluginv2/backend.ts"), "utf8");
      expect(messages).toContain("export const CheckHealthRequest");
      expect(messages).not.toContain("@grpc/grpc-js");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
