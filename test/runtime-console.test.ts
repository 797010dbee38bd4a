// Console output of a plugin as a host sees it: real plugin processes
// (test/fixtures/plugins/behaviour-plugin.ts, bundled as `build` bundles),
// their stdout and their stderr. The Grafana-configured go-plugin 1.8 host's
// view is in interop-grafana-client.test.ts, 1.0.1's in interop-ts.test.ts.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { startPlugin, type PluginLogEntry } from "../runtime/index.js";
import {
  fixtureBundler,
  hclogLines,
  pluginEnv,
  spawnRaw,
  waitUntil,
  type RawPlugin,
} from "./support/runtime-helpers.js";

const fixtures = fixtureBundler();
let behaviour = "";
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  behaviour = await fixtures.bundle("behaviour-plugin");
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});
afterAll(() => fixtures.cleanup());

const AT_LOAD = "behaviour plugin: console.log at module load";
const RAW_AT_LOAD = "behaviour plugin: process.stdout.write at module load";
const AFTER_HANDSHAKE = "behaviour plugin: console.log after the handshake";

function raw(env: NodeJS.ProcessEnv): RawPlugin {
  const plugin = spawnRaw(behaviour, pluginEnv(env));
  stops.push(() => plugin.child.kill("SIGKILL"));
  return plugin;
}

async function hosted(env: NodeJS.ProcessEnv = {}) {
  const logs: PluginLogEntry[] = [];
  const stdio: string[] = [];
  const plugin = await startPlugin({
    executable: behaviour,
    protocol,
    env,
    onLog: (entry) => logs.push(entry),
    onStdio: (channel, data) => stdio.push(`${channel}: ${data}`),
  });
  stops.push(() => plugin.kill(500));
  return { plugin, logs, stdio };
}

describe("console output", () => {
  it("before and after the handshake: hclog lines on stderr, only the handshake on stdout", async () => {
    const plugin = raw({});
    expect(await plugin.firstLine).toMatch(/^1\|2\|unix\|\/.+\|grpc\|$/);
    expect(await waitUntil(() => plugin.stderr().includes(AFTER_HANDSHAKE), 5_000)).toBeDefined();
    const lines = hclogLines(plugin.stderr());
    const entry = (message: string) => lines.find((l) => l["@message"] === message);
    expect(entry(AT_LOAD)).toMatchObject({ "@level": "info", "@module": "plugin.console" });
    expect(entry(RAW_AT_LOAD)).toMatchObject({ "@level": "info", "@module": "plugin.stdout" });
    expect(entry(AFTER_HANDSHAKE)).toMatchObject({ "@level": "info", "@module": "plugin.console" });
    // hclog's timestamp, the format go-plugin's client parses (log_entry.go).
    expect(entry(AT_LOAD)!["@timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // Every stderr line is hclog JSON: nothing printed raw.
    expect(plugin.stderr().trim().split("\n").length).toBe(lines.length);
    expect(plugin.laterStdout).toEqual([]);
  });

  it("each console method at its level, raw writes line by line; GRPCStdio stays silent", async () => {
    const { plugin, logs, stdio } = await hosted({ GF_PLUGIN_LOG_LEVEL: "trace" });
    for await (const _ of plugin.clients.resource.callResource({ path: "console", method: "GET" }));
    const logged = () => logs.map((l) => [l.level, l.module, l.message]);
    // The last write has no newline: it is logged once nothing follows it for a moment.
    expect(
      await waitUntil(() => logs.some((l) => l.message === "raw stdout without newline"), 5_000),
      JSON.stringify(logged()),
    ).toBeDefined();
    const fromCall = logs.slice(logs.findIndex((l) => l.message.startsWith("console.log ")));
    expect(fromCall.map((l) => [l.level, l.module, l.message])).toEqual([
      ["info", "plugin.console", "console.log formatted { n: 1 }"],
      ["info", "plugin.console", "console.info"],
      ["warn", "plugin.console", "console.warn"],
      ["error", "plugin.console", "console.error"],
      ["debug", "plugin.console", "console.debug"],
      ["trace", "plugin.console", "console.trace"],
      ["info", "plugin.stdout", "{ dir: true }"],
      ["info", "plugin.stdout", "raw stdout line 1\nraw stdout line 2"],
      ["error", "plugin.stderr", "raw stderr line"],
      ["info", "plugin.stdout", "raw stdout without newline"],
    ]);
    // console.trace's line says where it was called from, as Node's own does.
    expect(fromCall[5]!.fields.stack).toMatch(/printEverything/);
    expect(stdio).toEqual([]);
    expect(logs.filter((l) => l.message.includes("unexpected stdout"))).toEqual([]);
  });

  it("GF_PLUGIN_LOG_LEVEL filters console output like any other log line", async () => {
    const { plugin, logs } = await hosted({ GF_PLUGIN_LOG_LEVEL: "warn" });
    for await (const _ of plugin.clients.resource.callResource({ path: "console", method: "GET" }));
    expect(
      await waitUntil(() => logs.some((l) => l.message === "raw stderr line"), 5_000),
    ).toBeDefined();
    const levels = new Set(logs.map((l) => l.level));
    expect([...levels].sort()).toEqual(["error", "warn"]);
  });
});
