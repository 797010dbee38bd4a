/**
 * The Grafana metadata of an Arrow schema (see arrow-types.ts for what Go writes where), and the
 * shape key that says when two frames have the same schema bytes. Both are built from the same
 * three JSON texts, so the key cannot miss a change that would change the schema.
 */
import {
  META_CONFIG,
  META_FRAME_META,
  META_LABELS,
  META_NAME,
  META_REF_ID,
  META_TSTYPE,
} from "./arrow-types.js";
import type { Field } from "./field.js";
import { TYPE_INFO } from "./field-type.js";
import type { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import { canonicalFieldConfig, canonicalFrameMeta } from "./go-order.js";

function frameMetaJSON(frame: Frame): string | undefined {
  return frame.meta === undefined ? undefined : goJSON(canonicalFrameMeta(frame.meta));
}

function fieldConfigJSON(field: Field): string | undefined {
  return field.config === undefined ? undefined : goJSON(canonicalFieldConfig(field.config));
}

function fieldLabelsJSON(field: Field): string | undefined {
  return field.labels === undefined ? undefined : goJSON(field.labels, { sortKeys: true });
}

/** Schema metadata in Go's sorted key order. */
export function schemaMetadata(frame: Frame): Map<string, string> {
  const metadata = new Map<string, string>();
  const meta = frameMetaJSON(frame);
  if (meta !== undefined) metadata.set(META_FRAME_META, meta);
  metadata.set(META_NAME, frame.name);
  metadata.set(META_REF_ID, frame.refId);
  return metadata;
}

/** Field metadata in Go's sorted key order. */
export function fieldMetadata(field: Field): Map<string, string> {
  const metadata = new Map<string, string>();
  const config = fieldConfigJSON(field);
  if (config !== undefined) metadata.set(META_CONFIG, config);
  const labels = fieldLabelsJSON(field);
  if (labels !== undefined) metadata.set(META_LABELS, labels);
  metadata.set(META_TSTYPE, TYPE_INFO[field.type].tstype);
  return metadata;
}

/**
 * A string that is equal for two frames exactly when their Arrow schemas are: frame name, refId
 * and meta; per field its name, type, nullability, config and labels. Computed from the current
 * values on every call (never cached on the objects, which callers may change in place). Every
 * text is length-prefixed, so no choice of names can make two different shapes collide; an
 * absent text and an empty one differ ("-" versus "0:").
 */
export function schemaKey(frame: Frame): string {
  let key = part(frameMetaJSON(frame)) + part(frame.name) + part(frame.refId);
  for (const field of frame.fields) {
    key += `${field.type}${field.nullable ? "?" : "!"}${part(field.name)}`;
    key += part(fieldConfigJSON(field)) + part(fieldLabelsJSON(field));
  }
  return key;
}

function part(text: string | undefined): string {
  return text === undefined ? "-" : `${text.length}:${text}`;
}
