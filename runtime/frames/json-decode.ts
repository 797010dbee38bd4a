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
import { jsonSyntaxReason } from "../json-syntax.js";
import { FrameDecodeError, describeError } from "./errors.js";
import { Field } from "./field.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage, fieldTypeFromGoItemType, fieldTypeFromTSType } from "./field-type.js";
import { toStoredValue } from "./field-values.js";
import { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import type { FieldSpec } from "./json-side-tables.js";
import {
  applyEntities,
  decodeEnumLookup,
  perField,
  perFieldArray,
  timeValues,
} from "./json-side-tables.js";
import { parseJSONText } from "./json-text.js";
import type { FieldConfig, FrameMeta, Labels } from "./meta-types.js";

type Obj = Record<string, unknown>;

/**
 * Decodes one frame from JSON text, or from an already parsed object. Pass text to keep int64 and
 * uint64 values exact: JSON.parse has already rounded integers beyond 2⁵³, and such values are
 * rejected rather than stored rounded.
 */
export function frameFromJSON(input: string | object): Frame {
  const doc = typeof input === "string" ? parseText(input) : input;
  if (Array.isArray(doc))
    throw new FrameDecodeError("expected one frame (a JSON object), got an array");
  return decoding(() => decodeFrame(doc, "frame"));
}

/** Decodes a JSON array of frames, or a single frame object as a one-element list. */
export function framesFromJSON(input: string | object): Frame[] {
  const doc = typeof input === "string" ? parseText(input) : input;
  if (!Array.isArray(doc)) return [decoding(() => decodeFrame(doc, "frame"))];
  return decoding(() => doc.map((f, i) => decodeFrame(f, `frame ${i}`)));
}

/**
 * Whatever a malformed document makes go wrong while decoding (a getter that
 * throws, a value no check foresaw) is reported as a FrameDecodeError, the
 * one error callers are told to expect.
 */
function decoding<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof FrameDecodeError) throw err;
    throw new FrameDecodeError(`invalid frame: ${describeError(err)}`, { cause: err });
  }
}

/** A value quoted for an error message; bigint and symbol included (JSON.stringify throws on them). */
function quote(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  return JSON.stringify(value) ?? String(value);
}

function parseText(text: string): unknown {
  try {
    return parseJSONText(text);
  } catch (err) {
    throw new FrameDecodeError(`not valid JSON: ${jsonSyntaxReason(err)}`);
  }
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
      throw new FrameDecodeError(`${where}: unknown typeInfo.frame ${quote(typeInfo.frame)}`);
    nullable = typeInfo.nullable === true;
  } else {
    type = f.type === undefined ? "json" : fieldTypeFromTSType(String(f.type));
    if (type === undefined) throw new FrameDecodeError(`${where}: unknown type ${quote(f.type)}`);
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
