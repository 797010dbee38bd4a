// output/protocol.json against its JSON Schema and against the protocol
// itself: the descriptors buf compiles from proto/ (decoded independently of
// the generator) must list exactly the rpcs, streaming kinds, messages and
// fields the manifest claims.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import type { FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../generator/generate-manifest.js";
import {
  buildDescriptors,
  describedRpcs,
  repoConfig,
  repoRoot,
} from "./support/generate-helpers.js";

const schemaPath = path.join(repoRoot, "generator/manifest/protocol.schema.json");
const manifest = JSON.parse(
  readFileSync(path.join(repoRoot, "output/protocol.json"), "utf8"),
) as Manifest;
const config = JSON.parse(readFileSync(repoConfig, "utf8")) as {
  handshake: Manifest["handshake"];
  pluginSets: Record<string, { protocolVersion: number; services: Record<string, string> }>;
  infrastructurePackages: string[];
};

let validate: ValidateFunction;
let descriptors: FileDescriptorSet;
/** Files compiled from proto/ itself (buf also returns the well-known types they import). */
let ownFiles: Set<string>;

beforeAll(async () => {
  validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(schemaPath, "utf8")));
  descriptors = await buildDescriptors(path.join(repoRoot, "proto"));
  ownFiles = new Set(
    descriptors.file
      .map((f) => f.name)
      .filter((name) => existsSync(path.join(repoRoot, "proto", name))),
  );
});

function clone(): Manifest {
  return structuredClone(manifest);
}

describe("protocol.schema.json", () => {
  it("accepts output/protocol.json", () => {
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it.each<[string, (m: Manifest) => void, string]>([
    ["an unknown top-level key", (m) => Object.assign(m, { extra: 1 }), "additionalProperties"],
    [
      "an unknown streaming kind",
      (m) => (m.services[0].rpcs[0].streaming = "duplex"),
      "/services/0/rpcs/0/streaming",
    ],
    [
      "a message field without its typeName",
      (m) =>
        delete m.messages.flatMap((x) => x.fields).find((f) => f.type === "message" && !f.map)!
          .typeName,
      "typeName",
    ],
    [
      "a map field that also claims a typeName",
      (m) => (m.messages.flatMap((x) => x.fields).find((f) => f.map)!.typeName = "x.Entry"),
      "#/allOf/0/then/not",
    ],
    ["a wrong format", (m) => (m.format = 1), "/format"],
    [
      "a missing handshake key",
      (m) => delete (m.handshake as Partial<Manifest["handshake"]>).magicCookieKey,
      "magicCookieKey",
    ],
    [
      "an rpc path that is not /package.Service/Rpc",
      (m) => (m.services[0].rpcs[0].path = "Check"),
      "/services/0/rpcs/0/path",
    ],
  ])("rejects %s", (_what, mutate, mentioned) => {
    const broken = clone();
    mutate(broken);
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain(mentioned);
  });
});

describe("output/protocol.json matches the descriptors of proto/", () => {
  it("lists every rpc of every service, with its streaming kind and types, and nothing else", () => {
    const expected = describedRpcs(descriptors, (f) => ownFiles.has(f)).map((r) => ({
      service: r.serviceFullName,
      file: r.file,
      name: r.name,
      path: r.path,
      streaming: r.kind,
      input: r.input,
      output: r.output,
    }));
    const listed = manifest.services.flatMap((s) =>
      s.rpcs.map(({ tsKey: _, ...r }) => ({ service: s.name, file: s.file, ...r })),
    );
    expect(expected.length).toBeGreaterThanOrEqual(15);
    expect(listed).toEqual(expected);
  });

  it("covers every proto file in proto/ that declares a service", () => {
    const withServices = descriptors.file
      .filter((f) => ownFiles.has(f.name) && f.service.length > 0)
      .map((f) => f.name)
      .sort();
    expect([...new Set(manifest.services.map((s) => s.file))].sort()).toEqual(withServices);
    expect(withServices).toEqual(
      expect.arrayContaining(["pluginv2/backend.proto", "plugin/grpc_broker.proto"]),
    );
  });

  it("lists every message with its fields' numbers, names and cardinality", () => {
    const registry = createFileRegistry(descriptors);
    const expected: { name: string; fields: [number, string, boolean][] }[] = [];
    const visit = (m: DescMessage) => {
      if (m.proto.options?.mapEntry) return;
      expected.push({
        name: m.typeName,
        fields: m.fields.map((f) => [f.number, f.name, f.fieldKind === "list"]),
      });
      m.nestedMessages.forEach(visit);
    };
    for (const name of ownFiles) registry.getFile(name)!.messages.forEach(visit);
    const listed = manifest.messages.map((m) => ({
      name: m.name,
      fields: m.fields.map((f) => [f.number, f.name, f.label === "repeated" && !f.map]),
    }));
    expect(listed.map((m) => m.name).sort()).toEqual(expected.map((m) => m.name).sort());
    expect(listed).toEqual(expect.arrayContaining(expected));
  });

  it("types fields the way the descriptors do (spot checks across kinds)", () => {
    const field = (message: string, name: string) =>
      manifest.messages.find((m) => m.name === message)!.fields.find((f) => f.name === name);
    expect(field("pluginv2.CheckHealthResponse", "status")).toMatchObject({
      type: "enum",
      typeName: "pluginv2.CheckHealthResponse.HealthStatus",
    });
    expect(field("pluginv2.QueryDataRequest", "queries")).toMatchObject({
      type: "message",
      label: "repeated",
      typeName: "pluginv2.DataQuery",
    });
    expect(field("pluginv2.CallResourceRequest", "headers")).toMatchObject({
      label: "repeated",
      map: { key: "string", value: "message", valueTypeName: "pluginv2.StringList" },
    });
    expect(field("pluginv2.TimeRange", "fromEpochMS")).toMatchObject({ type: "int64" });
  });
});

describe("output/protocol.json matches protocol.config.json", () => {
  it("carries the configured handshake", () => {
    expect(manifest.handshake).toEqual(config.handshake);
  });

  it("puts every service of a configured package in its plugin set, under its configured name", () => {
    const rpcsByPackage = describedRpcs(descriptors, (f) => ownFiles.has(f));
    for (const [pkg, set] of Object.entries(config.pluginSets)) {
      const services = [
        ...new Set(rpcsByPackage.filter((r) => r.package === pkg).map((r) => r.service)),
      ];
      const manifestSet = manifest.pluginSets.find(
        (s) => s.protocolVersion === set.protocolVersion,
      );
      expect(manifestSet?.packages).toEqual([pkg]);
      expect(manifestSet!.plugins).toEqual(
        services.map((s) => ({
          name: set.services[s],
          service: `${pkg}.${s}`,
          nameSource: "config",
        })),
      );
    }
    expect(manifest.latestProtocolVersion).toBe(
      Math.max(...Object.values(config.pluginSets).map((s) => s.protocolVersion)),
    );
  });

  it("keeps infrastructure services out of every plugin set", () => {
    const inSets = new Set(manifest.pluginSets.flatMap((s) => s.plugins.map((p) => p.service)));
    const infra = manifest.services.filter((s) =>
      config.infrastructurePackages.some((pkg) => s.name.startsWith(`${pkg}.`)),
    );
    expect(infra.map((s) => s.name)).toEqual(
      expect.arrayContaining(["plugin.GRPCBroker", "grpc.health.v1.Health"]),
    );
    for (const s of infra) expect(inSets.has(s.name), s.name).toBe(false);
  });
});
