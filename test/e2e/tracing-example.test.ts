// The built example datasource as Grafana runs it with tracing on: a real
// child process with GF_INSTANCE_OTLP_ADDRESS pointing at a real OTLP gRPC
// receiver. Its spans arrive (flushed on the host's Shutdown) in the trace
// Grafana sent, parented on Grafana's span.
import { Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { startPlugin, type HostedPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { exampleExecutable } from "../support/example-plugin.js";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";

const GRAFANA_TRACE = "0af7651916cd43dd8448eb211c80319c";
const GRAFANA_SPAN = "b7ad6b7169203331";

let receiver: OtlpReceiver;
let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]> | undefined;
const logs: PluginLogEntry[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  plugin = await startPlugin({
    executable: exampleExecutable(),
    protocol,
    env: { GF_INSTANCE_OTLP_ADDRESS: receiver.address, GF_INSTANCE_OTLP_PROPAGATION: "w3c" },
    onLog: (entry) => logs.push(entry),
  });
});
afterAll(async () => {
  await plugin?.kill();
  await receiver?.close();
});

describe("example datasource with Grafana's tracing on", () => {
  it("exports its spans to the OTLP address, continuing Grafana's trace", async () => {
    const metadata = new Metadata();
    metadata.set("traceparent", `00-${GRAFANA_TRACE}-${GRAFANA_SPAN}-01`);
    const health = await plugin!.clients.diagnostics.checkHealth(
      {
        pluginContext: {
          pluginId: "grafana-ts-timeseries-datasource",
          pluginVersion: "1.0.0",
          dataSourceInstanceSettings: { uid: "ds-1", name: "example", jsonData: Buffer.from("{}") },
        },
      },
      { metadata },
    );
    expect(health.message).toBe("timeseries datasource is working");
    const exit = await plugin!.kill(); // Shutdown → onStop → disposePlugin flushes the spans
    plugin = undefined;
    expect(exit.graceful).toBe(true);
    const server = receiver.spans.find((s) => s.name === "pluginv2.Diagnostics/CheckHealth");
    expect(server).toMatchObject({
      traceId: GRAFANA_TRACE,
      parentSpanId: GRAFANA_SPAN,
      kind: "SPAN_KIND_SERVER",
      resource: { "service.name": "grafana-ts-timeseries-datasource" },
    });
    expect(
      receiver.spans.find((s) => s.name === "sdk.checkHealth" && s.parentSpanId === server!.spanId),
    ).toMatchObject({ traceId: GRAFANA_TRACE, attributes: { request_status: "ok" } });
    expect(
      logs.some(
        (l) => l.message === "Plugin Request Completed" && l.fields.traceId === GRAFANA_TRACE,
      ),
    ).toBe(true);
  });
});
