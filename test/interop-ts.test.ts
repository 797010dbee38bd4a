// Our runtime against the real hashicorp/go-plugin, once per release (Debian's
// 1.0.1, and 1.8.0 with Grafana's client configuration):
// - the Go host (test/interop/gohost, a Grafana-like go-plugin client)
//   launching TypeScript plugins served by serve();
// - our TypeScript host (startPlugin) launching the Go plugin
//   (test/interop/goplugin, a go-plugin server).

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { credentials } from "@grpc/grpc-js";
import { protocol } from "../output/glue.js";
import { HealthTypedClient } from "../output/grpc/health/v1/health.clients.js";
import { HealthClient } from "../output/grpc/health/v1/health.grpc.js";
import { HealthCheckResponse_ServingStatus } from "../output/grpc/health/v1/health.js";
import { CheckHealthResponse_HealthStatus } from "../output/pluginv2/backend.js";
import { startPlugin, type PluginLogEntry } from "../runtime/index.js";
import { exampleExecutable } from "./support/example-plugin.js";
import { buildEveryGoInterop, GO_PLUGIN_VERSIONS, goHostFor } from "./support/go-interop.js";
import { fixtureBundler, hclogLines, isAlive } from "./support/runtime-helpers.js";

const builds = await buildEveryGoInterop("interop-ts");

const byCall = (lines: any[]) => Object.fromEntries(lines.map((l) => [l.call, l]));

