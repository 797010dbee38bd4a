/**
 * wire-tables.ts: the strict wire walk's rules (templates/wire-check.ts) for
 * every message type an rpc carries, directly or in a field, computed from
 * the descriptors, so a field or message added in a new proto revision is
 * checked by regenerating. One file for all proto files: message types refer
 * to each other across files (and to themselves), which per-file modules
 * could only express as an import cycle.
 */
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { ProtocolModel } from "./model.js";
import type { GeneratedFile } from "./source-file.js";
import { generatedHeader } from "./header.js";
import type { FieldSpec } from "./templates/wire-check.js";

export const WIRE_TABLES_STEM = "wire-tables";
export const WIRE_CHECK_STEM = "wire-check";

/** Field specs per message type name, for `rpcMessages` and every message they contain. */
export function wireSpecs(rpcMessages: DescMessage[]): Map<string, Record<number, FieldSpec>> {
  const specs = new Map<string, Record<number, FieldSpec>>();
  const pending = [...rpcMessages];
  /** A message type's name, queued for its own table. */
  const visit = (message: DescMessage): string => {
    if (!specs.has(message.typeName)) pending.push(message);
    return message.typeName;
  };
  for (let message = pending.shift(); message; message = pending.shift()) {
    if (specs.has(message.typeName)) continue;
    const fields: Record<number, FieldSpec> = {};
    specs.set(message.typeName, fields);
    for (const field of message.fields) {
      const spec = fieldSpec(field, visit, specs);
      if (spec) fields[field.number] = spec;
    }
  }
  return specs;
}

function fieldSpec(
  field: DescField,
  visit: (message: DescMessage) => string,
  specs: Map<string, Record<number, FieldSpec>>,
): FieldSpec | undefined {
  switch (field.fieldKind) {
    case "message":
      return messageSpec(visit(field.message), field.delimitedEncoding);
    case "list":
      if (field.listKind === "message")
        return messageSpec(visit(field.message), field.delimitedEncoding);
      if (field.listKind === "enum") return { packed: "varint" };
      return packedSpec(field.scalar);
    case "map": {
      // A map entry is a message of key (1) and value (2); only a message value needs a rule.
      const entry = field.proto.typeName.replace(/^\./, "");
      if (!specs.has(entry))
        specs.set(
          entry,
          field.mapKind === "message" ? { 2: { message: visit(field.message) } } : {},
        );
      return { message: entry };
    }
    default:
      return undefined;
  }
}

function messageSpec(typeName: string, delimited: boolean): FieldSpec {
  return delimited ? { group: typeName } : { message: typeName };
}

/** protobuf-go accepts a repeated number packed or not; packed, its elements must be whole. */
function packedSpec(scalar: ScalarType): FieldSpec | undefined {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return undefined;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return { packed: "fixed32" };
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return { packed: "fixed64" };
    default:
      return { packed: "varint" };
  }
}

export function generateWireTables(model: ProtocolModel): GeneratedFile {
  const specs = wireSpecs(model.rpcMessages);
  const header = generatedHeader({
    generator: "grafana-plugin-ts (wire-tables)",
    sources: model.files.map((f) => f.proto.name),
  });
  const entries = [...specs]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, fields]) => {
      const rules = Object.entries(fields).map(([n, spec]) => `${n}: ${JSON.stringify(spec)}`);
      return `  ${JSON.stringify(name)}: { ${rules.join(", ")} },`;
    });
  const content = [
    header,
    `import { linkWireTables } from "./${WIRE_CHECK_STEM}.js";`,
    "",
    "/**",
    " * What every message an rpc carries must hold beyond plain wire validity,",
    ` * by field number; ${WIRE_CHECK_STEM}.ts walks incoming bytes with these.`,
    " */",
    "export const wireTables = linkWireTables({",
    ...entries,
    "});",
    "",
  ].join("\n");
  return { name: `${WIRE_TABLES_STEM}.ts`, content };
}
