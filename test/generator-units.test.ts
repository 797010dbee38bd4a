// Small generator tests: option and config parsing, the protocol diff, the
// buf template against buf.gen.yaml, headers of the committed output, and the
// buf plugin as a pure function over inline protos (compiled with buf, no
// ts-proto, no formatting).

import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { create } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBufGen, tsProtoOptions } from "../generator/buf-gen.js";
import { bufTemplate } from "../generator/command/buf-template.js";
import { parseGenerateArgs, UsageError } from "../generator/command/generate-args.js";
import {
  ConfigError,
  defaultProtocolConfig,
  parseProtocolConfig,
  type ProtocolConfig,
} from "../generator/config.js";
import type { Manifest, ManifestField } from "../generator/generate-manifest.js";
import { generatedHeader, generatedNote } from "../generator/header.js";
import { diffManifests } from "../generator/manifest-diff.js";
import { ModelError } from "../generator/model.js";
import { importPath, methodKey } from "../generator/naming.js";
import { parsePluginParameters } from "../generator/parameters.js";
import { generateFiles } from "../generator/plugin.js";
import {
  buildDescriptors,
  osTempDir,
  readTree,
  removeDir,
  repoConfig,
  repoRoot,
} from "./support/generate-helpers.js";

let tmp: string;
beforeAll(async () => {
  tmp = await osTempDir("gen-units");
});
afterAll(() => removeDir(tmp));

describe("parseProtocolConfig", () => {
  const at = "test.json";

  it("fills every default from an empty object", () => {
    expect(parseProtocolConfig({}, at)).toEqual(defaultProtocolConfig);
    expect(defaultProtocolConfig).toEqual({
      handshake: {
        coreProtocolVersion: 1,
        magicCookieKey: "grafana_plugin_type",
        magicCookieValue: "datasource",
      },
      pluginSets: {},
      infrastructurePackages: ["plugin", "google.protobuf"],
    });
  });

  it("keeps defaults for handshake fields that are not given", () => {
    const config = parseProtocolConfig(
      { handshake: { magicCookieValue: "app" }, $schema: "x" },
      at,
    );
    expect(config.handshake).toEqual({
      ...defaultProtocolConfig.handshake,
      magicCookieValue: "app",
    });
  });

  it("parses the repository's protocol.config.json", async () => {
    const config = parseProtocolConfig(JSON.parse(await readFile(repoConfig, "utf8")), repoConfig);
    expect(config.pluginSets.pluginv2.protocolVersion).toBe(2);
    expect(config.pluginSets.pluginv2.services.AdmissionControl).toBe("admission");
    expect(config.infrastructurePackages).toContain("grpc.health.v1");
  });

  it.each<[string, unknown, RegExp]>([
    ["an unknown top-level key", { pluginSet: {} }, /test\.json: unknown key\(s\) "pluginSet"/],
    [
      "an unknown handshake key",
      { handshake: { magicCookie: "x" } },
      /test\.json: handshake: unknown key\(s\) "magicCookie"; allowed: coreProtocolVersion/,
    ],
    [
      "an unknown plugin-set key",
      { pluginSets: { pluginv2: { protocolVersion: 2, service: {} } } },
      /pluginSets\.pluginv2: unknown key\(s\) "service"/,
    ],
    [
      "a missing protocolVersion",
      { pluginSets: { pluginv2: { services: {} } } },
      /pluginSets\.pluginv2\.protocolVersion must be a positive integer, got undefined/,
    ],
    [
      "a protocolVersion given as a string",
      { pluginSets: { pluginv2: { protocolVersion: "2" } } },
      /protocolVersion must be a positive integer, got "2"/,
    ],
    [
      "an empty go-plugin name",
      { pluginSets: { pluginv2: { protocolVersion: 2, services: { Data: "" } } } },
      /pluginSets\.pluginv2\.services\.Data must be a non-empty string/,
    ],
    [
      "a zero coreProtocolVersion",
      { handshake: { coreProtocolVersion: 0 } },
      /handshake\.coreProtocolVersion must be a positive integer, got 0/,
    ],
    [
      "infrastructurePackages that is not an array",
      { infrastructurePackages: "plugin" },
      /infrastructurePackages must be an array/,
    ],
    ["an array instead of an object", [], /test\.json must be a JSON object/],
    ["null", null, /test\.json must be a JSON object/],
  ])("rejects %s, naming where", (_what, value, message) => {
    expect(() => parseProtocolConfig(value, at)).toThrow(ConfigError);
    expect(() => parseProtocolConfig(value, at)).toThrow(message);
  });
});

