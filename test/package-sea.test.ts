// `package` end to end: the example datasource packaged once into a temp
// dir, then its single executable started by our TypeScript host and by the
// real go-plugin host with no `node` anywhere on PATH and from "/", as
// Grafana on a host without Node.js would start it.

import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../output/pluginv2/backend.js";
import { packagePlugin, type PackageResult } from "../packaging/package-plugin.js";
import { startPlugin } from "../runtime/index.js";
import { EXAMPLE_DIR } from "./support/example-plugin.js";
import { buildGoInterop, runGoHost } from "./support/go-interop.js";

const ID = "grafana-ts-timeseries-datasource";
const EXE = "gpx_timeseries_linux_amd64";
/** A PATH on which no `node` can be found. */
const NO_NODE_PATH = "/usr/bin/nonexistent";

const onAmd64Linux = process.platform === "linux" && process.arch === "x64";
if (!onAmd64Linux)
  console.warn(
    `[package-sea] SKIPPED: needs linux/x64 (this is ${process.platform}/${process.arch})`,
  );
const go = await buildGoInterop();
if (!go.ok) console.warn(`[package-sea] Go host tests SKIPPED: ${go.reason}`);
const hasUnzip = existsSync("/usr/bin/unzip");
if (!hasUnzip) console.warn("[package-sea] zip listing SKIPPED: /usr/bin/unzip not installed");

describe.skipIf(!onAmd64Linux)("package: the example as a single executable", () => {
  let out = "";
  let result: PackageResult;
  let executable = "";

  beforeAll(async () => {
    out = join(await mkdtemp(join(tmpdir(), "gpts-package-")), "out");
    result = await packagePlugin({ projectDir: EXAMPLE_DIR, outDir: out });
    executable = join(out, ID, EXE);
  }, 240_000);
  afterAll(() => rm(join(out, ".."), { recursive: true, force: true }));

  it("writes <out>/<id>/ with plugin.json and an executable gpx_<name>_linux_amd64", () => {
    expect(result.pluginDir).toBe(join(out, ID));
    expect(existsSync(join(out, ID, "plugin.json"))).toBe(true);
    expect(statSync(executable).mode & 0o777).toBe(0o755);
    expect(result.executables).toEqual([
      expect.objectContaining({
        arch: "amd64",
        path: executable,
        bytes: statSync(executable).size,
      }),
    ]);
    expect(result.executables[0]!.handshakeMs).toBeGreaterThan(0);
    expect(result.archives.map((a) => a.path)).toEqual([join(out, `${ID}-0.1.0.linux_amd64.zip`)]);
    console.log(
      `[package-sea] ${(result.executables[0]!.bytes / 2 ** 20).toFixed(1)} MiB, ` +
        `handshake ${result.executables[0]!.handshakeMs!.toFixed(0)} ms, packaged in ${(result.ms / 1000).toFixed(1)} s`,
    );
  });

  it("serves the TypeScript host with no node on PATH, from /", async () => {
    const plugin = await startPlugin({
      executable,
      protocol,
      inheritEnv: false,
      env: { PATH: NO_NODE_PATH },
      cwd: "/",
    });
    try {
      const health = await plugin.clients.diagnostics.checkHealth({});
      expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
      const data = await plugin.clients.data.queryData({ queries: [{ refId: "A" }] });
      expect(Object.keys(data.responses)).toEqual(["A"]);
      const replies = [];
      for await (const reply of plugin.clients.resource.callResource({
        path: "hello",
        method: "GET",
        url: "/hello",
      }))
        replies.push(reply);
      expect(replies[0]?.code).toBe(200);
      const stream = plugin.clients.stream.runStream({ path: "stream/1" });
      let packets = 0;
      for await (const _ of stream) if (++packets >= 1) break;
      stream.cancel();
      expect(packets).toBeGreaterThanOrEqual(1);
    } finally {
      expect((await plugin.kill()).graceful).toBe(true);
    }
  });

  it.skipIf(!go.ok)("serves the real go-plugin host with no node on PATH", async () => {
    const run = await runGoHost(executable, ["-calls", "check-health,query,resource,stream"], {
      env: { PATH: NO_NODE_PATH },
    });
    expect(run.code, run.stderr).toBe(0);
    const calls = Object.fromEntries(run.lines.map((l) => [l.call, l]));
    expect(calls["check-health"], run.stderr).toMatchObject({ ok: true, status: "OK" });
    expect(calls.query).toMatchObject({ ok: true, responses: { A: {} } });
    expect(calls.resource).toMatchObject({ ok: true, status: 200 });
    expect(calls.stream).toMatchObject({ ok: true });
    expect(calls.stream.packets).toBeGreaterThanOrEqual(1);
    expect(calls.kill).toMatchObject({ ok: true });
  });

  it.skipIf(!hasUnzip)("zips one top-level <plugin-id>/ folder, keeping the executable bit", () => {
    const zip = result.archives[0]!.path;
    execFileSync("unzip", ["-tq", zip]);
    const listing = execFileSync("unzip", ["-Z", zip], { encoding: "utf8" })
      .split("\n")
      .filter((line) => /^[-d]r/.test(line))
      .map((line) => ({ mode: line.slice(0, 10), name: line.split(/\s+/).at(-1)! }));
    expect(listing.map((e) => e.name).sort()).toEqual([
      `${ID}/`,
      `${ID}/${EXE}`,
      `${ID}/plugin.json`,
    ]);
    expect(listing.find((e) => e.name === `${ID}/${EXE}`)!.mode).toBe("-rwxr-xr-x");
    expect(listing.find((e) => e.name === `${ID}/plugin.json`)!.mode).toBe("-rw-r--r--");
  });
});
