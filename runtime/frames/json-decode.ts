/**
 * The Go SDK's JSON frame format → Frame (the inverse of json-encode.ts), reading what Go's
 * `readDataFrameJSON` reads and, like Grafana's frontend, a bit more:
 *
 * - field types come from `typeInfo` (`frame` + `nullable`); frames written by the frontend carry
 *   only `type`, which maps to the widest nullable Go type of that kind (number → float64);
 * - `entities` restore NaN, +Inf and -Inf (and `Undef`: null where the field is nullable, NaN
 *   otherwise, as Go reads it) in float fields; `nanos` add sub-millisecond time;
 * - `enums` (frontend only: values are indices into a per-field string list) turn the field into
 *   a string field, as the frontend's decoder does;
 * - a null in a non-nullable field reads as the zero value, as in Go.
 *
 * Integers beyond 2⁵³ are read exactly (see json-text.ts). Every problem is a FrameDecodeError.
 */
import { bitmapAllSet, setBit } from "./bitmap.js";
import { FrameDecodeError, describeError } from "./errors.js";
import { Field } from "./field.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage, fieldTypeFromGoItemType, fieldTypeFromTSType } from "./field-type.js";
import { toStoredValue } from "./field-values.js";
import { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import { parseJSONText } from "./json-text.js";
import { millisToNanos } from "./time.js";
import type { FieldConfig, FrameMeta, Labels } from "./meta-types.js";

type Obj = Record<string, unknown>;

/** Decodes one frame from JSON text (or an already parsed object). */
export function frameFromJSON(input: string | object): Frame {
  const doc = typeof input === "string" ? parseText(input) : input;
  if (Array.isArray(doc))
    throw new FrameDecodeError("expected one frame (a JSON object), got an array");
  return decodeFrame(doc, "frame");
}

/** Decodes a JSON array of frames, or a single frame object as a one-element list. */
export function framesFromJSON(input: string | object): Frame[] {
  const doc = typeof input === "string" ? parseText(input) : input;
  if (!Array.isArray(doc)) return [decodeFrame(doc, "frame")];
  return doc.map((f, i) => decodeFrame(f, `frame ${i}`));
}

function parseText(text: string): unknown {
  try {
    return parseJSONText(text);
  } catch (err) {
    throw new FrameDecodeError(`not valid JSON: ${describeError(err)}`, { cause: err });
  }
}

interface FieldSpec {
  name: string;
  type: FieldType;
  nullable: boolean;
  labels?: Labels;
  config?: FieldConfig;
}

function decodeFrame(doc: unknown, where: string): Frame {
  const frame = expectObject(doc, where);
  for (const key of Object.keys(frame)) {
    if (key !== "schema" && key !== "data")
      throw new FrameDecodeError(`${where}: unexpected property "${key}"`);
  }
  const schema =
    frame.schema === undefined ? { fields: [] } : expectObject(frame.schema, `${where} schema`);
  const rawFields = schema.fields ?? [];
  if (!Array.isArray(rawFields))
    throw new FrameDecodeError(`${where} schema: fields is not an array`);
  const specs = rawFields.map((f, i) => fieldSpec(f, `${where} field ${i}`));
  const data =
    frame.data === undefined ? { values: [] } : expectObject(frame.data, `${where} data`);
  const columns = columnsOf(data, specs, where);
  const fields = specs.map((spec, i) =>
    decodeField(spec, columns[i], data, i, `${where} field "${spec.name}"`),
  );
  const meta =
    schema.meta === undefined || schema.meta === null
      ? undefined
      : expectObject(schema.meta, `${where} meta`);
  try {
    return new Frame(
      {
        name: optionalString(schema.name, `${where} name`),
        refId: optionalString(schema.refId, `${where} refId`),
        meta: meta as FrameMeta | undefined,
      },
      fields,
    );
  } catch (err) {
    throw new FrameDecodeError(`${where}: ${describeError(err)}`, { cause: err });
  }
}

function fieldSpec(raw: unknown, where: string): FieldSpec {
  const f = expectObject(raw, where);
  const typeInfo =
    f.typeInfo === undefined ? undefined : expectObject(f.typeInfo, `${where} typeInfo`);
  let type: FieldType | undefined;
  let nullable: boolean;
  if (typeInfo !== undefined) {
    type = fieldTypeFromGoItemType(String(typeInfo.frame));
    if (type === undefined)
      throw new FrameDecodeError(
        `${where}: unknown typeInfo.frame ${JSON.stringify(typeInfo.frame)}`,
      );
    nullable = typeInfo.nullable === true;
  } else {
    type = f.type === undefined ? "json" : fieldTypeFromTSType(String(f.type));
    if (type === undefined)
      throw new FrameDecodeError(`${where}: unknown type ${JSON.stringify(f.type)}`);
    nullable = true;
  }
  const labels =
    f.labels === undefined || f.labels === null
      ? undefined
      : expectLabels(f.labels, `${where} labels`);
  const config =
    f.config === undefined || f.config === null
      ? undefined
      : expectObject(f.config, `${where} config`);
  return {
    name: optionalString(f.name, `${where} name`),
    type,
    nullable,
    labels,
    config: config as FieldConfig,
  };
}

/** The value columns, checked to be arrays, one per field, all of the same length. */
function columnsOf(data: Obj, specs: FieldSpec[], where: string): unknown[][] {
  const values = data.values ?? [];
  if (!Array.isArray(values)) throw new FrameDecodeError(`${where} data: values is not an array`);
  if (values.length === 0) return specs.map(() => []);
  if (values.length !== specs.length) {
    throw new FrameDecodeError(
      `${where}: schema has ${specs.length} fields but data has ${values.length} value columns`,
    );
  }
  values.forEach((column, i) => {
    if (!Array.isArray(column))
      throw new FrameDecodeError(`${where} field "${specs[i].name}": values are not an array`);
  });
  const columns = values as unknown[][];
  if (columns.some((c) => c.length !== columns[0].length)) {
    const lengths = columns.map((c, i) => `"${specs[i].name}" has ${c.length}`).join(", ");
    throw new FrameDecodeError(`${where}: value columns differ in length: ${lengths}`);
  }
  return columns;
}

function decodeField(
  spec: FieldSpec,
  raw: unknown[],
  data: Obj,
  index: number,
  where: string,
): Field {
  const enumTexts = perFieldArray(data.enums, index, `${where} enums`);
  if (enumTexts !== null) return decodeEnumLookup(spec, raw, enumTexts, where);
  const rows = raw.length;
  const store = allocStorage(spec.type, rows) as unknown as Array<unknown>;
  let validity: Uint8Array | null = null;
  const isTime = spec.type === "time";
  const millis = isTime ? new Float64Array(rows) : null;
  for (let i = 0; i < rows; i++) {
    const v = raw[i];
    if (v === null || v === undefined) {
      if (spec.nullable) {
        validity ??= bitmapAllSet(rows, i);
        setBit(validity, i, false);
      }
      continue; // non-nullable: the zero value, as Go reads it
    }
    if (validity) setBit(validity, i, true);
    if (millis) {
      if (typeof v !== "number")
        throw new FrameDecodeError(
          `${where} row ${i}: time ${String(v)} is not a number of milliseconds`,
        );
      millis[i] = v;
    } else {
      store[i] = cellValue(spec, v, i);
    }
  }
  let values = store as unknown as FieldStorage[FieldType];
  if (millis)
    values = timeValues(
      millis,
      perFieldArray(data.nanos, index, `${where} nanos`),
      validity,
      where,
    );
  if (spec.type === "float32" || spec.type === "float64") {
    validity = applyEntities(
      values as Float64Array,
      validity,
      spec,
      perField(data.entities, index, `${where} entities`),
      where,
    );
  } else if (perField(data.entities, index, `${where} entities`) !== null) {
    throw new FrameDecodeError(
      `${where}: entities are only allowed for float fields, not ${spec.type}`,
    );
  }
  return new Field(spec.name, spec.type, values, {
    nullable: spec.nullable,
    validity,
    labels: spec.labels,
    config: spec.config,
  });
}

function cellValue(spec: FieldSpec, v: unknown, row: number): unknown {
  const type = spec.type;
  let input = v;
  if (type === "json") return goJSON(v, { escapeHTML: false }); // compact text of the value
  if ((type === "int64" || type === "uint64") && typeof v === "string" && /^-?\d+$/.test(v))
    input = BigInt(v);
  try {
    return toStoredValue(type, input as never, spec.name, row);
  } catch (err) {
    throw new FrameDecodeError(describeError(err), { cause: err });
  }
}

function timeValues(
  millis: Float64Array,
  nanos: unknown[] | null,
  validity: Uint8Array | null,
  where: string,
) {
  let ns: BigInt64Array;
  try {
    ns = millisToNanos(millis);
  } catch (err) {
    throw new FrameDecodeError(`${where}: ${describeError(err)}`, { cause: err });
  }
  if (nanos === null) return ns;
  if (nanos.length !== ns.length) {
    throw new FrameDecodeError(`${where}: nanos has ${nanos.length} entries for ${ns.length} rows`);
  }
  nanos.forEach((extra, i) => {
    if (typeof extra !== "number" || !Number.isInteger(extra) || extra < 0 || extra > 999_999) {
      throw new FrameDecodeError(
        `${where} row ${i}: nanos ${String(extra)} is not an integer in 0..999999`,
      );
    }
    if (extra !== 0 && (validity === null || (validity[i >> 3] & (1 << (i & 7))) !== 0))
      ns[i] += BigInt(extra);
  });
  return ns;
}

const ENTITY_VALUES: Record<string, number | null> = {
  NaN: NaN,
  Inf: Infinity,
  NegInf: -Infinity,
  Undef: null,
};

function applyEntities(
  values: Float64Array | Float32Array,
  validity: Uint8Array | null,
  spec: FieldSpec,
  entities: unknown,
  where: string,
): Uint8Array | null {
  if (entities === null) return validity;
  const lookup = expectObject(entities, `${where} entities`);
  for (const [key, indices] of Object.entries(lookup)) {
    if (!(key in ENTITY_VALUES))
      throw new FrameDecodeError(`${where} entities: unknown entity "${key}"`);
    if (!Array.isArray(indices))
      throw new FrameDecodeError(`${where} entities: ${key} is not an array`);
    const replacement = ENTITY_VALUES[key];
    for (const idx of indices) {
      if (!(Number.isInteger(idx) && idx >= 0 && idx < values.length)) {
        throw new FrameDecodeError(
          `${where} entities: ${key} index ${String(idx)} is out of range`,
        );
      }
      if (replacement === null && spec.nullable) continue; // undefined reads as null
      values[idx as number] = replacement ?? NaN;
      if (validity) setBit(validity, idx as number, true);
    }
  }
  return validity;
}

/** The frontend's enum encoding: indices into `texts`, read back as a string field. */
function decodeEnumLookup(spec: FieldSpec, raw: unknown[], texts: unknown[], where: string): Field {
  const strings = raw.map((v, i) => {
    if (v === null || v === undefined) return null;
    const text = typeof v === "number" ? texts[v] : undefined;
    if (text !== undefined && typeof text !== "string")
      throw new FrameDecodeError(`${where} enums: entry ${String(v)} is not a string`);
    if (text === undefined && typeof v !== "number")
      throw new FrameDecodeError(`${where} row ${i}: enum index ${String(v)} is not a number`);
    return text ?? null;
  });
  const nullable = spec.nullable || strings.includes(null);
  const store = strings.map((s) => s ?? "");
  let validity: Uint8Array | null = null;
  strings.forEach((s, i) => {
    if (s === null) {
      validity ??= bitmapAllSet(strings.length, i);
      setBit(validity, i, false);
    } else if (validity) setBit(validity, i, true);
  });
  return new Field(spec.name, "string", store, {
    nullable,
    validity,
    labels: spec.labels,
    config: spec.config,
  });
}

/** Entry `index` of an optional per-field list (`entities`, `nanos`, `enums`), or null. */
function perField(list: unknown, index: number, where: string): object | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) throw new FrameDecodeError(`${where}: not an array`);
  const entry: unknown = list[index];
  if (entry === undefined || entry === null) return null;
  if (typeof entry !== "object")
    throw new FrameDecodeError(`${where}: entry ${index} is not an object or array`);
  return entry;
}

function perFieldArray(list: unknown, index: number, where: string): unknown[] | null {
  const entry = perField(list, index, where);
  if (entry !== null && !Array.isArray(entry))
    throw new FrameDecodeError(`${where}: entry ${index} is not an array`);
  return entry as unknown[] | null;
}

function expectObject(v: unknown, where: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new FrameDecodeError(`${where} is not a JSON object`);
  return v as Obj;
}

function expectLabels(v: unknown, where: string): Labels {
  const labels = expectObject(v, where);
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== "string")
      throw new FrameDecodeError(`${where}: value of "${key}" is not a string`);
  }
  return labels as Labels;
}

function optionalString(v: unknown, where: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new FrameDecodeError(`${where} is not a string`);
  return v;
}