describe("parsePluginParameters (buf.gen.yaml opt)", () => {
  it("defaults to the built-in config without options", () => {
    expect(parsePluginParameters("").config).toEqual(defaultProtocolConfig);
  });

  it("reads config=<path>", () => {
    const { config } = parsePluginParameters(`config=${repoConfig}`);
    expect(Object.keys(config.pluginSets)).toEqual(["pluginv2"]);
  });

  it("rejects unknown options and unreadable or invalid config files", async () => {
    expect(() => parsePluginParameters("conifg=x.json")).toThrow(
      'unknown plugin option "conifg" (known: config)',
    );
    expect(() => parsePluginParameters(`config=${path.join(tmp, "none.json")}`)).toThrow(
      /cannot read glue config .*none\.json/,
    );
    const bad = path.join(tmp, "bad.json");
    await writeFile(bad, "{ handshake: 1 }");
    expect(() => parsePluginParameters(`config=${bad}`)).toThrow(/bad\.json is not valid JSON/);
  });
});

describe("parseGenerateArgs", () => {
  it("defaults to ./proto, ./output and ./protocol.config.json when it exists", async () => {
    expect(parseGenerateArgs([], repoRoot)).toEqual({
      protoDir: path.join(repoRoot, "proto"),
      outDir: path.join(repoRoot, "output"),
      configPath: repoConfig,
      check: false,
    });
    expect(parseGenerateArgs([], tmp).configPath).toBeUndefined();
  });

  it("resolves paths against the working directory", () => {
    expect(parseGenerateArgs(["--proto", "p", "--out", "/abs/o", "--check"], "/work")).toEqual({
      protoDir: "/work/p",
      outDir: "/abs/o",
      configPath: undefined,
      check: true,
    });
  });

  it("rejects unknown flags, missing values and missing config files as usage errors", () => {
    expect(() => parseGenerateArgs(["-o", "x"], tmp)).toThrow(UsageError);
    expect(() => parseGenerateArgs(["--proto", "--check"], tmp)).toThrow("--proto needs a value");
    expect(() => parseGenerateArgs(["--config", "nope.json"], tmp)).toThrow(/does not exist/);
  });
});

