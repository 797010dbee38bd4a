// Instance lifetime: a replaced instance is disposed only once the calls
// using it are done (through a real gRPC server and createPlugin), unused
// instances expire with a TTL, and plugins_active_instances counts them.
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import * as pb from "../output/pluginv2/backend.js";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  ACTIVE_INSTANCES,
  createInstanceManager,
  createPlugin,
  pluginContextFromProto,
  startTestServer,
  type PluginContext,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function dsContext(uid: string, updated: number): PluginContext {
  return pluginContextFromProto(
    pb.PluginContext.fromPartial({
      pluginId: "p",
      dataSourceInstanceSettings: { uid, name: uid, lastUpdatedMS: BigInt(updated) },
    }),
    (jsonData) => jsonData,
  );
}

/** A promise with its resolve, to hold a handler where the test wants it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

class Connection {
  disposed = false;
  constructor(
    readonly version: number,
    private readonly events: string[],
  ) {
    events.push(`build ${version}`);
  }
  async dispose() {
    this.events.push(`dispose ${this.version}`);
    this.disposed = true;
  }
}

describe("instance disposal", () => {
  it("disposes a replaced instance only after its in-flight query has finished", async () => {
    const events: string[] = [];
    const registry = new Registry();
    const slowEntered = gate();
    const slowMayFinish = gate();
    server = await startTestServer(
      protocol,
      createPlugin<unknown, Connection>({
        logger: createLogger({ write: () => {} }),
        metrics: { registry, defaultMetrics: false },
        instance: (ctx) =>
          new Connection(Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS), events),
        queryData: async (request, ctx) => {
          const refId = request.queries[0].refId;
          if (refId === "SLOW") {
            slowEntered.open();
            await slowMayFinish.opened;
          }
          events.push(
            `${refId} answered by ${ctx.instance.version}, disposed: ${ctx.instance.disposed}`,
          );
          return { responses: { [refId]: {} } };
        },
      }),
    );
    const settings = (updated: number) => ({
      dataSourceInstanceSettings: { uid: "db", name: "db", lastUpdatedMS: BigInt(updated) },
    });
    const slow = server.clients.data.queryData({
      pluginContext: settings(1),
      queries: [{ refId: "SLOW" }],
    });
    await slowEntered.opened;
    // Grafana saves new settings while the slow query still runs on instance 1.
    await server.clients.data.queryData({
      pluginContext: settings(2),
      queries: [{ refId: "FAST" }],
    });
    expect(events).toEqual(["build 1", "build 2", "FAST answered by 2, disposed: false"]);
    expect(await registry.metrics()).toContain(`${ACTIVE_INSTANCES} 2`);
    slowMayFinish.open();
    await slow;
    await new Promise((resolve) => setImmediate(resolve)); // the dispose runs after the answer
    expect(events.slice(3)).toEqual(["SLOW answered by 1, disposed: false", "dispose 1"]);
    expect(await registry.metrics()).toContain(`${ACTIVE_INSTANCES} 1`);
  });

  it("disposes an idle replaced instance before building its replacement", async () => {
    const events: string[] = [];
    const manager = createInstanceManager(
      (ctx) => new Connection(Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS), events),
    );
    const lease = await manager.acquire(dsContext("a", 1));
    lease.release();
    lease.release(); // idempotent: must not free someone else's hold
    await manager.get(dsContext("a", 2));
    expect(events).toEqual(["build 1", "dispose 1", "build 2"]);
  });

  it("keeps a replaced instance while any lease holds it, then disposes it once", async () => {
    const events: string[] = [];
    const manager = createInstanceManager(
      (ctx) => new Connection(Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS), events),
    );
    const first = await manager.acquire(dsContext("a", 1));
    const second = await manager.acquire(dsContext("a", 1));
    expect(second.instance).toBe(first.instance);
    await manager.get(dsContext("a", 2));
    first.release();
    await Promise.resolve();
    expect(events).toEqual(["build 1", "build 2"]);
    second.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(["build 1", "build 2", "dispose 1"]);
    // Shutdown disposes what is left, held or not.
    await manager.disposeAll();
    expect(events.at(-1)).toBe("dispose 2");
  });

  it("a lease taken while the instance is built is held through a replacement", async () => {
    const events: string[] = [];
    const built = gate();
    const manager = createInstanceManager(async (ctx) => {
      const version = Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS);
      if (version === 1) await built.opened;
      return new Connection(version, events);
    });
    const pending = manager.acquire(dsContext("a", 1));
    const replacement = manager.acquire(dsContext("a", 2)); // settings change mid-build
    built.open();
    const [old, current] = await Promise.all([pending, replacement]);
    expect([old.instance.version, current.instance.version]).toEqual([1, 2]);
    expect(old.instance.disposed).toBe(false);
    old.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(old.instance.disposed).toBe(true);
    expect(current.instance.disposed).toBe(false);
  });

  it("with a TTL, disposes instances nobody used for that long; the next call builds anew", async () => {
    const events: string[] = [];
    const evicted: string[] = [];
    const manager = createInstanceManager(
      (ctx) => new Connection(Number(ctx.dataSourceInstanceSettings!.lastUpdatedMS), events),
      { ttlMs: 30, onEvict: (key) => evicted.push(key) },
    );
    const held = await manager.acquire(dsContext("busy", 1));
    await manager.get(dsContext("idle", 1));
    await waitFor(() => evicted.length > 0);
    expect(evicted).toEqual(["ds:idle"]); // a held instance is in use, not idle
    expect(manager.size).toBe(1);
    held.release();
    await waitFor(() => evicted.length === 2);
    expect(events).toEqual(["build 1", "build 1", "dispose 1", "dispose 1"]);
    await manager.get(dsContext("idle", 1));
    expect(events.at(-1)).toBe("build 1");
    await manager.disposeAll();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
