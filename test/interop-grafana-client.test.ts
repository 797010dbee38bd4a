// The go-plugin 1.8.0 host with Grafana's client configuration
// (test/interop/gohost/config_v1_8.go) and each option Grafana or go-plugin
// can turn on, tried against go-plugin 1.8's own Go plugin and against our
// TypeScript runtime side by side: what the Go plugin does is the contract.
// Every case is a real host process starting a real plugin process.

import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleExecutable } from "./support/example-plugin.js";
import { buildEveryGoInterop, goHostFor, type GoHostRun } from "./support/go-interop.js";
import { fixtureBundler, hclogLines, pluginEnv, spawnRaw } from "./support/runtime-helpers.js";

const builds = await buildEveryGoInterop("interop-grafana-client");
const v18 = builds["1.8.0"];
const v101 = builds["1.0.1"];
const runGoHost = goHostFor("1.8.0");
const runGoHostV101 = goHostFor("1.0.1");

const byCall = (lines: any[]) => Object.fromEntries(lines.map((l) => [l.call, l]));

/** What both plugins answer on resource path "introspect" (goplugin/introspect.go). */
interface Introspection {
  envKeys: string[];
  pluginEnv: Record<string, string>;
  traceparent: string;
}

function introspection(run: GoHostRun): Introspection {
  const resource = byCall(run.lines).resource;
  expect(resource, run.stderr).toMatchObject({ ok: true, status: 200 });
  return JSON.parse(resource.body);
}

/** The variables go-plugin itself always sets, with their values. */
const GO_PLUGIN_ENV = {
  PLUGIN_MIN_PORT: "10000",
  PLUGIN_MAX_PORT: "25000",
  PLUGIN_PROTOCOL_VERSIONS: "2",
};
/** A variable of the host's explicit environment (Cmd.Env, -env). */
const EXPLICIT = "GF_INTEROP_EXPLICIT";

/** A group the socket can be given: any group for root, else our own. */
function socketGroup(): { name: string; gid: number } {
  if (process.getuid?.() === 0) {
    const nogroup = readFileSync("/etc/group", "utf8")
      .split("\n")
      .map((line) => line.split(":"))
      .find(([name]) => name === "nogroup");
    if (nogroup) return { name: "nogroup", gid: Number(nogroup[2]) };
  }
  const gid = process.getgid?.() ?? 0;
  return { name: String(gid), gid };
}

