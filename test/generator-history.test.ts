// The generator against every real revision of Grafana's backend.proto in
// ../shared (grafana-plugin-sdk-go, ten from 2021 → 2026), each copied verbatim: every
// revision generates with the built-in defaults (naming each unconfigured
// service by convention, with a warning), every rpc of the revision reaches
// the handler interface, adapters, clients, glue and manifest, and the
// output typechecks with a plugin that implements only CheckHealth. Between
// 2024-05-24 and 2024-08-15 upstream retyped ConversionRequest; the
// protocol diff the command prints must flag it as breaking.

import { existsSync, readdirSync } from "node:fs";
import { copyFile, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../generator/generate-manifest.js";
import { handlerType } from "../generator/generate-handlers.js";
import type { StreamingKind } from "../generator/model.js";
import {
  buildDescriptors,
  describedRpcs,
  expectSuccess,
  exportedShapes,
  historyDir,
  removeDir,
  repoConfig,
  repoTempDir,
  runGenerate,
  runTsc,
  strictNodeNextOptions,
  type CommandResult,
  type DescribedRpc,
} from "./support/generate-helpers.js";

const revisions = existsSync(historyDir)
  ? readdirSync(historyDir)
      .filter((f) => /^backend\.\d{4}-\d\d-\d\d\.[0-9a-f]+\.proto$/.test(f))
      .sort()
  : [];
const skipReason = existsSync(historyDir)
  ? undefined
  : `${historyDir} is absent, so there are no upstream protocol revisions to generate`;
if (skipReason) console.warn(`generator-history: skipping: ${skipReason}`);

const BACKEND = "pluginv2/backend.proto";
const DIFF_FROM = "2024-05-24";
const DIFF_TO = "2024-08-15";

interface Generated {
  label: string;
  dir: string;
  out: string;
  result: CommandResult;
  rpcs: DescribedRpc[];
}

const dateOf = (revision: string) => revision.split(".")[1];

async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(out, "protocol.json"), "utf8")) as Manifest;
}

/** Proto message name → the TypeScript name the manifest records for it. */
function tsNames(manifest: Manifest): (protoName: string) => string {
  const names = new Map(manifest.messages.map((m) => [m.name, m.tsName]));
  return (protoName) => names.get(protoName) ?? `<no tsName for ${protoName}>`;
}

/** A plugin that implements only CheckHealth, plus lines that must not compile. */
function checkHealthPlugin(): string {
  return `import { Server } from "@grpc/grpc-js";
import { pluginSets, type PluginHandlersV2 } from "./out/glue.js";
import { createDiagnosticsService } from "./out/pluginv2/backend.adapters.js";
import { DiagnosticsService } from "./out/pluginv2/backend.grpc.js";

const handlers: PluginHandlersV2 = {
  diagnostics: { checkHealth: async () => ({ status: 1, message: "ok" }) },
};
export const server = new Server();
server.addService(DiagnosticsService, createDiagnosticsService(handlers.diagnostics!));
export const viaGlue = pluginSets[2].plugins.diagnostics.createService(handlers.diagnostics!);

// Controls: were the generated types loose (any), these would compile and tsc
// would report the unused @ts-expect-error directives.
export const notAnRpc: PluginHandlersV2 = {
  diagnostics: {
    // @ts-expect-error Diagnostics has no rpc checkHealthz
    checkHealthz: async () => ({}),
  },
};
export const wrongFieldType: PluginHandlersV2 = {
  // @ts-expect-error CheckHealthResponse.message is a string
  diagnostics: { checkHealth: async () => ({ message: 42 }) },
};
`;
}

async function generateRevision(
  root: string,
  label: string,
  revision: string,
  args: string[] = [],
  seedOut?: string,
): Promise<Generated> {
  const dir = path.join(root, label);
  const protoDir = path.join(dir, "proto");
  const out = path.join(dir, "out");
  await mkdir(path.join(protoDir, "pluginv2"), { recursive: true });
  await copyFile(path.join(historyDir, revision), path.join(protoDir, BACKEND));
  if (seedOut) await cp(seedOut, out, { recursive: true });
  // cwd = dir, which has no protocol.config.json: defaults unless args say otherwise.
  const result = expectSuccess(
    await runGenerate(["--proto", "proto", "--out", "out", ...args], dir),
    `generate ${revision} ${args.join(" ")}`,
  );
  await writeFile(path.join(dir, "plugin.ts"), checkHealthPlugin());
  const rpcs = describedRpcs(await buildDescriptors(protoDir));
  return { label, dir, out, result, rpcs };
}

