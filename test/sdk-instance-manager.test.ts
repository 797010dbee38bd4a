// Instance manager: one instance per data source uid / app org, rebuilt when
// settings change (old one disposed first), shared by racing requests.
import { describe, expect, it } from "vitest";
import * as pb from "../output/pluginv2/backend.js";
import {
  createInstanceManager,
  pluginContextFromProto,
  type PluginContext,
} from "../runtime/sdk/index.js";

function dsContext(
  uid: string,
  updated: number,
  config: Record<string, string> = {},
): PluginContext {
  return pluginContextFromProto(
    pb.PluginContext.fromPartial({
      orgId: 1n,
      pluginId: "p",
      grafanaConfig: config,
      dataSourceInstanceSettings: { id: 1n, uid, name: uid, lastUpdatedMS: BigInt(updated) },
    }),
    (jsonData) => jsonData,
  );
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("createInstanceManager", () => {
  it("builds once per uid even when 50 requests race for it", async () => {
    let builds = 0;
    const manager = createInstanceManager(async (ctx) => {
      builds++;
      await tick();
      return { uid: ctx.dataSourceInstanceSettings!.uid };
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => manager.get(dsContext(i % 2 ? "a" : "b", 1))),
    );
    expect(builds).toBe(2);
    expect(new Set(results.filter((r) => r.uid === "a")).size).toBe(1);
    expect(manager.size).toBe(2);
  });

  it("rebuilds when settings are saved again, awaiting the old instance's dispose first", async () => {
    const events: string[] = [];
    const manager = createInstanceManager((ctx) => {
      const version = Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS);
      events.push(`build ${version}`);
      return {
        version,
        async dispose() {
          events.push(`dispose ${version} start`);
          await tick();
          events.push(`dispose ${version} end`);
        },
      };
    });
    const first = await manager.get(dsContext("a", 1));
    expect(await manager.get(dsContext("a", 1))).toBe(first);
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => manager.get(dsContext("a", 2))),
    );
    expect(new Set(racing).size).toBe(1);
    expect(racing[0].version).toBe(2);
    expect(events).toEqual(["build 1", "dispose 1 start", "dispose 1 end", "build 2"]);
    // A change of Grafana's config also makes the instance stale (as in the Go SDK).
    await manager.get(dsContext("a", 2, { GF_APP_URL: "http://x" }));
    expect(events.at(-1)).toBe("build 2");
    expect(events.filter((e) => e === "build 2").length).toBe(2);
    await manager.disposeAll();
    expect(manager.size).toBe(0);
    expect(events.at(-1)).toBe("dispose 2 end");
  });

  it("does not cache a failed build, so the next request retries", async () => {
    let attempt = 0;
    const manager = createInstanceManager(() => {
      if (++attempt === 1) throw new Error("cannot connect");
      return { attempt };
    });
    await expect(manager.get(dsContext("a", 1))).rejects.toThrow("cannot connect");
    expect(manager.size).toBe(0);
    expect(await manager.get(dsContext("a", 1))).toEqual({ attempt: 2 });
  });

  it("keys apps by org and reports dispose errors without blocking the rebuild", async () => {
    const errors: unknown[] = [];
    const manager = createInstanceManager(
      (ctx) => ({
        org: ctx.orgId,
        dispose() {
          throw new Error("boom");
        },
      }),
      { onDisposeError: (e) => errors.push(e) },
    );
    const app = (org: bigint, updated: number): PluginContext =>
      pluginContextFromProto(
        pb.PluginContext.fromPartial({
          orgId: org,
          pluginId: "p",
          appInstanceSettings: { lastUpdatedMS: BigInt(updated) },
        }),
        (jsonData) => jsonData,
      );
    const one = await manager.get(app(1n, 1));
    expect(await manager.get(app(2n, 1))).not.toBe(one);
    expect((await manager.get(app(1n, 5))).org).toBe(1n);
    expect(errors).toHaveLength(1);
  });
});