describe.skipIf(!v18.ok)("go-plugin 1.8.0 host, Grafana's client config", () => {
  const fixtures = fixtureBundler();
  let behaviour = "";
  beforeAll(async () => {
    behaviour = await fixtures.bundle("behaviour-plugin");
  });
  afterAll(() => fixtures.cleanup());

  /**
   * The two plugins every option is tried with. `withoutPath` starts the
   * plugin so that it needs no PATH: the Go binary as is, ours through an
   * absolute node path.
   */
  const peers = [
    {
      peer: "go-plugin 1.8.0's Go plugin",
      ts: false,
      plugin: () => (v18.ok ? v18.pluginPath : ""),
      withoutPath: (): [string, string[]] => [v18.ok ? v18.pluginPath : "", []],
    },
    {
      peer: "our TypeScript plugin",
      ts: true,
      plugin: () => behaviour,
      withoutPath: (): [string, string[]] => [process.execPath, ["-arg", behaviour]],
    },
  ];

  const peerRows = peers.map((p) => [p.peer, p] as const);
  describe.each(peerRows)("with %s", (_, { ts, plugin, withoutPath }) => {
    it("default: Cmd.Env plus the host's environment, the stats handler's traceparent, GRPCStdio and broker opened at connect", async () => {
      const run = await runGoHost(plugin(), [
        ...["-calls", "check-health,resource", "-resource-path", "introspect"],
        ...["-env", `${EXPLICIT}=1`, "-report-connect", "-report-rpcs"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { connect, kill, rpcs } = byCall(run.lines);
      expect(connect).toMatchObject({ ok: true, goPlugin: "1.8.0", version: 2, network: "unix" });
      // No PLUGIN_UNIX_SOCKET_DIR in process mode: the temp dir, as go-plugin.
      expect(path.dirname(connect.address)).toBe(tmpdir());
      // go-plugin leaves the mode to the umask; ours is 0600 (docs: deviations).
      if (ts) expect(connect.socket.mode).toBe("0600");

      const seen = introspection(run);
      expect(seen.envKeys).toEqual(expect.arrayContaining([EXPLICIT, "PATH", "HOME"]));
      expect(seen.pluginEnv).toEqual(GO_PLUGIN_ENV);
      expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

      // go-plugin opens the stdio and broker streams as it connects, whether
      // or not anything is read; Kill is one Shutdown, and the plugin exits on it.
      expect(rpcs.methods).toEqual({
        "/plugin.GRPCStdio/StreamStdio": 1,
        "/plugin.GRPCBroker/StartStream": 1,
        "/pluginv2.Diagnostics/CheckHealth": 1,
        "/pluginv2.Resource/CallResource": 1,
        "/plugin.GRPCController/Shutdown": 1,
      });
      expect(kill.ms).toBeLessThan(2_000);
    });

    it("AutoMTLS: the calls go over mutual TLS", async () => {
      const run = await runGoHost(plugin(), ["-automtls", "-log-level", "debug"]);
      expect(run.code, run.stderr).toBe(0);
      const calls = byCall(run.lines);
      expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK" });
      expect(calls.resource).toMatchObject({ ok: true, status: 200 });
      expect(calls.stream).toMatchObject({ ok: true, packets: 3 });
      expect(calls.kill.ms).toBeLessThan(2_000);
      expect(run.stderr).toContain("configuring client automatic mTLS");
    });

    it("runner mode: the socket lives in go-plugin's PLUGIN_UNIX_SOCKET_DIR, removed after Kill", async () => {
      const run = await runGoHost(plugin(), [
        ...["-runner", "-report-connect"],
        ...["-calls", "check-health,resource", "-resource-path", "introspect"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { connect, kill } = byCall(run.lines);
      expect(connect.socketDir).toMatch(/\/plugin-dir\d+$/);
      expect(connect.socketDirStat.mode).toBe("0700");
      expect(path.dirname(connect.address)).toBe(connect.socketDir);
      expect(introspection(run).pluginEnv).toEqual({
        ...GO_PLUGIN_ENV,
        PLUGIN_UNIX_SOCKET_DIR: connect.socketDir,
      });
      expect(kill).toMatchObject({ ok: true, socketDirRemoved: true });
      expect(kill.ms).toBeLessThan(2_000);
    });

    it.each([
      ["process mode", []],
      ["runner mode", ["-runner"]],
    ])("socket group (%s): socket 0660 owned by PLUGIN_UNIX_SOCKET_GROUP", async (_, mode) => {
      const group = socketGroup();
      const run = await runGoHost(plugin(), [
        ...mode,
        ...["-socket-group", group.name, "-report-connect"],
        ...["-calls", "resource", "-resource-path", "introspect"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { connect } = byCall(run.lines);
      expect(connect.socket).toEqual({ mode: "0660", gid: group.gid });
      if (mode.length) expect(connect.socketDirStat).toEqual({ mode: "0770", gid: group.gid });
      expect(introspection(run).pluginEnv).toMatchObject({
        PLUGIN_UNIX_SOCKET_GROUP: group.name,
      });
    });

    it("SkipHostEnv: only Cmd.Env and go-plugin's variables, so no PATH", async () => {
      const [executable, args] = withoutPath();
      const run = await runGoHost(executable, [
        ...args,
        ...["-skip-host-env", "-env", `${EXPLICIT}=1`],
        ...["-calls", "check-health,resource", "-resource-path", "introspect"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(byCall(run.lines)["check-health"]).toMatchObject({ ok: true, status: "OK" });
      expect(introspection(run).envKeys).toEqual(
        [EXPLICIT, ...Object.keys(GO_PLUGIN_ENV), "grafana_plugin_type"].sort(),
      );
    });
  });

  describe("console output (Grafana discards GRPCStdio: no SyncStdout/SyncStderr)", () => {
    it("console.log at module load and in a handler: the handshake succeeds and both reach the host's log", async () => {
      const run = await runGoHost(behaviour, [
        ...["-calls", "resource", "-resource-path", "log", "-report-rpcs"],
        ...["-log-level", "trace"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { resource, rpcs } = byCall(run.lines);
      expect(resource).toMatchObject({ ok: true, status: 200 });
      const logged = hclogLines(run.stderr);
      // go-plugin re-logs each stderr line at its @level; the plugin's @module stays a key.
      expect(logged).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            "@level": "info",
            "@message": "behaviour plugin: console.log at module load",
            "@module": "plugin.console",
          }),
          expect.objectContaining({
            "@level": "info",
            "@message": "console.log from a resource call",
            "@module": "plugin.console",
          }),
          expect.objectContaining({
            "@level": "error",
            "@message": "console.error from a resource call",
          }),
        ]),
      );
      // The host opened GRPCStdio as it connected, and it never carried a byte.
      expect(rpcs.methods["/plugin.GRPCStdio/StreamStdio"]).toBe(1);
      expect(logged.filter((l) => l["@module"] === "gohost.stdio")).not.toContainEqual(
        expect.objectContaining({ "@message": "received data" }),
      );
    });
  });

  describe("SkipHostEnv and a dev build", () => {
    it("starts with no PATH: the launcher runs the node that built it by absolute path", async () => {
      const run = await runGoHost(exampleExecutable(), [
        "-skip-host-env",
        "-calls",
        "check-health",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(byCall(run.lines)["check-health"]).toMatchObject({ ok: true, status: "OK" });
    });
  });

  describe("broker multiplexing (GRPCBrokerMultiplex)", () => {
    it("go-plugin 1.8's Go plugin answers true and serves over its yamux session", async () => {
      const run = await runGoHost(v18.ok ? v18.pluginPath : "", [
        ...["-multiplex", "-report-rpcs", "-resource-path", "introspect"],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const calls = byCall(run.lines);
      expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK" });
      expect(calls.stream).toMatchObject({ ok: true, packets: 3 });
      expect(introspection(run).pluginEnv).toMatchObject({ PLUGIN_MULTIPLEX_GRPC: "true" });
      expect(calls.rpcs.methods["/plugin.GRPCStdio/StreamStdio"]).toBe(1);
    });

    it("a go-plugin 1.0.1 Go plugin writes no 7th field: go-plugin's error asks to rebuild it", async ({
      skip,
    }) => {
      skip(!v101.ok, v101.ok ? "" : v101.reason);
      const run = await runGoHost(v101.ok ? v101.pluginPath : "", ["-multiplex"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        "gohost: starting plugin: client requested gRPC broker multiplexing but plugin does not support the feature; for Go plugins, you will need to update the github.com/hashicorp/go-plugin dependency and recompile",
      );
    });

    it("our plugin answers false: the host stops with go-plugin's ErrGRPCBrokerMuxNotSupported", async () => {
      const run = await runGoHost(behaviour, ["-multiplex"]);
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([]);
      expect(run.stderr).toMatch(
        /^gohost: starting plugin: client requested gRPC broker multiplexing but plugin does not support the feature$/m,
      );
      expect(hclogLines(run.stderr)).toContainEqual(
        expect.objectContaining({
          "@module": "plugin",
          "@level": "warn",
          "@message":
            "PLUGIN_MULTIPLEX_GRPC asks for gRPC broker multiplexing, which this runtime does not do",
          PLUGIN_MULTIPLEX_GRPC: "true",
        }),
      );
    });

    // PLUGIN_MULTIPLEX_GRPC can also reach a plugin from the host's own
    // environment, with a host that did not ask for multiplexing.
    it.for([
      ["go-plugin 1.8.0's Go plugin", () => (v18.ok ? v18.pluginPath : ""), false],
      ["our TypeScript plugin", () => behaviour, true],
    ] as const)(
      "PLUGIN_MULTIPLEX_GRPC from the host's environment, not asked for (%s)",
      async ([, plugin, servesTheHost], { skip }) => {
        skip(!v101.ok, v101.ok ? "" : v101.reason);
        const env = { PLUGIN_MULTIPLEX_GRPC: "true" };
        const v18Run = await runGoHost(plugin(), ["-automtls", "-calls", "check-health"], { env });
        expect(v18Run.code, v18Run.stderr).toBe(0);
        if (servesTheHost) {
          // We answer false and serve plain gRPC, which is what the host speaks.
          expect(byCall(v18Run.lines)["check-health"]).toMatchObject({ ok: true, status: "OK" });
        } else {
          // A Go plugin wraps its listener in yamux whatever the host does.
          expect(byCall(v18Run.lines)["check-health"]).toMatchObject({
            ok: false,
            code: "Unavailable",
          });
          expect(v18Run.stderr).toContain("yamux: Invalid protocol version");
        }
        // go-plugin 1.0.1 splits the line into 6 fields: "CERT|true" (Go) or
        // "CERT|false" (ours) is no base64, so the 7th field breaks AutoMTLS.
        const v101Run = await runGoHostV101(plugin(), ["-automtls"], { env });
        expect(v101Run.code).toBe(1);
        expect(v101Run.stderr).toMatch(
          /gohost: starting plugin: error parsing server cert: illegal base64 data/,
        );
      },
    );

    it("our handshake line has the 7th field only when PLUGIN_MULTIPLEX_GRPC is set", async () => {
      const lines: (string | undefined)[] = [];
      for (const extra of [{}, { PLUGIN_MULTIPLEX_GRPC: "true" }]) {
        const started = spawnRaw(behaviour, pluginEnv(extra));
        lines.push(await started.firstLine);
        started.child.kill("SIGKILL");
        await started.exited;
      }
      expect(lines.map((l) => l?.split("|").slice(4))).toEqual([
        ["grpc", ""],
        ["grpc", "", "false"],
      ]);
    });
  });
});