describe.skipIf(skipReason !== undefined)("every upstream revision of backend.proto", () => {
  let root: string;
  const byDefaults = new Map<string, Generated>();
  let configured: Generated;
  let diffed: Generated;
  let additive: Generated;

  beforeAll(async () => {
    root = await repoTempDir("gen-history");
    for (const revision of revisions)
      byDefaults.set(revision, await generateRevision(root, dateOf(revision), revision));
    // The repository's config, on the oldest revision (it names services that
    // revision does not have yet, which must be harmless).
    configured = await generateRevision(root, "configured", revisions[0], ["--config", repoConfig]);
    const from = revisions.find((r) => dateOf(r) === DIFF_FROM)!;
    const to = revisions.find((r) => dateOf(r) === DIFF_TO)!;
    // Upgrade in place: DIFF_FROM's output is the previous tree that DIFF_TO replaces.
    diffed = await generateRevision(root, "upgrade", to, [], byDefaults.get(from)!.out);
    // The upgrade this repository made, 2025-03-13 → 2026-04-01, only adds.
    additive = await generateRevision(
      root,
      "additive",
      revisions.at(-1)!,
      [],
      byDefaults.get(revisions.find((r) => dateOf(r) === "2025-03-13")!)!.out,
    );
  }, 600_000);

  afterAll(() => removeDir(root));

  it("finds all ten revisions, the newest being the one proto/ transcribes", () => {
    expect(revisions).toHaveLength(10);
    expect(revisions.at(-1)).toBe("backend.2026-04-01.7a4287ce.proto");
  });

  it.each(revisions)("%s: warns once per service it names by convention", (revision) => {
    const { result, rpcs } = byDefaults.get(revision)!;
    const services = [...new Set(rpcs.map((r) => r.service))];
    const warnings = result.stdout.split("\n").filter((l) => l.includes("warning:"));
    expect(warnings).toEqual(
      services.map(
        (s) =>
          `  warning: service pluginv2.${s} is not named in protocol.config.json: it registers with go-plugin as "${s.toLowerCase()}" in protocol version 2 (lower-cased service name, Grafana's convention)`,
      ),
    );
  });

  // Names are read from the manifest the generator wrote (never recomputed
  // here), and checked against the TypeScript it emitted.
  it.each(revisions)(
    "%s: every rpc is in the handler interface with its kind",
    async (revision) => {
      const { out, rpcs } = byDefaults.get(revision)!;
      const manifest = await readManifest(out);
      const tsName = tsNames(manifest);
      const handlers = await exportedShapes(path.join(out, "pluginv2/backend.handlers.ts"));
      expect(rpcs.length).toBeGreaterThanOrEqual(7);
      for (const service of manifest.services) {
        const expected = service.rpcs.map((r) => [
          r.tsKey,
          `${handlerType[r.streaming as StreamingKind]}<${tsName(r.input)}, ${tsName(r.output)}>`,
        ]);
        const shape = handlers.get(service.typescript.handler);
        expect(shape?.kind, service.typescript.handler).toBe("interface");
        expect([...shape!.members]).toEqual(expected);
      }
      expect([...handlers.keys()].sort()).toEqual(
        manifest.services.map((s) => s.typescript.handler).sort(),
      );
    },
  );

  it.each(revisions)(
    "%s: every service has grpc-js bindings, an adapter, a typed client and a glue entry",
    async (revision) => {
      const { out, rpcs } = byDefaults.get(revision)!;
      const manifest = await readManifest(out);
      const [grpc, adapters, clients, glue] = await Promise.all([
        exportedShapes(path.join(out, "pluginv2/backend.grpc.ts")),
        exportedShapes(path.join(out, "pluginv2/backend.adapters.ts")),
        exportedShapes(path.join(out, "pluginv2/backend.clients.ts")),
        exportedShapes(path.join(out, "glue.ts")),
      ]);
      expect(manifest.services.map((s) => s.name)).toEqual([
        ...new Set(rpcs.map((r) => `pluginv2.${r.service}`)),
      ]);
      for (const { typescript: ts, rpcs: serviceRpcs } of manifest.services) {
        expect(adapters.get(ts.adapter)?.kind).toBe("function");
        const keys = serviceRpcs.map((r) => r.tsKey);
        expect([...grpc.get(ts.server)!.members.keys()]).toEqual(keys);
        expect([...clients.get(ts.typedClient)!.members.keys()]).toEqual(["connect", ...keys]);
      }
      expect([...glue.get("PluginHandlersV2")!.members]).toEqual(
        manifest.pluginSets[0].plugins.map((p) => [
          p.name,
          manifest.services.find((s) => s.name === p.service)!.typescript.handler,
        ]),
      );
      expect([...glue.get("VersionedPluginHandlers")!.members]).toEqual([
        ["2", "PluginHandlersV2"],
      ]);
    },
  );

  it.each(revisions)("%s: every rpc is in the manifest with its kind", async (revision) => {
    const { out, rpcs } = byDefaults.get(revision)!;
    const manifest = await readManifest(out);
    expect(
      manifest.services.flatMap((s) =>
        s.rpcs.map((r) => ({ path: r.path, kind: r.streaming, input: r.input, output: r.output })),
      ),
    ).toEqual(rpcs.map((r) => ({ path: r.path, kind: r.kind, input: r.input, output: r.output })));
    expect(manifest.pluginSets).toHaveLength(1);
    expect(manifest.pluginSets[0].plugins.every((p) => p.nameSource === "convention")).toBe(true);
    expect(manifest.latestProtocolVersion).toBe(2);
  });

  it("with the repository's config: configured names, no warnings", async () => {
    expect(configured.result.stdout).not.toContain("warning:");
    const glue = await exportedShapes(path.join(configured.out, "glue.ts"));
    expect([...glue.get("PluginHandlersV2")!.members]).toEqual([
      ["resource", "ResourceHandler"],
      ["data", "DataHandler"],
      ["diagnostics", "DiagnosticsHandler"],
      ["stream", "StreamHandler"],
    ]);
  });

  it(`prints the protocol diff, with buf breaking's verdicts, for ${DIFF_FROM} → ${DIFF_TO}`, () => {
    const lines = diffed.result.stdout.split("\n").map((l) => l.trim());
    // What changed, from the manifests…
    expect(lines).toContain(
      "changed field pluginv2.ConversionRequest.uid (#2): message pluginv2.GroupVersionKind → string",
    );
    expect(lines).toContain(
      "added rpc /pluginv2.ResourceConversion/ConvertObjects: unary, pluginv2.ConversionRequest → pluginv2.ConversionResponse",
    );
    expect(lines).toContain(
      "removed rpc /pluginv2.AdmissionControl/ConvertObject: callers get UNIMPLEMENTED",
    );
    expect(lines).toContain("added message pluginv2.RawObject: 2 field(s)");
    // …and what breaks, from buf breaking against the previous output's protocol.binpb.
    expect(lines).toContain(
      'BREAKING pluginv2/backend.proto:433:3 FIELD_WIRE_JSON_COMPATIBLE_TYPE: Field "2" with name "uid" on message "ConversionRequest" changed type from "message" to "string".',
    );
    expect(lines).toContain(
      'BREAKING pluginv2/backend.proto:318:1 RPC_NO_DELETE: Previously present RPC "ConvertObject" on service "AdmissionControl" was deleted.',
    );
    const breaking = lines.filter((l) => l.startsWith("BREAKING "));
    expect(breaking.length).toBeGreaterThanOrEqual(10);
    expect(
      breaking.every((l) => /^BREAKING pluginv2\/backend\.proto:\d+:\d+ [A-Z_]+: /.test(l)),
    ).toBe(true);
    expect(lines.find((l) => l.startsWith("protocol diff:"))).toBe(
      `protocol diff: ${lines.filter((l) => /^(added|removed|changed) /.test(l)).length} change(s), ${breaking.length} wire-breaking`,
    );
    // Fields that kept their shape are not reported.
    expect(lines.some((l) => l.includes("ConversionRequest.pluginContext"))).toBe(false);
  });

  it("reports no wire-breaking change between revisions that only add", () => {
    const lines = additive.result.stdout.split("\n").map((l) => l.trim());
    expect(lines).toContain(
      "added rpc /pluginv2.Data/QueryChunkedData: server-streaming, pluginv2.QueryChunkedDataRequest → pluginv2.QueryChunkedDataResponse",
    );
    expect(lines.find((l) => l.startsWith("protocol diff:"))).toMatch(/, 0 wire-breaking$/);
  });

  it("typechecks every output with a CheckHealth-only plugin (one strict tsc run)", async () => {
    const dirs = [...byDefaults.values(), configured, diffed, additive].map((g) => g.label);
    const tsconfig = path.join(root, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        compilerOptions: strictNodeNextOptions,
        include: dirs.flatMap((d) => [`${d}/out/**/*.ts`, `${d}/plugin.ts`]),
      }),
    );
    await expect(runTsc(tsconfig)).resolves.toBeDefined();
  }, 300_000);
});