describe.each(GO_PLUGIN_VERSIONS)("Go host (go-plugin %s) -> TypeScript plugin", (version) => {
  const built = builds[version];
  // Every runGoHost in this suite runs the host built against `version`.
  const runGoHost = goHostFor(version);
  beforeEach((ctx) => {
    if (!built.ok) ctx.skip(built.reason);
  });
  const fixtures = fixtureBundler();
  let behaviour = "";
  beforeAll(async () => {
    behaviour = await fixtures.bundle("behaviour-plugin");
  });
  afterAll(() => fixtures.cleanup());

  it.each([
    ["plain", []],
    // go-plugin 1.8 logs "configuring client automatic mTLS" at debug, 1.0.1 at info.
    ["AutoMTLS", ["-automtls", "-log-level", "debug"]],
  ])("runs check-health, query, resource, stream against the example (%s)", async (_, flags) => {
    const run = await runGoHost(exampleExecutable(), ["-log-level", "info", ...flags]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.map((l) => l.call)).toEqual([
      "check-health",
      "query",
      "resource",
      "stream",
      "kill",
    ]);
    const calls = byCall(run.lines);
    expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK" });
    expect(calls.query).toMatchObject({ ok: true, responses: { A: { error: "" } } });
    expect(Object.keys(calls.query.responses)).toEqual(["A"]);
    expect(calls.resource).toMatchObject({ ok: true, status: 200 });
    expect(calls.stream).toMatchObject({ ok: true, packets: 3 });
    // Under go-plugin's 2 s wait: the plugin exited on Shutdown, not by SIGKILL.
    expect(calls.kill).toMatchObject({ ok: true });
    expect(calls.kill.ms).toBeLessThan(2_000);
    if (flags.length) expect(run.stderr).toContain("configuring client automatic mTLS");
  });

  it("streams QueryChunkedData from the example: a random walk in chunks, Arrow and JSON", async () => {
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query-chunked,query-chunked-json",
      "-query-type",
      "randomWalk",
      "-query-json",
      '{"seriesCount":2,"chunkRows":25}',
      "-log-level",
      "info",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    for (const [call, format] of [
      ["query-chunked", "ARROW"],
      ["query-chunked-json", "JSON"],
    ] as const) {
      expect(calls[call].ok, JSON.stringify(calls[call])).toBe(true);
      const chunks: any[] = calls[call].chunks;
      // 100 points (the host asks for maxDataPoints 100) in chunks of 25, per series.
      expect(chunks).toHaveLength(8);
      expect(new Set(chunks.map((c) => c.frameId))).toEqual(
        new Set(["randomWalk-1", "randomWalk-2"]),
      );
      for (const c of chunks) {
        expect(c).toMatchObject({ refId: "A", status: 200, error: "", format });
        expect(c.bytes).toBeGreaterThan(0);
      }
      if (format === "JSON")
        for (const frameId of ["randomWalk-1", "randomWalk-2"])
          expect(chunks.filter((c) => c.frameId === frameId).map((c) => c.hasSchema)).toEqual([
            true,
            false,
            false,
            false,
          ]);
    }
  });

  it("streams a bad chunked query's error chunk from the example to the Go host", async () => {
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query-chunked",
      "-query-type",
      "randomWalk",
      "-query-json",
      '{"chunkRows":0}',
      "-log-level",
      "info",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(byCall(run.lines)["query-chunked"]).toEqual({
      call: "query-chunked",
      ok: true,
      chunks: [
        {
          refId: "A",
          frameId: "",
          format: "ARROW",
          bytes: 0,
          status: 400,
          error: "chunkRows must be a positive integer (got 0)",
          source: "downstream",
          hasSchema: false,
        },
      ],
    });
  });

  it("gets exact answers from the behaviour plugin, streams included", async () => {
    const run = await runGoHost(behaviour, ["-query-json", '{"behaviour":"echo"}']);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls["check-health"]).toMatchObject({
      ok: true,
      status: "OK",
      message: "behaviour plugin ok",
    });
    expect(calls.query).toEqual({
      call: "query",
      ok: true,
      responses: { A: { frames: 0, frameBytes: [], error: "" } },
    });
    expect(calls.resource).toEqual({
      call: "resource",
      ok: true,
      status: 200,
      body: JSON.stringify({ path: "hello" }),
    });
    expect(calls.stream).toMatchObject({ ok: true, packets: 3, firstPacketBytes: 7 });
    expect(calls.kill.ms).toBeLessThan(2_000);
  });

  it("passes Cmd.Env, the host's environment and go-plugin's variables; 1.8 adds trace context", async () => {
    const run = await runGoHost(behaviour, [
      ...["-calls", "resource", "-resource-path", "introspect", "-env", "GF_INTEROP_EXPLICIT=1"],
    ]);
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(byCall(run.lines).resource.body);
    expect(seen.envKeys).toEqual(expect.arrayContaining(["GF_INTEROP_EXPLICIT", "PATH"]));
    expect(seen.pluginEnv).toEqual({
      PLUGIN_MIN_PORT: "10000",
      PLUGIN_MAX_PORT: "25000",
      PLUGIN_PROTOCOL_VERSIONS: "2",
    });
    // 1.0.1 has no GRPCDialOptions, so no stats handler puts a traceparent on the call.
    if (version === "1.0.1") expect(seen.traceparent).toBe("");
    else expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("sees a throwing handler as gRPC Unknown with the handler's message", async () => {
    const run = await runGoHost(behaviour, [
      "-calls",
      "query,check-health",
      "-query-json",
      '{"behaviour":"throw"}',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls.query).toMatchObject({
      ok: false,
      code: "Unknown",
      error: expect.stringContaining("/pluginv2.Data/QueryData: handler failed: query exploded: A"),
    });
    expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK" });
  });

  // Only 1.0.1's case here (not a skip for 1.8.0): go-plugin 1.8.0 with
  // Grafana's client config has its own in interop-grafana-client.test.ts.
  if (version === "1.0.1")
    it("console output before and after the handshake reaches go-plugin's log via stderr", async () => {
      // go-plugin 1.0.1 has no GRPCStdio client and drains stdout after the
      // handshake: output is seen only if it arrives as stderr lines.
      const run = await runGoHost(behaviour, ["-calls", "resource", "-resource-path", "log"]);
      expect(run.code, run.stderr).toBe(0);
      expect(byCall(run.lines).resource).toMatchObject({ ok: true, status: 200 });
      const logged = hclogLines(run.stderr).map((l) => [l["@level"], l["@message"]]);
      expect(logged).toEqual(
        expect.arrayContaining([
          ["info", "behaviour plugin: console.log at module load"],
          ["info", "behaviour plugin: console.log after the handshake"],
          ["info", "console.log from a resource call"],
          ["error", "console.error from a resource call"],
        ]),
      );
    });
});

describe.each(GO_PLUGIN_VERSIONS)("TypeScript host -> Go plugin (go-plugin %s)", (version) => {
  const built = builds[version];
  const pluginPath = built.ok ? built.pluginPath : "";
  beforeEach((ctx) => {
    if (!built.ok) ctx.skip(built.reason);
  });
  const running: { kill(ms?: number): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill(500)));
  });

  async function start(autoMTLS: boolean) {
    const logs: PluginLogEntry[] = [];
    const plugin = await startPlugin({
      executable: pluginPath,
      protocol,
      autoMTLS,
      onLog: (entry) => logs.push(entry),
    });
    running.push(plugin);
    return { plugin, logs };
  }

  it.each([
    ["plain", false],
    ["AutoMTLS", true],
  ])("calls every pluginv2 service and kills it gracefully (%s)", async (_, autoMTLS) => {
    const { plugin, logs } = await start(autoMTLS);
    expect(plugin.protocolVersion).toBe(2);
    expect(Boolean(plugin.handshake.cert)).toBe(autoMTLS);

    expect(await plugin.clients.diagnostics.checkHealth({})).toMatchObject({
      status: CheckHealthResponse_HealthStatus.OK,
      message: "go plugin ok",
    });

    const data = await plugin.clients.data.queryData({ queries: [{ refId: "A" }, { refId: "B" }] });
    expect(Object.keys(data.responses).sort()).toEqual(["A", "B"]);
    expect(data.responses.A.frames.map((f) => f.toString())).toEqual(["goplugin-frame:refId=A"]);
    expect(data.responses.B.status).toBe(200);

    const resource = [];
    for await (const part of plugin.clients.resource.callResource({ path: "hello", method: "GET" }))
      resource.push(part);
    expect(resource).toHaveLength(1);
    expect(resource[0].code).toBe(200);
    expect(JSON.parse(resource[0].body.toString())).toEqual({ message: "hello from go" });
    expect(resource[0].headers["Content-Type"].values).toEqual(["application/json"]);

    const stream = plugin.clients.stream.runStream({ path: "stream/1" });
    const packets: string[] = [];
    for await (const packet of stream) {
      packets.push(packet.data.toString());
      if (packets.length === 3) stream.cancel();
    }
    expect(packets).toEqual([1, 2, 3].map((n) => `{"path":"stream/1","n":${n}}`));

    // Our parser reads go-plugin's own hclog JSON.
    expect(logs.find((l) => l.message === "plugin address")).toMatchObject({
      level: "debug",
      fields: { network: "unix", address: plugin.handshake.address },
    });

    const result = await plugin.kill();
    expect(result).toMatchObject({ code: 0, graceful: true });
    expect(isAlive(plugin.pid)).toBe(false);
  });

  it('finds go-plugin\'s health service "plugin" SERVING', async () => {
    const { plugin } = await start(false);
    const health = new HealthTypedClient(
      new HealthClient(`unix:${plugin.handshake.address}`, credentials.createInsecure(), {
        channelOverride: plugin.channel,
      }),
    );
    expect(await health.check({ service: "plugin" })).toEqual({
      status: HealthCheckResponse_ServingStatus.SERVING,
    });
  });
});
