// startPlugin() against executables that fail the ways real plugins do
// before (and right after) their handshake, and the hclog line parser the
// host files plugin logs with.

import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import {
  createLogger,
  HandshakeError,
  PluginStartError,
  startPlugin,
  type PluginLogEntry,
} from "../runtime/index.js";
import { parseLogLine } from "../runtime/host/plugin-process.js";
import { fixtureBundler, isAlive } from "./support/runtime-helpers.js";

const fixtures = fixtureBundler();
let fake = "";
let behaviour = "";
const running: { kill(ms?: number): Promise<unknown> }[] = [];

beforeAll(async () => {
  [fake, behaviour] = await Promise.all([
    fixtures.bundle("fake-plugin"),
    fixtures.bundle("behaviour-plugin"),
  ]);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill(300)));
});
afterAll(() => fixtures.cleanup());

function startFake(args: string[], options: { startTimeoutMs?: number; autoMTLS?: boolean } = {}) {
  const logs: PluginLogEntry[] = [];
  const started = startPlugin({
    executable: fake,
    args,
    protocol,
    onLog: (entry) => logs.push(entry),
    ...options,
  });
  void started.then((p) => running.push(p)).catch(() => {});
  return { started, logs };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected startPlugin to fail");
    },
    (error: Error) => error,
  );
}

describe("startPlugin: handshake failures", () => {
  it("quotes what the plugin printed instead of a handshake line", async () => {
    const error = await failure(startFake(["print", "Hello, world: connecting to db"]).started);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error.message).toBe(
      'unrecognized remote plugin message "Hello, world: connecting to db": expected CORE|VERSION|NETWORK|ADDRESS|grpc (was anything printed to stdout before the handshake?)',
    );
  });

  it.each([
    [
      "2|2|unix|/tmp/x|grpc|",
      /incompatible core protocol version 2 in "2\|2\|unix\|\/tmp\/x\|grpc\|": this host speaks 1/,
    ],
    ["1|5|unix|/tmp/x|grpc|", /plugin chose protocol version 5 in .*, but the host offered 2/],
    ["1|2|udp|/tmp/x|grpc|", /unknown network "udp" in .*: expected unix or tcp/],
    ["1|2|unix|/tmp/x|netrpc|", /plugin speaks "netrpc" in .*; only grpc is supported/],
    ["1|2|unix||grpc|", /empty address in "1\|2\|unix\|\|grpc\|"/],
  ])("rejects %s", async (line, message) => {
    const error = await failure(startFake(["print", line]).started);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error.message).toMatch(message);
  });

  it("refuses a plugin that sends no certificate when AutoMTLS was asked for", async () => {
    const error = await failure(
      startFake(["print", "1|2|unix|/tmp/none|grpc|"], { autoMTLS: true }).started,
    );
    expect(error.message).toBe(
      "AutoMTLS was requested but the plugin sent no certificate in its handshake",
    );
  });
});