describe("diffManifests", () => {
  let base: Manifest;
  beforeAll(async () => {
    base = JSON.parse(await readFile(path.join(repoRoot, "output/protocol.json"), "utf8"));
  });
  const edit = (change: (m: Manifest) => void) => {
    const m = structuredClone(base);
    change(m);
    return m;
  };
  const message = (m: Manifest, name: string) => m.messages.find((x) => x.name === name)!;
  const field = (m: Manifest, msg: string, name: string): ManifestField =>
    message(m, msg).fields.find((f) => f.name === name)!;

  it("finds nothing between a manifest and itself", () => {
    expect(diffManifests(base, structuredClone(base))).toEqual([]);
  });

  it("reports an added rpc as compatible", () => {
    const after = edit((m) =>
      m.services
        .find((s) => s.name === "pluginv2.Data")!
        .rpcs.push({
          name: "QueryChunked",
          path: "/pluginv2.Data/QueryChunked",
          streaming: "server-streaming",
          input: "pluginv2.QueryDataRequest",
          tsKey: "queryChunked",
          output: "pluginv2.QueryDataResponse",
        }),
    );
    expect(diffManifests(base, after)).toEqual([
      {
        kind: "added",
        subject: "rpc /pluginv2.Data/QueryChunked",
        detail: "server-streaming, pluginv2.QueryDataRequest → pluginv2.QueryDataResponse",
      },
    ]);
  });

  it("reports a removed rpc and a changed streaming kind", () => {
    const after = edit((m) => {
      const diagnostics = m.services.find((s) => s.name === "pluginv2.Diagnostics")!;
      diagnostics.rpcs = diagnostics.rpcs.filter((r) => r.name !== "CollectMetrics");
      m.services.find((s) => s.name === "pluginv2.Data")!.rpcs[0].streaming = "server-streaming";
    });
    expect(diffManifests(base, after)).toEqual([
      {
        kind: "changed",
        subject: "rpc /pluginv2.Data/QueryData",
        detail: "streaming: unary → server-streaming",
      },
      {
        kind: "removed",
        subject: "rpc /pluginv2.Diagnostics/CollectMetrics",
        detail: "callers get UNIMPLEMENTED",
      },
    ]);
  });

  it("reports a removed field", () => {
    const after = edit((m) => {
      const msg = message(m, "pluginv2.CheckHealthResponse");
      msg.fields = msg.fields.filter((f) => f.name !== "message");
    });
    expect(diffManifests(base, after)).toEqual([
      {
        kind: "removed",
        subject: "field pluginv2.CheckHealthResponse.message (#2)",
        detail: "string; its data is dropped by new peers",
      },
    ]);
  });

  it("reports a type change with both shapes", () => {
    const after = edit((m) => {
      Object.assign(field(m, "pluginv2.CheckHealthResponse", "message"), { type: "int64" });
      const status = field(m, "pluginv2.CheckHealthResponse", "status");
      Object.assign(status, { type: "string", typeName: undefined });
      delete status.typeName;
    });
    expect(diffManifests(base, after)).toEqual([
      {
        kind: "changed",
        subject: "field pluginv2.CheckHealthResponse.status (#1)",
        detail: "enum pluginv2.CheckHealthResponse.HealthStatus → string",
      },
      {
        kind: "changed",
        subject: "field pluginv2.CheckHealthResponse.message (#2)",
        detail: "string → int64",
      },
    ]);
  });

  it("reports a rename (same number and type)", () => {
    const after = edit((m) =>
      Object.assign(field(m, "pluginv2.CheckHealthResponse", "message"), {
        name: "text",
        jsonName: "text",
      }),
    );
    const [change] = diffManifests(base, after);
    expect(change).toMatchObject({ kind: "changed" });
    expect(change.detail).toContain("renamed message → text");
  });

  it("reports added fields, messages and enum values, and removed enum values", () => {
    const after = edit((m) => {
      message(m, "pluginv2.CheckHealthResponse").fields.push({
        name: "checked_at",
        jsonName: "checkedAt",
        number: 9,
        type: "int64",
        label: "optional",
      });
      m.messages.push({
        name: "pluginv2.Extra",
        tsName: "Extra",
        file: "pluginv2/backend.proto",
        fields: [],
      });
      const health = m.enums.find((e) => e.name === "pluginv2.CheckHealthResponse.HealthStatus")!;
      health.values = health.values.filter((v) => v.number !== 2);
      health.values.push({ name: "DEGRADED", number: 7 });
    });
    expect(diffManifests(base, after).map((c) => [c.kind, c.subject])).toEqual([
      ["added", "field pluginv2.CheckHealthResponse.checked_at (#9)"],
      ["added", "message pluginv2.Extra"],
      ["added", "enum value pluginv2.CheckHealthResponse.HealthStatus.DEGRADED"],
      ["removed", "enum value pluginv2.CheckHealthResponse.HealthStatus.ERROR"],
    ]);
  });
});

describe("buf.gen.yaml and the command's buf template", () => {
  it("the command's template is buf.gen.yaml with the plugins pointed at the tools", () => {
    const file = readBufGen();
    const template = JSON.parse(
      bufTemplate({
        tsProtoPlugin: "/ts-proto",
        grafanaPlugin: ["node", "plugin.ts"],
        configPath: "/c.json",
        out: "/out",
      }),
    );
    expect(template.version).toBe(file.version);
    expect(template.plugins).toEqual([
      { local: "/ts-proto", out: "/out", strategy: "all", opt: tsProtoOptions() },
      { local: ["node", "plugin.ts"], out: "/out", strategy: "all", opt: ["config=/c.json"] },
    ]);
    expect(tsProtoOptions()).toContain("outputServices=false");
    const noConfig = JSON.parse(
      bufTemplate({ tsProtoPlugin: "t", grafanaPlugin: ["g"], configPath: undefined, out: "o" }),
    );
    expect(noConfig.plugins[1].opt).toEqual([]);
  });
});

