// serve's onStop runs after the server drains and before exit, and the SDK's
// disposePlugin awaits every instance's dispose() there (a real plugin process).
import { afterAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { startPlugin, type PluginLogEntry } from "../runtime/index.js";
import { fixtureBundler } from "./support/runtime-helpers.js";

const fixtures = fixtureBundler();
afterAll(() => fixtures.cleanup());

describe("serve onStop", () => {
  it("disposes SDK instances on Shutdown, then exits 0 gracefully", async () => {
    const logs: PluginLogEntry[] = [];
    const plugin = await startPlugin({
      executable: await fixtures.bundle("on-stop-plugin"),
      protocol,
      onLog: (entry) => logs.push(entry),
    });
    const health = await plugin.clients.diagnostics.checkHealth({
      pluginContext: {
        orgId: 1n,
        dataSourceInstanceSettings: { uid: "ds-1", jsonData: Buffer.from("{}") },
      },
    });
    expect(health.message).toBe("instance ds-1 ready");

    const result = await plugin.kill();
    expect(result).toMatchObject({ code: 0, graceful: true });
    const messages = logs.map((l) => l.message);
    expect(messages).toContain("instance disposed");
    expect(messages).toContain("onStop ran");
    expect(messages.indexOf("instance disposed")).toBeLessThan(messages.indexOf("onStop ran"));
    expect(logs.find((l) => l.message === "instance disposed")?.fields.uid).toBe("ds-1");
  });
});
