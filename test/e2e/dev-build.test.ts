// A development build (`grafana-plugin-ts build`) as hosts start it: from its
// path, with whatever environment the host gives, possibly none at all.

import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../../output/pluginv2/backend.js";
import { buildPlugin, type BuiltPlugin } from "../../packaging/build-plugin.js";
import { missingNodeLine, nodeLauncher } from "../../packaging/node-launcher.js";
import { startPlugin } from "../../runtime/index.js";
import { REPO_ROOT } from "../support/example-plugin.js";
import { spawnRaw } from "../support/runtime-helpers.js";

const MISSING_NODE = "/nonexistent/bin/node";
let out = "";
let built: BuiltPlugin;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "gpts-dev-build-"));
  built = await buildPlugin(join(REPO_ROOT, "examples", "readme-sine"), { outDir: out });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The built plugin behind a launcher that records `nodePath` instead of this node. */
function launcherFor(name: string, nodePath: string): string {
  const executable = join(out, name);
  copyFileSync(built.script, `${executable}.cjs`);
  writeFileSync(executable, nodeLauncher({ pluginId: built.pluginId, nodePath }), { mode: 0o755 });
  return executable;
}

/** go-plugin's variables only: no PATH, no HOME. */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { grafana_plugin_type: "datasource", PLUGIN_PROTOCOL_VERSIONS: "2", ...extra };
}

describe("a development build", () => {
  it("starts and answers with an environment holding only go-plugin's variables (no PATH)", async () => {
    expect(readFileSync(built.executable, "utf8")).toContain(`node='${process.execPath}'\n`);
    const plugin = await startPlugin({ executable: built.executable, protocol, inheritEnv: false });
    try {
      const health = await plugin.clients.diagnostics.checkHealth({});
      expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
      const answer = await plugin.clients.data.queryData({
        queries: [{ refId: "A", timeRange: { fromEpochMS: 0n, toEpochMS: 3_600_000n } }],
      });
      expect(answer.responses.A?.error).toBe("");
    } finally {
      await plugin.kill();
    }
  });

  it("runs the node it recorded, wherever that lives, not one from a default path", async () => {
    // A "node" outside /bin and /usr/bin that leaves a mark, then runs this node;
    // its path has a space and a quote, which the launcher must quote.
    const elsewhere = mkdtempSync(join(out, "a node's home "));
    const marker = join(elsewhere, "ran");
    writeFileSync(
      join(elsewhere, "node"),
      `#!/bin/sh\n: > "${marker}"\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    const plugin = spawnRaw(launcherFor("gpx_elsewhere", join(elsewhere, "node")), bareEnv());
    try {
      expect(await plugin.firstLine, plugin.stderr()).toMatch(/^1\|2\|unix\|/);
      expect(existsSync(marker)).toBe(true);
    } finally {
      plugin.child.kill("SIGKILL");
    }
  });

  it("falls back to the node on PATH when the one that built it is gone", async () => {
    const plugin = spawnRaw(
      launcherFor("gpx_missing_node", MISSING_NODE),
      bareEnv({ PATH: dirname(process.execPath) }),
    );
    try {
      expect(await plugin.firstLine).toMatch(/^1\|2\|unix\|/);
    } finally {
      plugin.child.kill("SIGKILL");
    }
  });

  it("without either, exits 127 with an hclog line saying what to do", async () => {
    // PATH unset would mean sh's default, /bin:/usr/bin, which may well hold a node.
    const child = spawn(launcherFor("gpx_no_node", MISSING_NODE), [], {
      env: bareEnv({ PATH: "/nonexistent" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(127);
    expect(stdout).toBe("");
    expect(stderr).toBe(missingNodeLine(built.pluginId, MISSING_NODE) + "\n");
    expect(JSON.parse(stderr)).toMatchObject({
      "@level": "error",
      fix: expect.stringContaining("grafana-plugin-ts build"),
    });
  });
});
