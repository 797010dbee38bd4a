// Several protocol majors side by side: a synthetic pluginv3 (fixture)
// generated next to copies of proto/pluginv2 and proto/plugin with the
// repository's config. The glue serves both versions (pluginSets 2 and 3,
// VersionedPluginHandlers with both, latest 3), the service the config does
// not name is warned about, the tree typechecks with a plugin implementing
// both majors, and both majors' Diagnostics answer on one grpc-js server —
// including pluginv3's client-streaming and bidi rpcs, which the real
// protocol does not have.

import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { credentials, Server, ServerCredentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../generator/generate-manifest.js";
import {
  expectSuccess,
  exportedShapes,
  removeDir,
  repoConfig,
  repoRoot,
  repoTempDir,
  runGenerate,
  runTsc,
  strictNodeNextOptions,
  type CommandResult,
} from "./support/generate-helpers.js";

const fixture = path.join(repoRoot, "test/fixtures/generator/pluginv3");

let root: string;
let out: string;
let result: CommandResult;

beforeAll(async () => {
  root = await repoTempDir("gen-versions");
  const protoDir = path.join(root, "proto");
  await mkdir(protoDir);
  for (const pkg of ["pluginv2", "plugin"])
    await cp(path.join(repoRoot, "proto", pkg), path.join(protoDir, pkg), { recursive: true });
  await cp(fixture, path.join(protoDir, "pluginv3"), { recursive: true });
  out = path.join(root, "out");
  result = expectSuccess(
    await runGenerate(["--proto", protoDir, "--out", out, "--config", repoConfig]),
    "generate pluginv2 + pluginv3",
  );
}, 300_000);

afterAll(() => removeDir(root));

/** Loads a generated module (vitest compiles the TypeScript). */
async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(path.join(out, relative)).href)) as T;
}

