/**
 * The Go SDK's field types (`data.FieldType`), without the nullable twin: nullability is a separate
 * flag on every field, as it is in Arrow. Each type fixes three wire facts kept in {@link TYPE_INFO}:
 * the `tstype` hint Go writes into Arrow field metadata (and as `type` in the JSON schema), the
 * `typeInfo.frame` name the JSON format uses, and the column storage this package keeps values in.
 */
export type FieldType =
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float32"
  | "float64"
  | "string"
  | "bool"
  | "time"
  | "json"
  | "enum";

/**
 * Column storage per type: one typed array per numeric column (never one object per row).
 * 64-bit integers stay BigInt64Array/BigUint64Array so no value loses precision; `time` is
 * nanoseconds since the Unix epoch (what Go's Arrow timestamp column holds); `bool` is one byte
 * (0/1) per row; `json` holds each row's raw JSON text, as Go's json.RawMessage does, so the bytes
 * survive a round trip untouched.
 */
export interface FieldStorage {
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float32: Float32Array;
  float64: Float64Array;
  string: string[];
  bool: Uint8Array;
  time: BigInt64Array;
  json: string[];
  enum: Uint16Array;
}

/** What `Field.get(i)` returns for a present (non-null) value of each type. */
export interface FieldValue {
  int8: number;
  int16: number;
  int32: number;
  int64: bigint;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: bigint;
  float32: number;
  float64: number;
  string: string;
  bool: boolean;
  /** Nanoseconds since the Unix epoch. */
  time: bigint;
  /** The parsed JSON value (the raw text is in `Field.values`). */
  json: unknown;
  /** Index into the field's `config.type.enum.text`. */
  enum: number;
}

/** What builders and `appendRow` accept for one value of each type (null aside). */
export interface FieldInputValue {
  int8: number;
  int16: number;
  int32: number;
  int64: bigint | number;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: bigint | number;
  float32: number;
  float64: number;
  string: string;
  bool: boolean;
  /** bigint: nanoseconds; number: milliseconds (the unit of Date.now()); or a Date. */
  time: bigint | number | Date;
  /** Any JSON-serialisable value. */
  json: unknown;
  enum: number;
}

/** The `tstype` metadata value / JSON schema `type`: what Grafana's frontend calls the field type. */
export type TSType = "number" | "string" | "boolean" | "time" | "other" | "enum";

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

interface TypeInfo {
  tstype: TSType;
  /** Go's `FieldType.ItemTypeString()`, written as `typeInfo.frame` in the JSON format. */
  goItemType: string;
  /** Typed-array storage, or null for the two types kept as string arrays. */
  array: TypedArrayCtor | null;
  /** Integer range a number must fit (bounds included), for the 8–32 bit integer types. */
  range?: readonly [number, number];
}

/** Wire facts per field type, from the Go SDK (`data/field_type.go`, `data/frame_json.go`). */
export const TYPE_INFO: Readonly<Record<FieldType, TypeInfo>> = {
  int8: { tstype: "number", goItemType: "int8", array: Int8Array, range: [-128, 127] },
  int16: { tstype: "number", goItemType: "int16", array: Int16Array, range: [-32768, 32767] },
  int32: {
    tstype: "number",
    goItemType: "int32",
    array: Int32Array,
    range: [-(2 ** 31), 2 ** 31 - 1],
  },
  int64: { tstype: "number", goItemType: "int64", array: BigInt64Array },
  uint8: { tstype: "number", goItemType: "uint8", array: Uint8Array, range: [0, 255] },
  uint16: { tstype: "number", goItemType: "uint16", array: Uint16Array, range: [0, 65535] },
  uint32: { tstype: "number", goItemType: "uint32", array: Uint32Array, range: [0, 2 ** 32 - 1] },
  uint64: { tstype: "number", goItemType: "uint64", array: BigUint64Array },
  float32: { tstype: "number", goItemType: "float32", array: Float32Array },
  float64: { tstype: "number", goItemType: "float64", array: Float64Array },
  string: { tstype: "string", goItemType: "string", array: null },
  bool: { tstype: "boolean", goItemType: "bool", array: Uint8Array },
  time: { tstype: "time", goItemType: "time.Time", array: BigInt64Array },
  json: { tstype: "other", goItemType: "json.RawMessage", array: null },
  enum: { tstype: "enum", goItemType: "enum", array: Uint16Array, range: [0, 65535] },
};

export const FIELD_TYPES = Object.keys(TYPE_INFO) as FieldType[];

/** The field type whose Go item-type name is `name` (JSON `typeInfo.frame`), if any. */
export function fieldTypeFromGoItemType(name: string): FieldType | undefined {
  return FIELD_TYPES.find((t) => TYPE_INFO[t].goItemType === name);
}

/**
 * The type a JSON schema field gets when it carries only the frontend's `type` and no
 * `typeInfo` (frames written by Grafana's frontend do this): the widest Go type of that kind.
 */
export function fieldTypeFromTSType(tstype: string): FieldType | undefined {
  const byTS: Record<string, FieldType> = {
    number: "float64",
    string: "string",
    boolean: "bool",
    time: "time",
    other: "json",
    enum: "enum",
  };
  return byTS[tstype];
}

/** Empty storage of `length` elements for `type` (zeros, or empty strings / JSON nulls). */
export function allocStorage<T extends FieldType>(type: T, length: number): FieldStorage[T] {
  const ctor = TYPE_INFO[type].array;
  if (ctor) return new ctor(length) as FieldStorage[T];
  return new Array<string>(length).fill(type === "json" ? "null" : "") as FieldStorage[T];
}

/** True when `values` is exactly the storage class of `type` (and can be adopted without copying). */
export function isStorageOf<T extends FieldType>(
  type: T,
  values: unknown,
): values is FieldStorage[T] {
  const ctor = TYPE_INFO[type].array;
  return ctor ? values instanceof ctor : false;
}
