// createPlugin: metrics (CollectMetrics from a prom-client registry), and
// raw generated handlers merged next to the SDK's.
import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  healthOk,
  QueryTypeMux,
  REQUEST_TOTAL,
  startTestServer,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const quiet = createLogger({ write: () => {} });

describe("createPlugin", () => {
  it("serves default process metrics, request metrics and the author's own", async () => {
    const registry = new Registry();
    const hits = new Counter({ name: "myplugin_hits_total", help: "hits", registers: [registry] });
    server = await startTestServer(
      protocol,
      createPlugin({
        metrics: { registry },
        logger: quiet,
        queryData: new QueryTypeMux().handle("", () => {
          hits.inc();
          return [];
        }),
      }),
    );
    await server.clients.data.queryData({ queries: [{ refId: "A" }, { refId: "B" }] });
    const res = await server.clients.diagnostics.collectMetrics({});
    const text = res.metrics!.prometheus.toString();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_heap_size_used_bytes");
    expect(text).toContain("myplugin_hits_total 2");
    expect(text).toContain(
      // The Go SDK's labels: an ok call's source is "plugin", its default.
      `${REQUEST_TOTAL}{endpoint="queryData",status="ok",status_source="plugin"} 1`,
    );
    // A second plugin on the same registry shares the metrics instead of failing to register them.
    expect(() => createPlugin({ metrics: { registry } })).not.toThrow();
  });

  it("merges raw generated handlers per method and refuses the same rpc twice", async () => {
    server = await startTestServer(
      protocol,
      createPlugin({
        checkHealth: () => healthOk("sdk"),
        metrics: false,
        logger: quiet,
        raw: {
          diagnostics: {
            collectMetrics: () => ({ metrics: { prometheus: Buffer.from("raw 1\n") } }),
          },
          admission: { validateAdmission: (req) => ({ allowed: req.kind?.kind === "Good" }) },
        },
      }),
    );
    expect((await server.clients.diagnostics.checkHealth({})).message).toBe("sdk");
    expect(
      (await server.clients.diagnostics.collectMetrics({})).metrics!.prometheus.toString(),
    ).toBe("raw 1\n");
    expect(
      (await server.clients.admission.validateAdmission({ kind: { kind: "Good" } })).allowed,
    ).toBe(true);
    expect(() =>
      createPlugin({
        checkHealth: () => healthOk("x"),
        raw: { diagnostics: { checkHealth: () => ({}) } },
      }),
    ).toThrow("diagnostics.checkHealth is given both as an SDK option and in raw");
  });

  it("hands each data source its instance", async () => {
    let built = 0;
    server = await startTestServer(
      protocol,
      createPlugin({
        metrics: false,
        logger: quiet,
        instance: (ctx) => ({ n: ++built, uid: ctx.dataSourceInstanceSettings?.uid }),
        checkHealth: (_req, ctx) => healthOk(`${ctx.instance.uid}#${ctx.instance.n}`),
      }),
    );
    const check = (uid: string, updated: bigint) =>
      server!.clients.diagnostics
        .checkHealth({
          pluginContext: { dataSourceInstanceSettings: { uid, lastUpdatedMS: updated } },
        })
        .then((r) => r.message);
    expect(await Promise.all([check("a", 1n), check("a", 1n), check("b", 1n)])).toEqual([
      "a#1",
      "a#1",
      "b#2",
    ]);
    expect(await check("a", 2n)).toBe("a#3");
  });
});