describe("headers", () => {
  it("generatedHeader names the generator and sources and says DO NOT EDIT", () => {
    expect(generatedHeader({ generator: "g (x)", sources: ["a.proto", "b.proto"] })).toBe(
      "// Code generated by g (x). DO NOT EDIT.\n// source: a.proto, b.proto\n" +
        "// Regenerate with `npm run generate` (grafana-plugin-ts generate); edit the .proto or the generator instead.\n",
    );
    expect(generatedNote({ generator: "g", sources: ["a.proto"] })).toBe(
      "Code generated by g from a.proto. DO NOT EDIT; regenerate with `npm run generate`.",
    );
  });

  it("every file in output/ starts with the header naming its source", async () => {
    const tree = await readTree(path.join(repoRoot, "output"));
    expect(tree.size).toBeGreaterThan(10);
    expect(tree.has("protocol.binpb")).toBe(true);
    for (const [name, bytes] of tree) {
      if (name === "protocol.binpb") continue; // the buf image breaking checks compare against
      const text = bytes.toString("utf8");
      if (name.endsWith(".json")) {
        const note = (JSON.parse(text) as Manifest).note;
        expect(note, name).toMatch(
          /^Code generated by grafana-plugin-ts \(manifest\) from .+\. DO NOT EDIT/,
        );
        expect(note).toContain("pluginv2/backend.proto");
        continue;
      }
      const [first, second] = text.split("\n");
      expect(first, name).toMatch(/^\/\/ Code generated by .+\. DO NOT EDIT\.$/);
      const sources = second.replace(/^\/\/ source: /, "").split(", ");
      const stem = name.replace(/(\.handlers|\.adapters|\.clients|\.grpc)?\.ts$/, "");
      const expected =
        name === "glue.ts"
          ? "protocol.config.json"
          : name === "rpc-support.ts" || name === "wire-check.ts"
            ? `generator/templates/${name}`
            : name === "wire-tables.ts"
              ? "pluginv2/backend.proto"
              : `${stem}.proto`;
      expect(sources, name).toContain(expected);
    }
  });
});

