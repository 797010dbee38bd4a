// Future protocol revisions, derived from the current proto/ rather than
// written by hand: every message gains fields of every shape, every enum a
// value, every service rpcs of all four streaming kinds with acronym, digit
// and underscore names; pluginv2 gains a service and a new package appears.
// Insertions are placed with the descriptors' source spans (the closing brace
// of each declaration), so the rest of each file stays byte for byte.

import type { DescriptorProto, FileDescriptorSet } from "@bufbuild/protobuf/wkt";

export interface Mutation {
  /** What was added, e.g. "field pluginv2.DataQuery.id_token_JWT (#1001): string". */
  what: string;
  kind: "field" | "enum value" | "rpc" | "service" | "package" | "message" | "enum";
}

export interface MutatedProtos {
  /** Proto file path (relative to the proto root) → new content. */
  files: Map<string, string>;
  mutations: Mutation[];
}

/** The rpcs added to every service: name → [client streams, server streams]. */
export const ADDED_RPCS: Record<string, [boolean, boolean]> = {
  QuerySQL: [false, false],
  Get_V2Status: [false, true],
  UploadCSVChunks: [true, false],
  StreamHTTP2Frames: [true, true],
};

/** The service added to pluginv2 and the package added beside it. */
export const ADDED_SERVICE = "EvolutionProbe";
export const ADDED_PACKAGE = { file: "pluginextensionv2/renderer.proto", pkg: "pluginextensionv2" };

const SCALARS = [
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
  "bytes",
];

const FIELD_BASE = 1000;

interface Insertion {
  line: number;
  column: number;
  text: string;
}

export function mutateProtos(set: FileDescriptorSet, sources: Map<string, string>): MutatedProtos {
  const files = new Map<string, string>();
  const mutations: Mutation[] = [];
  for (const file of set.file) {
    const source = sources.get(file.name);
    if (source === undefined) continue; // a dependency outside the tree (well-known types)
    const spans = new Map(
      (file.sourceCodeInfo?.location ?? []).map((l) => [l.path.join("."), l.span]),
    );
    const closingBrace = (path: number[]): { line: number; column: number } => {
      const span = spans.get(path.join("."));
      if (!span) throw new Error(`${file.name}: no source span for path ${path.join(".")}`);
      const [, , endLine, endColumn] =
        span.length === 4 ? span : [span[0], span[1], span[0], span[2]];
      return { line: endLine, column: endColumn - 1 };
    };
    const insertions: Insertion[] = [];
    const pkg = file.package;

    const visitEnum = (
      values: { name: string; number: number }[],
      fullName: string,
      path: number[],
      scope: string,
    ) => {
      const number = Math.max(...values.map((v) => v.number)) + 1;
      const name = `${scope}EVOLVED_V2_VALUE`.toUpperCase();
      insertions.push({ ...closingBrace(path), text: `  ${name} = ${number};\n` });
      mutations.push({ kind: "enum value", what: `enum value ${fullName}.${name} = ${number}` });
    };

    const visitMessage = (msg: DescriptorProto, fullName: string, path: number[]) => {
      if (msg.options?.mapEntry) return;
      msg.nestedType.forEach((n, i) => visitMessage(n, `${fullName}.${n.name}`, [...path, 3, i]));
      msg.enumType.forEach((e, i) =>
        visitEnum(e.value, `${fullName}.${e.name}`, [...path, 4, i], `${e.name}_`),
      );
      const fields = newFields(msg);
      insertions.push({ ...closingBrace(path), text: fields.map((f) => `  ${f.text}\n`).join("") });
      for (const f of fields.filter((f) => !f.shape.endsWith("declaration")))
        mutations.push({ kind: "field", what: `field ${fullName}.${f.name}: ${f.shape}` });
      mutations.push({ kind: "message", what: `nested message ${fullName}.Evolved_Nested_V2` });
      mutations.push({ kind: "enum", what: `nested enum ${fullName}.EvolvedKind_V2` });
    };

    file.messageType.forEach((m, i) => visitMessage(m, pkg ? `${pkg}.${m.name}` : m.name, [4, i]));
    file.enumType.forEach((e, i) =>
      visitEnum(e.value, pkg ? `${pkg}.${e.name}` : e.name, [5, i], `${e.name}_`),
    );
    file.service.forEach((service, i) => {
      const first = service.method[0];
      if (!first) return;
      const rpcs = rpcLines(first.inputType, first.outputType);
      insertions.push({ ...closingBrace([6, i]), text: rpcs.map((r) => `  ${r}\n`).join("") });
      for (const name of Object.keys(ADDED_RPCS))
        mutations.push({ kind: "rpc", what: `rpc /${pkg}.${service.name}/${name}` });
    });

    let text = applyInsertions(source, insertions);
    if (pkg === "pluginv2") {
      const first = file.service[0]?.method[0];
      if (!first) throw new Error(`${file.name}: pluginv2 has no rpc to model the new service on`);
      text += `\n// Added by the evolution suite: a service no config names.\nservice ${ADDED_SERVICE} {\n${rpcLines(
        first.inputType,
        first.outputType,
      )
        .map((r) => `  ${r}\n`)
        .join("")}}\n`;
      mutations.push({
        kind: "service",
        what: `service pluginv2.${ADDED_SERVICE} (not in protocol.config.json)`,
      });
    }
    files.set(file.name, text);
  }
  files.set(ADDED_PACKAGE.file, newPackage());
  mutations.push({
    kind: "package",
    what: `package ${ADDED_PACKAGE.pkg} (${ADDED_PACKAGE.file}): service Renderer`,
  });
  return { files, mutations };
}

