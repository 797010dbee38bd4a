// Go host <-> Go plugin over real hashicorp/go-plugin, once per go-plugin
// release (1.0.1 and 1.8.0): proves the interop harness itself (build,
// handshake, the four pluginv2 calls, mTLS, kill) before it is pointed at our
// TypeScript runtime.

import { beforeEach, describe, expect, it } from "vitest";
import { buildEveryGoInterop, GO_PLUGIN_VERSIONS, goHostFor } from "./support/go-interop.js";

const builds = await buildEveryGoInterop("interop-go");

const byCall = (lines: any[]) => Object.fromEntries(lines.map((l) => [l.call, l]));

function expectRoundTrip(lines: any[]) {
  const calls = byCall(lines);
  expect(lines.map((l) => l.call)).toEqual(["check-health", "query", "resource", "stream", "kill"]);
  expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK", message: "go plugin ok" });
  expect(calls.query).toMatchObject({ ok: true, responses: { A: { frames: 1, error: "" } } });
  expect(calls.query.responses.A.frameBytes[0]).toBeGreaterThan(0);
  expect(calls.resource).toEqual({
    call: "resource",
    ok: true,
    status: 200,
    body: JSON.stringify({ message: "hello from go" }),
  });
  expect(calls.stream).toMatchObject({ ok: true, packets: 3 });
  expect(calls.stream.firstPacketBytes).toBeGreaterThan(0);
  expect(calls.kill.ok).toBe(true);
  // Under 2s means the plugin exited on GRPCController.Shutdown rather than
  // being SIGKILLed by go-plugin's fallback.
  expect(calls.kill.ms).toBeLessThan(2000);
}

describe.each(GO_PLUGIN_VERSIONS)("harness (go-plugin %s): Go host <-> Go plugin", (version) => {
  const built = builds[version];
  const pluginPath = built.ok ? built.pluginPath : "";
  // Every runGoHost in this suite runs the host built against `version`.
  const runGoHost = goHostFor(version);
  beforeEach((ctx) => {
    if (!built.ok) ctx.skip(built.reason);
  });

  it("negotiates v2 and round-trips check-health, query, resource, stream", async () => {
    const run = await runGoHost(pluginPath, []);
    expect(run.code, run.stderr).toBe(0);
    expectRoundTrip(run.lines);
  });

  it("works the same with AutoMTLS", async () => {
    const run = await runGoHost(pluginPath, ["-automtls"]);
    expect(run.code, run.stderr).toBe(0);
    expectRoundTrip(run.lines);
    expect(run.stderr).toContain("configuring server automatic mTLS");
  });

  it("collects metrics and passes -query-json through", async () => {
    const run = await runGoHost(pluginPath, [
      "-calls",
      "metrics,query",
      "-query-json",
      '{"hello":"world"}',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls.metrics).toMatchObject({ ok: true });
    expect(calls.metrics.prometheus).toContain("goplugin_up 1");
    expect(calls.query).toMatchObject({ ok: true, responses: { A: { frames: 1 } } });
  });

  it("reports a QueryData benchmark line", async () => {
    const run = await runGoHost(pluginPath, [
      "-bench-query",
      "200",
      "-concurrency",
      "4",
      "-warmup",
      "5",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [bench, kill] = run.lines;
    expect(bench).toMatchObject({
      call: "bench-query",
      ok: true,
      calls: 200,
      concurrency: 4,
      errors: 0,
    });
    expect(bench.callsPerSec).toBeGreaterThan(0);
    expect(bench.p99Ms).toBeGreaterThanOrEqual(bench.p50Ms);
    expect(kill).toMatchObject({ call: "kill", ok: true });
  });

  it("exits non-zero with go-plugin's error when the plugin never handshakes", async () => {
    // /bin/true exits at once without a handshake line. go-plugin races its
    // exit watcher against its closed stdout reader, so either text.
    const run = await runGoHost("/bin/true", [], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([]);
    expect(run.stderr).toMatch(
      /gohost: starting plugin: (plugin exited before we could connect|Unrecognized remote plugin message)/,
    );
  });
});