describe("pluginv2 and pluginv3 in one tree", () => {
  it("names each unconfigured pluginv3 service by convention, with a warning", () => {
    const warnings = result.stdout.split("\n").filter((l) => l.includes("warning:"));
    expect(warnings).toEqual([
      '  warning: service pluginv3.Diagnostics is not named in protocol.config.json: it registers with go-plugin as "diagnostics" in protocol version 3 (lower-cased service name, Grafana\'s convention)',
      '  warning: service pluginv3.Telemetry is not named in protocol.config.json: it registers with go-plugin as "telemetry" in protocol version 3 (lower-cased service name, Grafana\'s convention)',
    ]);
    expect(result.stdout).toContain(
      "protocol v3 (pluginv3): 2 services, 4 rpcs — diagnostics, telemetry",
    );
  });

  it("glue exposes plugin sets 2 and 3 and latestProtocolVersion 3", async () => {
    type Set = {
      protocolVersion: number;
      packages: string[];
      plugins: Record<string, { serviceName: string; service: Record<string, { path: string }> }>;
    };
    const glue = await load<{
      pluginSets: Record<string, Set>;
      latestProtocolVersion: number;
      protocol: { latestProtocolVersion: number; pluginSets: unknown };
    }>("glue.ts");
    expect(Object.keys(glue.pluginSets)).toEqual(["2", "3"]);
    expect(glue.latestProtocolVersion).toBe(3);
    expect(glue.protocol.latestProtocolVersion).toBe(3);
    expect(glue.protocol.pluginSets).toBe(glue.pluginSets);
    expect(Object.keys(glue.pluginSets[2].plugins)).toEqual([
      "resource",
      "data",
      "diagnostics",
      "stream",
      "admission",
      "conversion",
    ]);
    expect(glue.pluginSets[3]).toMatchObject({ protocolVersion: 3, packages: ["pluginv3"] });
    expect(Object.keys(glue.pluginSets[3].plugins)).toEqual(["diagnostics", "telemetry"]);
    // Same plugin name, different services: each version points at its own package.
    expect(glue.pluginSets[2].plugins.diagnostics.service.checkHealth.path).toBe(
      "/pluginv2.Diagnostics/CheckHealth",
    );
    expect(glue.pluginSets[3].plugins.diagnostics.service.checkHealth.path).toBe(
      "/pluginv3.Diagnostics/CheckHealth",
    );
    expect(glue.pluginSets[3].plugins.diagnostics.serviceName).toBe("pluginv3.Diagnostics");
  });

  it("VersionedPluginHandlers has both versions, each with its own handler types", async () => {
    const glue = await exportedShapes(path.join(out, "glue.ts"));
    expect([...glue.get("VersionedPluginHandlers")!.members]).toEqual([
      ["2", "PluginHandlersV2"],
      ["3", "PluginHandlersV3"],
    ]);
    const v2 = glue.get("PluginHandlersV2")!.members;
    const v3 = glue.get("PluginHandlersV3")!.members;
    expect(v2.get("diagnostics")).toBe("DiagnosticsHandler");
    expect(v3.get("diagnostics")).not.toBe(v2.get("diagnostics"));
    expect([...v3.keys()]).toEqual(["diagnostics", "telemetry"]);
  });

  it("the manifest lists both plugin sets, v3's names by convention", async () => {
    const manifest = JSON.parse(
      await readFile(path.join(out, "protocol.json"), "utf8"),
    ) as Manifest;
    expect(manifest.latestProtocolVersion).toBe(3);
    expect(manifest.pluginSets.map((s) => [s.protocolVersion, s.packages])).toEqual([
      [2, ["pluginv2"]],
      [3, ["pluginv3"]],
    ]);
    expect(manifest.pluginSets[1].plugins).toEqual([
      { name: "diagnostics", service: "pluginv3.Diagnostics", nameSource: "convention" },
      { name: "telemetry", service: "pluginv3.Telemetry", nameSource: "convention" },
    ]);
    const v3 = manifest.services.find((s) => s.name === "pluginv3.Diagnostics")!;
    expect(v3.rpcs.map((r) => [r.name, r.streaming])).toEqual([
      ["CheckHealth", "unary"],
      ["WatchHealth", "server-streaming"],
      ["ReportSamples", "client-streaming"],
    ]);
  });

  it("typechecks with a plugin implementing both majors", async () => {
    await writeFile(
      path.join(root, "plugin.ts"),
      `import { pluginSets, type VersionedPluginHandlers } from "./out/glue.js";

export const handlers: VersionedPluginHandlers = {
  2: { diagnostics: { checkHealth: async () => ({ status: 1, message: "v2" }) } },
  3: {
    diagnostics: {
      checkHealth: () => ({ status: 1 }),
      async *watchHealth(request, ctx) {
        yield { message: request.headers["x"] ?? ctx.rpc };
      },
      async reportSamples(samples) {
        let count = 0n;
        for await (const s of samples) count += s.value > 0 ? 1n : 0n;
        return { count };
      },
    },
    telemetry: { exchange: (samples) => samples },
  },
};
export const v3 = pluginSets[3].plugins.diagnostics.createService(handlers[3]!.diagnostics!);

export const wrongMajor: VersionedPluginHandlers = {
  2: {
    diagnostics: {
      // @ts-expect-error WatchHealth is new in pluginv3
      watchHealth: async function* () {},
    },
  },
};
`,
    );
    const tsconfig = path.join(root, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        compilerOptions: strictNodeNextOptions,
        include: ["out/**/*.ts", "plugin.ts"],
      }),
    );
    await expect(runTsc(tsconfig)).resolves.toBeDefined();
  }, 120_000);
});

