// Element-by-element comparison of two compiled protobuf descriptor sets.
//
// Used to prove that our transcriptions in proto/ say exactly what upstream
// says on the wire. Comments and source positions (sourceCodeInfo) are
// ignored; everything else in descriptor.proto is compared, in declaration
// order, so a renamed, renumbered, retyped, reordered, added or dropped
// element shows up as a difference naming its path.

import { create, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescField, DescMessage, Message, MessageShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { FileDescriptorProto, FileDescriptorSet } from "@bufbuild/protobuf/wkt";

/** Where an element sits: its printable path, and the scope its named children are qualified with. */
interface Location {
  path: string;
  scope: string;
}

/** Lists whose entries are named declarations; their paths use the qualified name, as in `pluginv2.QueryDataRequest`. */
const NAMED_LISTS = new Set(["messageType", "nestedType", "enumType", "service"]);

/** Not part of what goes on the wire: comments and source positions. */
const IGNORED_FIELDS = new Set(["sourceCodeInfo"]);

/**
 * Lists every difference between two descriptor sets, one human-readable
 * line each, `path: a=…, b=…`. Files are matched by name. Inside a file,
 * declarations are named by qualified name (`pluginv2.CheckHealthResponse`)
 * and their parts by list index, as in `pluginv2.QueryDataRequest.field[2].type`;
 * file-level attributes read `pluginv2/backend.proto:package`. An empty result
 * means the sets are identical apart from comments and source positions.
 */
export function diffFileDescriptorSets(a: FileDescriptorSet, b: FileDescriptorSet): string[] {
  const out: string[] = [];
  const filesB = new Map(b.file.map((f) => [f.name, f]));
  const namesA = new Set(a.file.map((f) => f.name));
  for (const fileA of a.file) {
    const fileB = filesB.get(fileA.name);
    if (fileB === undefined) {
      out.push(`${fileA.name}: only in a`);
      continue;
    }
    diffFile(fileA, fileB, out);
  }
  for (const fileB of b.file) {
    if (!namesA.has(fileB.name)) out.push(`${fileB.name}: only in b`);
  }
  return out;
}

function diffFile(a: FileDescriptorProto, b: FileDescriptorProto, out: string[]): void {
  const scope = a.package === "" ? "" : `${a.package}.`;
  diffMessage(FileDescriptorProtoSchema, a, b, { path: `${a.name}:`, scope }, out);
}

/** Compares every field of two messages of the same descriptor type, recursing into nested messages and lists. */
function diffMessage(
  schema: DescMessage,
  a: Message,
  b: Message,
  at: Location,
  out: string[],
): void {
  const found = out.length;
  for (const field of schema.fields) {
    if (IGNORED_FIELDS.has(field.localName)) continue;
    const path = join(at.path, field.localName);
    switch (field.fieldKind) {
      case "scalar":
      case "enum": {
        const va = present(schema, a, field);
        const vb = present(schema, b, field);
        if (va !== vb) out.push(`${path}: a=${show(field, va)}, b=${show(field, vb)}`);
        break;
      }
      case "message": {
        const va = present(schema, a, field) as Message | undefined;
        const vb = present(schema, b, field) as Message | undefined;
        if (va === undefined && vb === undefined) break;
        // Compare against an empty message when one side is unset, so the
        // report names the attribute that was set (`options.deprecated`).
        const before = out.length;
        diffMessage(
          field.message,
          va ?? create(field.message),
          vb ?? create(field.message),
          { path, scope: `${path}.` },
          out,
        );
        if (out.length === before && (va === undefined) !== (vb === undefined)) {
          out.push(`${path}: a=${va ? "set" : "(unset)"}, b=${vb ? "set" : "(unset)"}`);
        }
        break;
      }
      case "list":
        diffList(
          field,
          get(a, field) as unknown[],
          get(b, field) as unknown[],
          path,
          at.scope,
          out,
        );
        break;
      case "map":
        // descriptor.proto has no map fields; compare whole if one ever appears.
        if (JSON.stringify(get(a, field)) !== JSON.stringify(get(b, field)))
          out.push(`${path}: maps differ`);
        break;
    }
  }
  // Options may carry custom options as extensions, which live in unknown
  // fields that the walk above cannot see; compare the encoded bytes too.
  if (out.length === found && schema.typeName.endsWith("Options")) {
    if (!bytesEqual(toBinary(schema, a), toBinary(schema, b))) {
      out.push(`${at.path}: differ in extension or unknown fields`);
    }
  }
}

function diffList(
  field: DescField & { fieldKind: "list" },
  a: unknown[],
  b: unknown[],
  path: string,
  scope: string,
  out: string[],
): void {
  if (a.length !== b.length)
    out.push(`${path}: a has ${a.length}, b has ${b.length}${onlyIn(a, b)}`);
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    if (field.listKind !== "message") {
      if (a[i] !== b[i]) out.push(`${path}[${i}]: a=${showValue(a[i])}, b=${showValue(b[i])}`);
      continue;
    }
    const itemA = a[i] as Message & { name?: string };
    const child = NAMED_LISTS.has(field.localName) ? `${scope}${itemA.name}` : `${path}[${i}]`;
    diffMessage(field.message, itemA, b[i] as Message, { path: child, scope: `${child}.` }, out);
  }
}

/** Names that one list of declarations has and the other lacks, for the length message. */
function onlyIn(a: unknown[], b: unknown[]): string {
  const names = (list: unknown[]) =>
    list.map((x) => (x as { name?: unknown }).name).filter((n) => typeof n === "string");
  const na = names(a);
  const nb = names(b);
  const extraA = na.filter((n) => !nb.includes(n));
  const extraB = nb.filter((n) => !na.includes(n));
  let s = "";
  if (extraA.length > 0) s += `; only in a: ${extraA.join(", ")}`;
  if (extraB.length > 0) s += `; only in b: ${extraB.join(", ")}`;
  return s;
}

function join(path: string, segment: string): string {
  return path.endsWith(":") ? `${path}${segment}` : `${path}.${segment}`;
}

function get(message: Message, field: DescField): unknown {
  return (message as unknown as Record<string, unknown>)[field.localName];
}

/** The field's value, or undefined when it is not set (descriptor.proto is proto2, so presence matters). */
function present(schema: DescMessage, message: Message, field: DescField): unknown {
  return isFieldSet(message as MessageShape<typeof schema>, field)
    ? get(message, field)
    : undefined;
}

function show(field: DescField, value: unknown): string {
  if (value === undefined) return "(unset)";
  if (field.fieldKind === "enum" && typeof value === "number") {
    return field.enum.value[value]?.name ?? String(value);
  }
  return showValue(value);
}

function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
