// Tracing settings read as the Go SDK reads them (GF_INSTANCE_OTLP_*), its
// samplers and propagators, and tracing off: no OpenTelemetry SDK, yet an
// outgoing request still carries Grafana's trace context; which import
// failures mean "tracing packages not installed".
import { Metadata } from "@grpc/grpc-js";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT_CONTEXT, trace, TraceFlags, type TextMapGetter } from "@opentelemetry/api";
import * as core from "@opentelemetry/core";
import * as sdk from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  injectTraceHeaders,
  startTestServer,
  tracingEnabled,
  type TestServer,
} from "../runtime/sdk/index.js";
import { otlpUrl, tracingConfigFromEnv } from "../runtime/sdk/tracing/config.js";
import { JaegerPropagator } from "../runtime/sdk/tracing/jaeger-propagator.js";
import { createPropagator } from "../runtime/sdk/tracing/propagator.js";
import { createSampler, RateLimitingSampler } from "../runtime/sdk/tracing/sampler.js";
import {
  missingTracingPackage,
  notInstalledMessage,
} from "../runtime/sdk/tracing/tracing-packages.js";

const run = promisify(execFile);

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ADDRESS = { GF_INSTANCE_OTLP_ADDRESS: "collector:4317" };
const mapGetter: TextMapGetter<Record<string, string>> = {
  keys: (c) => Object.keys(c),
  get: (c, k) => c[k],
};

describe("tracing settings", () => {
  it("is off without an address, and reads the rest as the Go SDK does", () => {
    expect(tracingConfigFromEnv({})).toBeUndefined();
    expect(tracingConfigFromEnv({ GF_INSTANCE_OTLP_ADDRESS: "" })).toBeUndefined();
    expect(
      tracingConfigFromEnv({
        ...ADDRESS,
        GF_INSTANCE_OTLP_PROPAGATION: "jaeger,w3c",
        GF_INSTANCE_OTLP_SAMPLER_TYPE: "probabilistic",
        GF_INSTANCE_OTLP_SAMPLER_PARAM: "0.25",
      }),
    ).toEqual({
      address: "collector:4317",
      propagation: "jaeger,w3c",
      samplerType: "probabilistic",
      samplerParam: 0.25,
      samplerRemoteUrl: "",
      warnings: [],
    });
    expect(otlpUrl("collector:4317")).toBe("http://collector:4317");
  });

  it("samples everything when the parameter is missing or not a number (with a warning)", () => {
    expect(tracingConfigFromEnv(ADDRESS)!.samplerParam).toBe(1);
    const bad = tracingConfigFromEnv({ ...ADDRESS, GF_INSTANCE_OTLP_SAMPLER_PARAM: "lots" })!;
    expect(bad.samplerParam).toBe(1);
    expect(bad.warnings).toEqual([
      'GF_INSTANCE_OTLP_SAMPLER_PARAM="lots" is not a number; sampling everything (1.0)',
    ]);
  });

  it("refuses an unknown sampler type or propagator, naming the valid ones", () => {
    expect(() =>
      tracingConfigFromEnv({ ...ADDRESS, GF_INSTANCE_OTLP_SAMPLER_TYPE: "sometimes" }),
    ).toThrow(
      'GF_INSTANCE_OTLP_SAMPLER_TYPE="sometimes" is not a sampler type; use one of const, probabilistic, rateLimiting, remote',
    );
    expect(() => createPropagator(core, "b3")).toThrow(
      'GF_INSTANCE_OTLP_PROPAGATION names "b3", which is not a propagator; use w3c, jaeger or both',
    );
  });
});

