/**
 * output/protocol.json: the protocol in a language-neutral form for people
 * building SDKs in other runtimes — handshake, plugin sets, services and rpcs
 * with their streaming kind, message and enum shapes. Its JSON Schema is
 * generator/manifest/protocol.schema.json.
 */
import type { DescEnum, DescField, DescFile, DescMessage } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type } from "@bufbuild/protobuf/wkt";
import { adapterFunctionName } from "./generate-adapters.js";
import { typedClientName } from "./generate-clients.js";
import { handlerInterfaceName } from "./generate-handlers.js";
import { generatedNote } from "./header.js";
import { serviceSymbols, tsTypeName } from "./naming.js";
import type { ProtocolModel } from "./model.js";
import type { GeneratedFile } from "./source-file.js";

/** 2: TypeScript symbol names (tsKey, tsName, typescript) added. */
export const MANIFEST_FORMAT = 2;

export interface ManifestField {
  name: string;
  jsonName: string;
  number: number;
  type: string;
  typeName?: string;
  label: "optional" | "required" | "repeated";
  map?: { key: string; value: string; valueTypeName?: string };
  oneof?: string;
  proto3Optional?: boolean;
}

interface ServiceSymbols {
  definition: string;
  server: string;
  client: string;
  handler: string;
  adapter: string;
  typedClient: string;
}

export interface Manifest {
  note: string;
  format: number;
  handshake: { coreProtocolVersion: number; magicCookieKey: string; magicCookieValue: string };
  latestProtocolVersion: number;
  pluginSets: {
    protocolVersion: number;
    packages: string[];
    plugins: { name: string; service: string; nameSource: string }[];
  }[];
  services: {
    name: string;
    file: string;
    rpcs: {
      name: string;
      path: string;
      streaming: string;
      input: string;
      output: string;
      tsKey: string;
    }[];
    typescript: ServiceSymbols;
  }[];
  messages: { name: string; tsName: string; file: string; fields: ManifestField[] }[];
  enums: {
    name: string;
    tsName: string;
    file: string;
    values: { name: string; number: number }[];
  }[];
}

export function buildManifest(model: ProtocolModel): Manifest {
  const messages: Manifest["messages"] = [];
  const enums: Manifest["enums"] = [];
  for (const file of model.files) collectTypes(file, messages, enums);
  return {
    note: generatedNote({
      generator: "grafana-plugin-ts (manifest)",
      sources: model.files.map((f) => f.proto.name),
    }),
    format: MANIFEST_FORMAT,
    handshake: { ...model.handshake },
    latestProtocolVersion: Math.max(0, ...model.pluginSets.map((s) => s.protocolVersion)),
    pluginSets: model.pluginSets.map((s) => ({
      protocolVersion: s.protocolVersion,
      packages: s.packages,
      plugins: s.services.map((x) => ({
        name: x.goPluginName!,
        service: x.fullName,
        nameSource: x.goPluginNameSource!,
      })),
    })),
    services: model.services.map((s) => ({
      name: s.fullName,
      file: `${s.stem}.proto`,
      rpcs: s.rpcs.map((r) => ({
        name: r.name,
        path: r.path,
        streaming: r.kind,
        input: r.input.fullName,
        output: r.output.fullName,
        tsKey: r.key,
      })),
      typescript: {
        ...serviceSymbols(s),
        handler: handlerInterfaceName(s),
        adapter: adapterFunctionName(s),
        typedClient: typedClientName(s),
      },
    })),
    messages,
    enums,
  };
}

export function generateManifest(model: ProtocolModel): GeneratedFile {
  return { name: "protocol.json", content: JSON.stringify(buildManifest(model), null, 2) + "\n" };
}

function collectTypes(
  file: DescFile,
  messages: Manifest["messages"],
  enums: Manifest["enums"],
): void {
  const visitEnum = (e: DescEnum) =>
    enums.push({
      name: e.typeName,
      tsName: tsTypeName(e),
      file: file.proto.name,
      values: e.values.map((v) => ({ name: v.name, number: v.number })),
    });
  const visitMessage = (m: DescMessage) => {
    if (m.proto.options?.mapEntry) return;
    messages.push({
      name: m.typeName,
      tsName: tsTypeName(m),
      file: file.proto.name,
      fields: m.fields.map(fieldShape),
    });
    m.nestedEnums.forEach(visitEnum);
    m.nestedMessages.forEach(visitMessage);
  };
  file.enums.forEach(visitEnum);
  file.messages.forEach(visitMessage);
}

function fieldShape(field: DescField): ManifestField {
  const p = field.proto;
  const shape: ManifestField = {
    name: field.name,
    jsonName: field.jsonName,
    number: field.number,
    type: typeName(p.type),
    label: labelName(p.label),
  };
  if (field.fieldKind === "message" || field.fieldKind === "enum")
    shape.typeName = (field.message ?? field.enum)!.typeName;
  if (field.fieldKind === "list" && field.listKind !== "scalar")
    shape.typeName = (field.listKind === "message" ? field.message : field.enum).typeName;
  if (field.fieldKind === "map") {
    shape.map = {
      key: typeNameOfScalar(field.mapKey),
      value: field.mapKind === "scalar" ? typeNameOfScalar(field.scalar) : field.mapKind,
    };
    if (field.mapKind === "message") shape.map.valueTypeName = field.message.typeName;
    if (field.mapKind === "enum") shape.map.valueTypeName = field.enum.typeName;
    delete shape.typeName;
  }
  if (field.oneof && !p.proto3Optional) shape.oneof = field.oneof.name;
  if (p.proto3Optional) shape.proto3Optional = true;
  return shape;
}

function typeName(type: FieldDescriptorProto_Type): string {
  return FieldDescriptorProto_Type[type].replace(/^TYPE_/, "").toLowerCase();
}

function labelName(label: FieldDescriptorProto_Label): ManifestField["label"] {
  return FieldDescriptorProto_Label[label]
    .replace(/^LABEL_/, "")
    .toLowerCase() as ManifestField["label"];
}

/** protobuf-es ScalarType numbers are FieldDescriptorProto.Type numbers. */
function typeNameOfScalar(scalar: number): string {
  return typeName(scalar as FieldDescriptorProto_Type);
}
