// The README's dozen-line QueryData handler (examples/readme-sine) builds, starts
// through the go-plugin handshake and answers with a time series frame.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../output/pluginv2/backend.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { frameFromArrow } from "../runtime/frames/index.js";
import { startPlugin, type HostedPlugin } from "../runtime/index.js";
import { REPO_ROOT } from "./support/example-plugin.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

describe("README QueryData example", () => {
  let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "readme-sine-"));
    const built = await buildPlugin(join(REPO_ROOT, "examples", "readme-sine"), { outDir: out });
    plugin = await startPlugin({ executable: built.executable, protocol });
  });

  afterAll(async () => {
    await plugin?.kill();
    rmSync(out, { recursive: true, force: true });
  });

  it("is the code the README shows", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const source = readFileSync(join(REPO_ROOT, "examples/readme-sine/src/main.ts"), "utf8");
    expect(readme).toContain(source.trim());
  });

  it("answers CheckHealth OK without a health handler, as a Go SDK plugin does", async () => {
    const health = await plugin.clients.diagnostics.checkHealth({});
    expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
  });

  it("answers QueryData with a 100-point time series frame", async () => {
    const from = 1_700_000_000_000n;
    const response = await plugin.clients.data.queryData({
      queries: [{ refId: "A", timeRange: { fromEpochMS: from, toEpochMS: from + 3_600_000n } }],
    });
    const answer = response.responses.A;
    expect(answer.error).toBe("");
    expect(answer.frames).toHaveLength(1);
    const frame = frameFromArrow(answer.frames[0]);
    expect(frame.name).toBe("sine");
    expect(frame.refId).toBe("A");
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ["time", "time"],
      ["value", "float64"],
    ]);
    expect(frame.rowCount()).toBe(100);
    expect(frame.fields[0].get(0)).toBe(from * 1_000_000n); // nanoseconds
    expect(frame.fields[1].get(0)).toBeCloseTo(Math.sin(Number(from) / 60_000));
  });
});
