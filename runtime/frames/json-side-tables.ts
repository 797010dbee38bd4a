/**
 * The per-field side tables of a JSON frame's `data` section, which carry what plain JSON values
 * cannot: `entities` (row indices of NaN, +Inf, -Inf and, from the frontend, undefined in float
 * fields), `nanos` (the 0–999999 nanoseconds under each millisecond time value) and `enums`
 * (the frontend's string dictionary: values are indices into a per-field list of strings).
 * Each table is an array with one entry per field, null for fields without one.
 */
import { bitmapAllSet, setBit } from "./bitmap.js";
import { FrameDecodeError, describeError } from "./errors.js";
import { Field } from "./field.js";
import type { FieldType } from "./field-type.js";
import type { FieldConfig, Labels } from "./meta-types.js";
import { millisToNanos } from "./time.js";

/** A field as the JSON schema declares it. */
export interface FieldSpec {
  name: string;
  type: FieldType;
  nullable: boolean;
  labels?: Labels;
  config?: FieldConfig;
}

export function timeValues(
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

export function applyEntities(
  values: Float64Array | Float32Array,
  validity: Uint8Array | null,
  spec: FieldSpec,
  entities: unknown,
  where: string,
): Uint8Array | null {
  if (entities === null) return validity;
  if (typeof entities !== "object" || Array.isArray(entities)) {
    throw new FrameDecodeError(`${where} entities is not a JSON object`);
  }
  const lookup = entities as Record<string, unknown>;
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
export function decodeEnumLookup(
  spec: FieldSpec,
  raw: unknown[],
  texts: unknown[],
  where: string,
): Field {
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
export function perField(list: unknown, index: number, where: string): object | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) throw new FrameDecodeError(`${where}: not an array`);
  const entry: unknown = list[index];
  if (entry === undefined || entry === null) return null;
  if (typeof entry !== "object")
    throw new FrameDecodeError(`${where}: entry ${index} is not an object or array`);
  return entry;
}

export function perFieldArray(list: unknown, index: number, where: string): unknown[] | null {
  const entry = perField(list, index, where);
  if (entry !== null && !Array.isArray(entry))
    throw new FrameDecodeError(`${where}: entry ${index} is not an array`);
  return entry as unknown[] | null;
}