// A hung stream must fail fast, not after the default minute.
describe("both majors on one grpc-js server", { timeout: 15_000 }, () => {
  type Sample = { name: string; value: number };
  type Health = { status: number; message: string };
  type Stream<T> = AsyncIterable<T> & { cancel(): void };
  interface V3Client {
    checkHealth(r: object): Promise<Health>;
    watchHealth(r: object): Stream<Health>;
    reportSamples(samples: Iterable<Sample>): Promise<{ count: bigint; sum: number }>;
    raw: { close(): void };
  }
  interface V2Client {
    checkHealth(r: object): Promise<Health>;
    raw: { close(): void };
  }

  let server: Server;
  let v2: V2Client;
  let v3: V3Client;
  let exchange: (samples: Iterable<Sample>) => Stream<Sample>;
  let closeTelemetry: () => void;

  beforeAll(async () => {
    type Plugin = {
      service: object;
      createService(h: object): object;
      TypedClient: { connect(address: string, creds: unknown): never };
    };
    const { pluginSets } = await load<{ pluginSets: Record<string, Record<string, any>> }>(
      "glue.ts",
    );
    const d2 = pluginSets[2].plugins.diagnostics as Plugin;
    const d3 = pluginSets[3].plugins.diagnostics as Plugin;
    const tele = pluginSets[3].plugins.telemetry as Plugin;
    server = new Server();
    server.addService(
      d2.service as never,
      d2.createService({ checkHealth: () => ({ status: 1, message: "v2" }) }) as never,
    );
    server.addService(
      d3.service as never,
      d3.createService({
        checkHealth: () => ({ status: 1, message: "v3" }),
        async *watchHealth() {
          yield { status: 2, message: "degraded" };
          yield { status: 1 };
        },
        async reportSamples(samples: AsyncIterable<Sample>) {
          let count = 0n;
          let sum = 0;
          for await (const s of samples) {
            count++;
            sum += s.value;
          }
          return { count, sum };
        },
      }) as never,
    );
    server.addService(
      tele.service as never,
      tele.createService({
        async *exchange(samples: AsyncIterable<Sample>) {
          for await (const s of samples) yield { name: s.name.toUpperCase(), value: s.value * 2 };
        },
      }) as never,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    const address = `127.0.0.1:${port}`;
    v2 = d2.TypedClient.connect(address, credentials.createInsecure()) as V2Client;
    v3 = d3.TypedClient.connect(address, credentials.createInsecure()) as V3Client;
    const t = tele.TypedClient.connect(address, credentials.createInsecure()) as {
      exchange(s: Iterable<Sample>): Stream<Sample>;
      raw: { close(): void };
    };
    exchange = (s) => t.exchange(s);
    closeTelemetry = () => t.raw.close();
  });

  afterAll(async () => {
    v2?.raw.close();
    v3?.raw.close();
    closeTelemetry?.();
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  it("routes each major's Diagnostics.CheckHealth to its own handler", async () => {
    expect(await v2.checkHealth({})).toEqual({
      status: 1,
      message: "v2",
      jsonDetails: Buffer.alloc(0),
    });
    expect(await v3.checkHealth({})).toEqual({ status: 1, message: "v3" });
  });

  it("server-streaming (new in v3) fills defaults per message", async () => {
    const got: Health[] = [];
    for await (const h of v3.watchHealth({})) got.push(h);
    expect(got).toEqual([
      { status: 2, message: "degraded" },
      { status: 1, message: "" },
    ]);
  });

  it("client-streaming: the handler reads every request, the client gets one answer", async () => {
    const samples = [1.5, 2, 3.25].map((value, i) => ({ name: `s${i}`, value }));
    expect(await v3.reportSamples(samples)).toEqual({ count: 3n, sum: 6.75 });
    expect(await v3.reportSamples([])).toEqual({ count: 0n, sum: 0 });
  });

  it("bidi: each request is answered in order", async () => {
    const got: Sample[] = [];
    for await (const s of exchange([
      { name: "a", value: 1 },
      { name: "b", value: 2 },
    ]))
      got.push(s);
    expect(got).toEqual([
      { name: "A", value: 2 },
      { name: "B", value: 4 },
    ]);
  });
});