describe("startPlugin: process failures", () => {
  it("reports an early exit with its code and the plugin's stderr", async () => {
    const error = await failure(
      startFake(["fail", "3", "fatal: GF_DATABASE_URL is not set"]).started,
    );
    expect(error).toBeInstanceOf(PluginStartError);
    expect(error.message).toBe(
      `${fake}: exited (code 3) before printing a handshake line\n` +
        "plugin stderr (last lines):\n  fatal: GF_DATABASE_URL is not set",
    );
  });

  it("gives up when no handshake comes within the timeout, and kills the plugin", async () => {
    const started = performance.now();
    const error = await failure(startFake(["silent"], { startTimeoutMs: 400 }).started);
    expect(error).toBeInstanceOf(PluginStartError);
    expect(error.message).toBe(
      `${fake}: no handshake line within 400 ms\nplugin wrote nothing to stderr`,
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    await expect.poll(() => pidsRunning(fake, "silent")).toEqual([]);
  });

  it("reports an executable that does not exist", async () => {
    const missing = join(fake, "..", "gpx_missing_linux_amd64");
    const error = await failure(startPlugin({ executable: missing, protocol }));
    expect(error).toBeInstanceOf(PluginStartError);
    expect(error.message).toMatch(/cannot start: spawn .*gpx_missing_linux_amd64 ENOENT/);
  });

  it("reports an executable without its exec bit", async () => {
    const file = join(fake, "..", "not-executable");
    await writeFile(file, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const error = await failure(startPlugin({ executable: file, protocol }));
    expect(error).toBeInstanceOf(PluginStartError);
    expect(error.message).toMatch(/cannot start: spawn .*not-executable EACCES/);
  });
});

describe("startPlugin: after the handshake", () => {
  it("reports stdout written after the handshake as a warning log", async () => {
    const { started, logs } = startFake(["print", "1|2|unix|/tmp/none|grpc|", "stray output"]);
    await started;
    await expect
      .poll(() => logs.map((l) => [l.level, l.message]))
      .toContainEqual(["warn", "unexpected stdout after handshake: stray output"]);
  });

  it("SIGKILLs a plugin that does not exit after Shutdown", async () => {
    // The fake plugin prints a valid handshake but serves nothing: Shutdown cannot reach it.
    const plugin = await startFake(["print", "1|2|unix|/tmp/none|grpc|"]).started;
    const result = await plugin.kill(300);
    expect(result).toEqual({ code: null, signal: "SIGKILL", graceful: false });
    expect(isAlive(plugin.pid)).toBe(false);
  });

  it("hands the plugin's hclog lines to onLog, parsed", async () => {
    const logs: PluginLogEntry[] = [];
    const plugin = await startPlugin({
      executable: behaviour,
      protocol,
      onLog: (entry) => logs.push(entry),
      onStdio: () => {},
    });
    running.push(plugin);
    await expect
      .poll(() => logs.find((l) => l.message === "plugin serving"))
      .toMatchObject({
        level: "debug",
        module: "plugin",
        fields: { protocol_version: 2, network: "unix", address: plugin.handshake.address },
      });
  });
});

describe("parseLogLine", () => {
  it("reads an hclog JSON line into level, message, module, timestamp and fields", () => {
    const raw =
      '{"@level":"warn","@message":"slow query","@module":"plugin.sql","@timestamp":"2024-05-01T10:00:00.123456Z","ms":1200,"ref":"A"}';
    expect(parseLogLine(raw)).toEqual({
      level: "warn",
      message: "slow query",
      module: "plugin.sql",
      timestamp: "2024-05-01T10:00:00.123456Z",
      fields: { ms: 1200, ref: "A" },
      raw,
    });
  });

  it("keeps every hclog level and files unknown ones under debug", () => {
    for (const level of ["trace", "debug", "info", "warn", "error"])
      expect(parseLogLine(JSON.stringify({ "@level": level, "@message": "m" })).level).toBe(level);
    expect(parseLogLine('{"@level":"fatal","@message":"m"}').level).toBe("debug");
    expect(parseLogLine('{"@message":"m"}').level).toBe("debug");
  });

  it("keeps non-JSON lines whole, as debug messages (as go-plugin does)", () => {
    expect(parseLogLine("panic: runtime error")).toEqual({
      level: "debug",
      message: "panic: runtime error",
      fields: {},
      raw: "panic: runtime error",
    });
    expect(parseLogLine("{not json")).toMatchObject({ level: "debug", message: "{not json" });
  });

  it("reads back what our own logger writes", () => {
    const lines: string[] = [];
    const logger = createLogger({ module: "plugin", level: "trace", write: (l) => lines.push(l) });
    logger
      .named("datasource")
      .with({ uid: "ds-1" })
      .error("query failed", { error: new Error("boom") });
    expect(lines).toHaveLength(1);
    const entry = parseLogLine(lines[0].trimEnd());
    expect(entry).toMatchObject({
      level: "error",
      message: "query failed",
      module: "plugin.datasource",
      fields: { uid: "ds-1", error: "boom" },
    });
    expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

/** Live processes whose command line is `node <executable> <arg> …` (from /proc). */
function pidsRunning(executable: string, arg: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = argv.indexOf(executable);
      if (at >= 0 && argv[at + 1] === arg && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