describe("samplers", () => {
  const decide = (sampler: sdk.Sampler, parent = ROOT_CONTEXT) =>
    sampler.shouldSample(parent, "4bf92f3577b34da6a3ce929d0e0e4736", "s", 0, {}, []).decision;
  const warn = () => {};

  it("const samples all (1) or nothing (0) and refuses anything between", () => {
    expect(decide(createSampler(sdk, { samplerType: "const", samplerParam: 1 }, warn))).toBe(
      sdk.SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(decide(createSampler(sdk, { samplerType: "", samplerParam: 0 }, warn))).toBe(
      sdk.SamplingDecision.NOT_RECORD,
    );
    expect(() => createSampler(sdk, { samplerType: "const", samplerParam: 0.5 }, warn)).toThrow(
      "the const sampler takes 0 or 1",
    );
  });

  it("follows Grafana's decision when it sent a trace (parent-based)", () => {
    const never = createSampler(sdk, { samplerType: "const", samplerParam: 0 }, warn);
    const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(decide(never, sampledParent)).toBe(sdk.SamplingDecision.RECORD_AND_SAMPLED);
  });

  it("rateLimiting lets through rps spans per second, as Go's token bucket", () => {
    let now = 0;
    const limiter = new RateLimitingSampler(sdk, 2, () => now);
    const sampled = () =>
      limiter.shouldSample(ROOT_CONTEXT).decision === sdk.SamplingDecision.RECORD_AND_SAMPLED;
    expect([sampled(), sampled(), sampled()]).toEqual([true, true, false]);
    now += 500; // half a second refills one token
    expect([sampled(), sampled()]).toEqual([true, false]);
  });
});

describe("propagators", () => {
  it("reads and writes Jaeger's uber-trace-id", () => {
    const jaeger = new JaegerPropagator();
    const extracted = jaeger.extract(
      ROOT_CONTEXT,
      { "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3A0%3A1" },
      mapGetter,
    );
    expect(trace.getSpanContext(extracted)).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: TraceFlags.SAMPLED,
    });
    const out: Record<string, string> = {};
    jaeger.inject(extracted, out, { set: (c, k, v) => (c[k] = v) });
    expect(out).toEqual({
      "uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
    });
    // A 64-bit trace id (older Jaeger clients) is widened; garbage is ignored.
    const short = jaeger.extract(ROOT_CONTEXT, { "uber-trace-id": "abc:def:0:0" }, mapGetter);
    expect(trace.getSpanContext(short)?.traceId).toBe("00000000000000000000000000000abc");
    expect(
      trace.getSpanContext(jaeger.extract(ROOT_CONTEXT, { "uber-trace-id": "x:y" }, mapGetter)),
    ).toBeUndefined();
  });

  it("uses W3C trace context plus baggage unless told otherwise, both formats when named", () => {
    expect(createPropagator(core, "").fields()).toEqual(["traceparent", "tracestate", "baggage"]);
    expect(createPropagator(core, "w3c").fields()).toEqual(["traceparent", "tracestate"]);
    expect(createPropagator(core, "jaeger,w3c").fields()).toEqual([
      "uber-trace-id",
      "traceparent",
      "tracestate",
    ]);
  });
});

describe("tracing off", () => {
  it("starts nothing, and an outgoing request forwards Grafana's trace context unchanged", async () => {
    const forwarded: Headers[] = [];
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: createLogger({ write: () => {} }),
        metrics: false,
        tracing: { env: {} },
        queryData: () => {
          const headers = new Headers();
          injectTraceHeaders(headers);
          forwarded.push(headers);
          return { responses: {} };
        },
      }),
    );
    const metadata = new Metadata();
    metadata.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    metadata.set("tracestate", "grafana=1");
    await server.clients.data.queryData({ queries: [{ refId: "A" }] }, { metadata });
    expect(tracingEnabled()).toBe(false);
    expect(Object.fromEntries(forwarded[0])).toEqual({
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "grafana=1",
    });
    // No OpenTelemetry SDK registered: spans from the global tracer record nothing.
    expect(trace.getTracer("x").startSpan("s").isRecording()).toBe(false);
  });
});

describe("tracing packages not installed", () => {
  /** What real Node throws when `specifier` is imported from `dir`: its code and message. */
  async function importError(dir: string, specifier: string): Promise<unknown> {
    const script = `import(${JSON.stringify(specifier)}).then(() => console.log("{}"), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
    });
    const { code, message } = JSON.parse(stdout) as { code?: string; message?: string };
    return Object.assign(new Error(message), { code });
  }

  it("names a tracing package Node cannot find, and nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gpts-tracing-missing-"));
    try {
      // Installed, but missing a dependency of its own: a broken install, not an optional peer left out.
      const resources = join(dir, "node_modules/@opentelemetry/resources");
      mkdirSync(resources, { recursive: true });
      writeFileSync(
        join(resources, "package.json"),
        JSON.stringify({ name: "@opentelemetry/resources", type: "module", main: "index.js" }),
      );
      writeFileSync(join(resources, "index.js"), 'import "@opentelemetry/semantic-conventions";\n');
      const core = join(dir, "node_modules/@opentelemetry/core");
      mkdirSync(core, { recursive: true });
      writeFileSync(
        join(core, "package.json"),
        JSON.stringify({ name: "@opentelemetry/core", type: "module", main: "index.js" }),
      );
      writeFileSync(join(core, "index.js"), "export const = 1;\n");

      expect(missingTracingPackage(await importError(dir, "@opentelemetry/sdk-trace"))).toBe(
        "@opentelemetry/sdk-trace",
      );
      const brokenInstall = await importError(dir, "@opentelemetry/resources");
      expect((brokenInstall as { code?: string }).code).toBe("ERR_MODULE_NOT_FOUND");
      expect(missingTracingPackage(brokenInstall)).toBeUndefined();
      expect(missingTracingPackage(await importError(dir, "@opentelemetry/core"))).toBeUndefined();
      expect(missingTracingPackage(await importError(dir, "left-pad"))).toBeUndefined();
      // What a bundle built without the package throws in its place (packaging/sea-script.ts).
      const bundled = Object.assign(new Error(notInstalledMessage("@opentelemetry/core")), {
        code: "ERR_MODULE_NOT_FOUND",
      });
      expect(missingTracingPackage(bundled)).toBe("@opentelemetry/core");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