describe("the buf plugin as a pure function (inline protos)", () => {
  /** Compiles `files` (path → source) with buf and runs generateFiles over them. */
  async function generate(files: Record<string, string>, config: ProtocolConfig) {
    const dir = path.join(tmp, `inline-${Math.random().toString(36).slice(2)}`);
    for (const [name, source] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), source);
    }
    const set = await buildDescriptors(dir);
    const request = create(CodeGeneratorRequestSchema, {
      fileToGenerate: Object.keys(files),
      protoFile: set.file,
    });
    return new Map(generateFiles(request, config).map((f) => [f.name, f.content]));
  }

  const nested = `syntax = "proto3";
package acme;
// Talks to the widget store.
service Widgets {
  // Lists widgets; closes a comment */ early on purpose.
  rpc List(Outer.Inner) returns (stream Outer.Inner);
  rpc Put(stream Outer) returns (Outer);
}
message Outer { message Inner { string id = 1; } Inner inner = 1; }
`;

  it("emits grpc-js bindings, handlers, adapters, clients per file plus glue, manifest, support and wire tables", async () => {
    const files = await generate({ "acme/widgets.proto": nested }, defaultProtocolConfig);
    expect([...files.keys()]).toEqual([
      "acme/widgets.adapters.ts",
      "acme/widgets.clients.ts",
      "acme/widgets.grpc.ts",
      "acme/widgets.handlers.ts",
      "glue.ts",
      "protocol.json",
      "rpc-support.ts",
      "wire-check.ts",
      "wire-tables.ts",
    ]);
  });

  it("names nested messages as ts-proto does and keeps comments, escaped", async () => {
    const handlers = (await generate({ "acme/widgets.proto": nested }, defaultProtocolConfig)).get(
      "acme/widgets.handlers.ts",
    )!;
    expect(handlers).toContain("list?: ServerStreamingHandler<Outer_Inner, Outer_Inner>;");
    expect(handlers).toContain("put?: ClientStreamingHandler<Outer, Outer>;");
    expect(handlers).toContain("Talks to the widget store.");
    expect(handlers).toContain("closes a comment *\\/ early");
    expect(handlers).toContain('from "../rpc-support.js"');
  });

  it("serves an unversioned package as protocol 1 under the conventional name", async () => {
    const manifest = JSON.parse(
      (await generate({ "acme/widgets.proto": nested }, defaultProtocolConfig)).get(
        "protocol.json",
      )!,
    ) as Manifest;
    expect(manifest.pluginSets).toEqual([
      {
        protocolVersion: 1,
        packages: ["acme"],
        plugins: [{ name: "widgets", service: "acme.Widgets", nameSource: "convention" }],
      },
    ]);
    expect(manifest.latestProtocolVersion).toBe(1);
  });

  it("uses configured names and versions, and leaves infrastructure packages out", async () => {
    const config: ProtocolConfig = {
      ...defaultProtocolConfig,
      pluginSets: { acme: { protocolVersion: 7, services: { Widgets: "widget-store" } } },
      infrastructurePackages: ["infra"],
    };
    const files = await generate(
      {
        "acme/widgets.proto": nested,
        "infra/ping.proto": `syntax = "proto3";\npackage infra;\nservice Ping { rpc Ping(P) returns (P); }\nmessage P {}\n`,
      },
      config,
    );
    const manifest = JSON.parse(files.get("protocol.json")!) as Manifest;
    expect(manifest.pluginSets).toEqual([
      {
        protocolVersion: 7,
        packages: ["acme"],
        plugins: [{ name: "widget-store", service: "acme.Widgets", nameSource: "config" }],
      },
    ]);
    expect(manifest.services.map((s) => s.name)).toEqual(["acme.Widgets", "infra.Ping"]);
    expect(files.get("glue.ts")).toContain('"widget-store"?: WidgetsHandler;');
    expect(files.get("glue.ts")).toContain("export const latestProtocolVersion = 7;");
    expect(files.get("glue.ts")).not.toContain("PingHandler");
  });

  it("refuses two services registering under one go-plugin name in one version", async () => {
    const config: ProtocolConfig = {
      ...defaultProtocolConfig,
      pluginSets: {
        a: { protocolVersion: 2, services: { S: "same" } },
        b: { protocolVersion: 2, services: { T: "same" } },
      },
    };
    await expect(
      generate(
        {
          "a/s.proto": `syntax = "proto3";\npackage a;\nservice S { rpc X(M) returns (M); }\nmessage M {}\n`,
          "b/t.proto": `syntax = "proto3";\npackage b;\nservice T { rpc Y(M) returns (M); }\nmessage M {}\n`,
        },
        config,
      ),
    ).rejects.toThrow(ModelError);
  });

  it("aliases same-named symbols of two packages in the glue", async () => {
    const diag = (pkg: string) =>
      `syntax = "proto3";\npackage ${pkg};\nservice Diagnostics { rpc CheckHealth(M) returns (M); }\nmessage M {}\n`;
    const glue = (
      await generate(
        { "pluginv2/d.proto": diag("pluginv2"), "pluginv3/d.proto": diag("pluginv3") },
        defaultProtocolConfig,
      )
    ).get("glue.ts")!;
    expect(glue).toContain("DiagnosticsService,");
    expect(glue).toContain("DiagnosticsService as pluginv3_d_DiagnosticsService");
    expect(glue).toContain("service: pluginv3_d_DiagnosticsService,");
    expect(glue).toContain(`"diagnostics"?: pluginv3_d_DiagnosticsHandler;`);
  });
});

describe("naming", () => {
  it("methodKey lower-cases the first letter only (acronyms and digits kept)", () => {
    expect(methodKey("CheckHealth")).toBe("checkHealth");
    expect(methodKey("GRPCBroker")).toBe("gRPCBroker");
    expect(methodKey("RenderCSV")).toBe("renderCSV");
    expect(methodKey("Get_V2Status")).toBe("get_V2Status");
  });

  it("importPath gives relative ESM specifiers with .js", () => {
    expect(importPath("glue.ts", "pluginv2/backend")).toBe("./pluginv2/backend.js");
    expect(importPath("pluginv2/backend.handlers.ts", "rpc-support")).toBe("../rpc-support.js");
    expect(importPath("pluginv2/backend.adapters.ts", "pluginv2/backend.handlers")).toBe(
      "./backend.handlers.js",
    );
  });
});