interface NewField {
  name: string;
  shape: string;
  text: string;
}

function newFields(msg: DescriptorProto): NewField[] {
  let number = Math.max(FIELD_BASE, ...msg.field.map((f) => f.number + 1));
  const fields: NewField[] = [];
  const add = (name: string, shape: string, decl: (n: number) => string) => {
    const n = number++;
    fields.push({ name: `${name} (#${n})`, shape, text: decl(n) });
  };
  for (const scalar of SCALARS)
    add(`evolved_${scalar}_V2`, scalar, (n) => `${scalar} evolved_${scalar}_V2 = ${n};`);
  add("id_token_JWT", "string", (n) => `string id_token_JWT = ${n};`);
  add("http_URL_v2", "optional string", (n) => `optional string http_URL_v2 = ${n};`);
  add("self_ref_2", `message ${msg.name}`, (n) => `${msg.name} self_ref_2 = ${n};`);
  add("nested_V2", "nested message", (n) => `Evolved_Nested_V2 nested_V2 = ${n};`);
  add("kind_V2", "nested enum", (n) => `EvolvedKind_V2 kind_V2 = ${n};`);
  add("tags_by_ID", "map<string, string>", (n) => `map<string, string> tags_by_ID = ${n};`);
  add(
    "nested_by_int64",
    "map<int64, message>",
    (n) => `map<int64, Evolved_Nested_V2> nested_by_int64 = ${n};`,
  );
  add("repeated_URLs", "repeated string", (n) => `repeated string repeated_URLs = ${n};`);
  add(
    "repeated_nested",
    "repeated message",
    (n) => `repeated Evolved_Nested_V2 repeated_nested = ${n};`,
  );
  add("repeated_kinds", "repeated enum", (n) => `repeated EvolvedKind_V2 repeated_kinds = ${n};`);
  const a = number++;
  const b = number++;
  fields.push({
    name: `choice_OF_v2 (#${a}, #${b})`,
    shape: "oneof { string; int64 }",
    text: `oneof choice_OF_v2 { string choice_text_V2 = ${a}; int64 choice_ID_64 = ${b}; }`,
  });
  fields.push({
    name: "Evolved_Nested_V2",
    shape: "nested message declaration",
    text: "message Evolved_Nested_V2 { string id_token_JWT = 1; EvolvedKind_V2 kind = 2; }",
  });
  fields.push({
    name: "EvolvedKind_V2",
    shape: "nested enum declaration",
    text: "enum EvolvedKind_V2 { EVOLVED_KIND_V2_UNSPECIFIED = 0; EVOLVED_KIND_V2_HTTP2 = 1; }",
  });
  return fields;
}

function rpcLines(input: string, output: string): string[] {
  const strip = (t: string) => t.replace(/^\./, "");
  return Object.entries(ADDED_RPCS).map(
    ([name, [clientStreams, serverStreams]]) =>
      `rpc ${name}(${clientStreams ? "stream " : ""}${strip(input)}) returns (${serverStreams ? "stream " : ""}${strip(output)});`,
  );
}

function newPackage(): string {
  return `// Added by the evolution suite: a package the repository has never seen,
// shaped like Grafana's renderer protocol.
syntax = "proto3";
package ${ADDED_PACKAGE.pkg};

message RenderRequest {
  string url = 1;
  int32 width = 2;
  map<string, string> headers = 3;
}

message RenderResponse {
  string error = 1;
  bytes body = 2;
}

service Renderer {
  rpc Render(RenderRequest) returns (RenderResponse);
  rpc RenderCSV(RenderRequest) returns (RenderResponse);
  rpc Get_V2Status(RenderRequest) returns (stream RenderResponse);
}
`;
}

/** Applies insertions at 0-based (line, column) positions, last first so earlier positions stay valid. */
function applyInsertions(source: string, insertions: Insertion[]): string {
  const lines = source.split("\n");
  const sorted = [...insertions].sort((x, y) => y.line - x.line || y.column - x.column);
  for (const { line, column, text } of sorted) {
    const current = lines[line];
    lines[line] = current.slice(0, column) + "\n" + text + current.slice(column);
  }
  return lines.join("\n");
}
