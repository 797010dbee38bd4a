/**
 * Frame → the Go SDK's JSON frame format (`data.FrameToJSON`, data/frame_json.go), which Grafana's
 * frontend reads with `dataFrameFromJSON`:
 *
 *   { "schema": { name?, refId?, meta?, fields: [{ name?, type, typeInfo: { frame, nullable? },
 *                 labels?, config? }] },
 *     "data":   { values: [[…] per field], entities?: [per field: { NaN?, Inf?, NegInf? } | null],
 *                 nanos?: [per field: [0–999999 per row] | null] } }
 *
 * JSON has no NaN or ±Infinity, so float cells holding them are written as null and their row
 * indices listed under `entities`. Times are written as milliseconds, with the sub-millisecond
 * remainder under `nanos` for the fields that have one. int64/uint64 are written as exact integers.
 */
import { getBit } from "./bitmap.js";
import { FrameShapeError } from "./errors.js";
import type { Field } from "./field.js";
import { TYPE_INFO } from "./field-type.js";
import type { Frame } from "./frame.js";
import { formatFloat32, formatFloat64, goJSON } from "./go-json.js";
import { canonicalFieldConfig, canonicalFrameMeta } from "./go-order.js";
import { indentJSON } from "./json-text.js";
import { nanoWords, splitNanosAt } from "./time.js";

export interface JSONOptions {
  /** Indent with two spaces per level (Go writes compact JSON; this is for people). */
  pretty?: boolean;
  /**
   * Which parts to write, as the Go SDK's FrameToJSON `include`: "all"
   * (default), "schema" only, or "data" only (later chunks of a chunked
   * answer carry rows without repeating the schema).
   */
  include?: "all" | "schema" | "data";
}

/** JSON text of one frame in the Go SDK's frame JSON format, compact unless `pretty`. */
export function frameToJSON(frame: Frame, options: JSONOptions = {}): string {
  frame.rowCount(); // throws FrameShapeError for fields of different lengths
  const include = options.include ?? "all";
  const parts: string[] = [];
  if (include !== "data") parts.push(`"schema":${schemaJSON(frame)}`);
  if (include !== "schema") parts.push(`"data":${dataJSON(frame)}`);
  const text = `{${parts.join(",")}}`;
  return options.pretty ? indentJSON(text) : text;
}

/** A JSON array of frames, each as {@link frameToJSON} writes it. */
export function framesToJSON(frames: readonly Frame[], options: JSONOptions = {}): string {
  const text = `[${frames.map((f) => frameToJSON(f)).join(",")}]`;
  return options.pretty ? indentJSON(text) : text;
}

function schemaJSON(frame: Frame): string {
  const parts: string[] = [];
  if (frame.name) parts.push(`"name":${JSON.stringify(frame.name)}`);
  if (frame.refId) parts.push(`"refId":${JSON.stringify(frame.refId)}`);
  if (frame.meta !== undefined) parts.push(`"meta":${goJSON(canonicalFrameMeta(frame.meta))}`);
  parts.push(`"fields":[${frame.fields.map(fieldSchemaJSON).join(",")}]`);
  return `{${parts.join(",")}}`;
}

function fieldSchemaJSON(field: Field): string {
  const info = TYPE_INFO[field.type];
  const parts: string[] = [];
  if (field.name) parts.push(`"name":${JSON.stringify(field.name)}`);
  parts.push(`"type":"${info.tstype}"`);
  parts.push(
    `"typeInfo":{"frame":"${info.goItemType}"${field.nullable ? ',"nullable":true' : ""}}`,
  );
  if (field.labels !== undefined)
    parts.push(`"labels":${goJSON(field.labels, { sortKeys: true })}`);
  if (field.config !== undefined)
    parts.push(`"config":${goJSON(canonicalFieldConfig(field.config))}`);
  return `{${parts.join(",")}}`;
}

interface Entities {
  NaN: number[];
  Inf: number[];
  NegInf: number[];
}

function dataJSON(frame: Frame): string {
  const entities: Array<Entities | null> = [];
  const nanos: Array<Float64Array | null> = [];
  const columns = frame.fields.map((field) => {
    const column = columnJSON(field);
    entities.push(column.entities);
    nanos.push(column.nanos);
    return column.text;
  });
  let out = `{"values":[${columns.join(",")}]`;
  if (entities.some((e) => e !== null))
    out += `,"entities":[${entities.map(entitiesJSON).join(",")}]`;
  if (nanos.some((n) => n !== null)) {
    out += `,"nanos":[${nanos.map((n) => (n ? `[${n.join(",")}]` : "null")).join(",")}]`;
  }
  return out + "}";
}

function entitiesJSON(e: Entities | null): string {
  if (e === null) return "null";
  const parts = (["NaN", "Inf", "NegInf"] as const)
    .filter((k) => e[k].length > 0)
    .map((k) => `"${k}":[${e[k].join(",")}]`);
  return `{${parts.join(",")}}`;
}

interface ColumnJSON {
  text: string;
  entities: Entities | null;
  nanos: Float64Array | null;
}

function columnJSON(field: Field): ColumnJSON {
  const n = field.length;
  const validity = field.validity;
  const cells = new Array<string>(n);
  let entities: Entities | null = null;
  let nanos: Float64Array | null = null;
  const values = field.values;
  const isFloat = field.type === "float32" || field.type === "float64";
  const words = field.type === "time" ? nanoWords(values as BigInt64Array) : null;
  const split = { ms: 0, rem: 0 };
  for (let i = 0; i < n; i++) {
    if (validity !== null && !getBit(validity, i)) {
      cells[i] = "null";
    } else if (isFloat) {
      const v = values[i] as number;
      if (Number.isFinite(v)) {
        cells[i] = field.type === "float32" ? formatFloat32(v) : formatFloat64(v);
      } else {
        entities ??= { NaN: [], Inf: [], NegInf: [] };
        entities[Number.isNaN(v) ? "NaN" : v > 0 ? "Inf" : "NegInf"].push(i);
        cells[i] = "null";
      }
    } else if (words !== null) {
      splitNanosAt(words, i, split);
      cells[i] = String(split.ms);
      if (split.rem !== 0) (nanos ??= new Float64Array(n))[i] = split.rem;
    } else {
      cells[i] = cellJSON(field, values[i] as number | bigint | string, i);
    }
  }
  return { text: `[${cells.join(",")}]`, entities, nanos };
}

function cellJSON(field: Field, v: number | bigint | string, row: number): string {
  switch (field.type) {
    case "string":
      return JSON.stringify(v);
    case "bool":
      return v !== 0 ? "true" : "false";
    case "json":
      return rawJSONCell(field, v as string, row);
    default:
      return String(v);
  }
}

/**
 * Go writes a json field's raw message as is, and an empty one (nil json.RawMessage) as null.
 * Raw text that is not JSON (possible in Arrow input) would make the whole document invalid, so
 * it is refused here instead.
 */
function rawJSONCell(field: Field, raw: string, row: number): string {
  if (raw === "") return "null";
  try {
    JSON.parse(raw);
  } catch {
    throw new FrameShapeError(`field "${field.name}" (json) row ${row} does not hold valid JSON`);
  }
  return raw;
}
