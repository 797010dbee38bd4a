/**
 * Protocol diff between two manifests: what a protocol upgrade adds, removes
 * and changes, in the protocol's own terms. Whether a change breaks the wire
 * is not decided here: that verdict is `buf breaking`'s (breaking-check.ts).
 */
import type { Manifest, ManifestField } from "./generate-manifest.js";

export type ChangeKind = "added" | "removed" | "changed";

export interface ProtocolChange {
  kind: ChangeKind;
  /** What changed: `rpc /pluginv2.Data/QueryData`, `field pluginv2.ConversionRequest.2`, … */
  subject: string;
  detail: string;
}

export function diffManifests(before: Manifest, after: Manifest): ProtocolChange[] {
  return [...diffRpcs(before, after), ...diffMessages(before, after), ...diffEnums(before, after)];
}

function diffRpcs(before: Manifest, after: Manifest): ProtocolChange[] {
  const index = (m: Manifest) =>
    new Map(m.services.flatMap((s) => s.rpcs.map((r) => [r.path, r] as const)));
  const a = index(before);
  const b = index(after);
  const changes: ProtocolChange[] = [];
  for (const [path, rpc] of b) {
    const old = a.get(path);
    if (!old) {
      changes.push({
        kind: "added",
        subject: `rpc ${path}`,
        detail: `${rpc.streaming}, ${rpc.input} → ${rpc.output}`,
      });
      continue;
    }
    for (const key of ["streaming", "input", "output"] as const)
      if (old[key] !== rpc[key])
        changes.push({
          kind: "changed",
          subject: `rpc ${path}`,
          detail: `${key}: ${old[key]} → ${rpc[key]}`,
        });
  }
  for (const path of a.keys())
    if (!b.has(path))
      changes.push({
        kind: "removed",
        subject: `rpc ${path}`,
        detail: "callers get UNIMPLEMENTED",
      });
  return changes;
}

function diffMessages(before: Manifest, after: Manifest): ProtocolChange[] {
  const a = new Map(before.messages.map((m) => [m.name, m]));
  const b = new Map(after.messages.map((m) => [m.name, m]));
  const changes: ProtocolChange[] = [];
  for (const [name, message] of b) {
    const old = a.get(name);
    if (!old) {
      changes.push({
        kind: "added",
        subject: `message ${name}`,
        detail: `${message.fields.length} field(s)`,
      });
      continue;
    }
    changes.push(...diffFields(name, old.fields, message.fields));
  }
  for (const name of a.keys())
    if (!b.has(name))
      changes.push({
        kind: "removed",
        subject: `message ${name}`,
        detail: "no longer in the protocol",
      });
  return changes;
}

function diffFields(
  message: string,
  before: ManifestField[],
  after: ManifestField[],
): ProtocolChange[] {
  const a = new Map(before.map((f) => [f.number, f]));
  const b = new Map(after.map((f) => [f.number, f]));
  const changes: ProtocolChange[] = [];
  for (const [number, field] of b) {
    const old = a.get(number);
    const subject = `field ${message}.${field.name} (#${number})`;
    if (!old) {
      changes.push({ kind: "added", subject, detail: describe(field) });
      continue;
    }
    if (describe(old) !== describe(field))
      changes.push({
        kind: "changed",
        subject,
        detail: `${describe(old)} → ${describe(field)}`,
      });
    else if (old.name !== field.name || old.jsonName !== field.jsonName)
      changes.push({
        kind: "changed",
        subject,
        detail: `renamed ${old.name} → ${field.name} (binary-compatible, JSON name changes)`,
      });
  }
  for (const [number, field] of a)
    if (!b.has(number))
      changes.push({
        kind: "removed",
        subject: `field ${message}.${field.name} (#${number})`,
        detail: `${describe(field)}; its data is dropped by new peers`,
      });
  return changes;
}

function diffEnums(before: Manifest, after: Manifest): ProtocolChange[] {
  const a = new Map(before.enums.map((e) => [e.name, e]));
  const changes: ProtocolChange[] = [];
  for (const e of after.enums) {
    const old = a.get(e.name);
    if (!old) {
      changes.push({
        kind: "added",
        subject: `enum ${e.name}`,
        detail: e.values.map((v) => v.name).join(", "),
      });
      continue;
    }
    const oldValues = new Map(old.values.map((v) => [v.number, v.name]));
    for (const v of e.values)
      if (!oldValues.has(v.number))
        changes.push({
          kind: "added",
          subject: `enum value ${e.name}.${v.name}`,
          detail: `= ${v.number}`,
        });
    const newNumbers = new Set(e.values.map((v) => v.number));
    for (const [number, name] of oldValues)
      if (!newNumbers.has(number))
        changes.push({
          kind: "removed",
          subject: `enum value ${e.name}.${name}`,
          detail: `= ${number}`,
        });
  }
  return changes;
}

/** A field's wire-relevant shape, for comparison and messages. */
function describe(f: ManifestField): string {
  const type = f.map
    ? `map<${f.map.key}, ${f.map.valueTypeName ?? f.map.value}>`
    : f.typeName
      ? `${f.type} ${f.typeName}`
      : f.type;
  return `${f.label === "repeated" && !f.map ? "repeated " : ""}${type}${f.oneof ? ` (oneof ${f.oneof})` : ""}`;
}
