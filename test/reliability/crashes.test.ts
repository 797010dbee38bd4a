// Failures outside any call, in a real plugin process: a stray rejected
// promise is logged (hclog error with the stack) and the plugin keeps
// serving; a throw from a timer is logged the same way, calls in flight
// still complete, and the plugin exits 1 so Grafana restarts it.
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { fixtureBundler, sleep, waitUntil } from "../support/runtime-helpers.js";

const fixtures = fixtureBundler();
const started: { kill(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) await p.kill().catch(() => {});
});

async function behaviourPlugin() {
  const logs: PluginLogEntry[] = [];
  const plugin = await startPlugin({
    executable: await fixtures.bundle("behaviour-plugin"),
    protocol,
    onLog: (entry) => logs.push(entry),
  });
  started.push(plugin);
  return { plugin, logs };
}

async function resource(
  plugin: Awaited<ReturnType<typeof behaviourPlugin>>["plugin"],
  path: string,
) {
  const parts = [];
  for await (const part of plugin.clients.resource.callResource({ path, method: "GET" }))
    parts.push(part);
  return parts[0]?.code;
}

describe("crashes outside calls", () => {
  it("a stray rejected promise is logged with its stack and the plugin keeps serving", async () => {
    const { plugin, logs } = await behaviourPlugin();
    expect(await resource(plugin, "stray-rejection")).toBe(200);
    await waitUntil(() => logs.some((l) => l.level === "error"), 5_000);
    const error = logs.find((l) => l.level === "error")!;
    expect(error.message).toBe("unhandled promise rejection (plugin keeps serving)");
    expect(error.fields.error).toBe("nobody awaited me");
    expect(String(error.fields.stack)).toContain("behaviour-plugin");
    await sleep(200);
    expect((await plugin.clients.diagnostics.checkHealth({})).message).toBe("behaviour plugin ok");
  });

  it("a throw from a timer is logged, in-flight calls complete, and the plugin exits 1", async () => {
    const { plugin, logs } = await behaviourPlugin();
    const inFlight = plugin.clients.data.queryData({
      queries: [{ refId: "A", json: Buffer.from('{"behaviour":"sleep","ms":400}') }],
    });
    await sleep(50);
    expect(await resource(plugin, "timer-throw")).toBe(200);
    const answer = await inFlight;
    expect(answer.responses.A?.status).toBe(200);
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
    const error = logs.find((l) => l.level === "error")!;
    expect(error.message).toBe("uncaught exception: stopping the plugin");
    expect(error.fields.error).toBe("thrown from a timer");
    expect(String(error.fields.stack)).toContain("thrown from a timer");
  });
});
