/**
 * Builders that read like the Go SDK's `data.NewFrame(name, data.NewField(...))`:
 *
 *   newFrame("cpu", timeField("time", msArray), float64Field("value", values, { labels: { host: "a" } }))
 *
 * A typed array of a field's storage type (Float64Array for float64, BigInt64Array of nanoseconds
 * for time, …) is adopted as is, without copying. Millisecond times (Float64Array or number[], as
 * Date.now() gives) are converted in one arithmetic pass. Plain arrays are checked value by value:
 * null or undefined makes the field nullable, and a value that does not fit the type throws
 * FrameShapeError naming the field and the row.
 */
import { bitmapAllSet, setBit } from "./bitmap.js";
import { FrameShapeError } from "./errors.js";
import type { FieldOptions } from "./field.js";
import { Field } from "./field.js";
import type { FieldInputValue, FieldStorage, FieldType } from "./field-type.js";
import { allocStorage, isStorageOf } from "./field-type.js";
import { toStoredValue } from "./field-values.js";
import type { FrameOptions } from "./frame.js";
import { Frame } from "./frame.js";
import { millisToNanos } from "./time.js";

/** Storage to adopt, or values to check and convert (null/undefined for nulls). */
export type FieldInput<T extends FieldType> =
  FieldStorage[T] | ArrayLike<FieldInputValue[T] | null | undefined>;

/** A frame from fields of equal length; throws FrameShapeError naming the fields otherwise. */
export function newFrame(nameOrOptions: string | FrameOptions, ...fields: Field[]): Frame {
  const options = typeof nameOrOptions === "string" ? { name: nameOrOptions } : nameOrOptions;
  return new Frame(options, fields);
}

/** A field of any type; the per-type builders below are shorthands for this. */
export function newField<T extends FieldType>(
  name: string,
  type: T,
  values: FieldInput<T>,
  options: FieldOptions = {},
): Field<T> {
  if (isStorageOf(type, values)) {
    return new Field(name, type, values, notNullUnlessSaid(options));
  }
  if (type === "time" && isAllNumbers(values)) {
    const ns = millisToNanosChecked(name, values as ArrayLike<number>);
    return new Field(name, type, ns as FieldStorage[T], notNullUnlessSaid(options));
  }
  return convertValues(
    name,
    type,
    values as ArrayLike<FieldInputValue[T] | null | undefined>,
    options,
  );
}

/**
 * The options with `nullable` defaulted to false. Object.assign, not a spread: a spread copy
 * takes the added property several times slower (V8 makes a new map each time), and this
 * runs for every field built.
 */
function notNullUnlessSaid(options: FieldOptions): FieldOptions {
  const copy = Object.assign({}, options);
  copy.nullable = options.nullable ?? false;
  return copy;
}

function convertValues<T extends FieldType>(
  name: string,
  type: T,
  values: ArrayLike<FieldInputValue[T] | null | undefined>,
  options: FieldOptions,
): Field<T> {
  const n = values.length;
  const store = allocStorage(type, n) as unknown as Array<unknown>;
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      if (options.nullable === false) {
        throw new FrameShapeError(`field "${name}" (${type}) is not nullable but row ${i} is ${v}`);
      }
      validity ??= bitmapAllSet(n, i);
      setBit(validity, i, false);
    } else {
      store[i] = toStoredValue(type, v as FieldInputValue[T], name, i);
      if (validity) setBit(validity, i, true);
    }
  }
  const nullable = options.nullable ?? validity !== null;
  return new Field(name, type, store as unknown as FieldStorage[T], {
    ...options,
    nullable,
    validity,
  });
}

function isAllNumbers(values: unknown): boolean {
  if (ArrayBuffer.isView(values))
    return !(values instanceof BigInt64Array || values instanceof BigUint64Array);
  const arr = values as ArrayLike<unknown>;
  for (let i = 0; i < arr.length; i++) if (typeof arr[i] !== "number") return false;
  return true;
}

function millisToNanosChecked(name: string, ms: ArrayLike<number>): BigInt64Array {
  try {
    return millisToNanos(ms);
  } catch (err) {
    throw new FrameShapeError(`field "${name}" (time): ${(err as Error).message}`);
  }
}

type Builder<T extends FieldType> = (
  name: string,
  values: FieldInput<T>,
  options?: FieldOptions,
) => Field<T>;
const builder =
  <T extends FieldType>(type: T): Builder<T> =>
  (name, values, options) =>
    newField(name, type, values, options);

export const int8Field = builder("int8");
export const int16Field = builder("int16");
export const int32Field = builder("int32");
/** int64 values: BigInt64Array, or bigints / safe-integer numbers. */
export const int64Field = builder("int64");
export const uint8Field = builder("uint8");
export const uint16Field = builder("uint16");
export const uint32Field = builder("uint32");
/** uint64 values: BigUint64Array, or bigints / safe-integer numbers. */
export const uint64Field = builder("uint64");
export const float32Field = builder("float32");
export const float64Field = builder("float64");
export const stringField = builder("string");
export const boolField = builder("bool");
/**
 * Times: milliseconds since the epoch (Float64Array, number[]), Dates, or bigint nanoseconds; a
 * BigInt64Array is taken as nanoseconds and adopted without copying.
 */
export const timeField = builder("time");
/** JSON values (any serialisable value per row), stored as JSON text. */
export const jsonField = builder("json");

/** An enum field: `indices` point into `text`, which becomes the field's `config.type.enum.text`. */
export function enumField(
  name: string,
  indices: FieldInput<"enum">,
  text: string[],
  options: FieldOptions = {},
): Field<"enum"> {
  const config = { ...options.config, type: { ...options.config?.type, enum: { text } } };
  return newField(name, "enum", indices, { ...options, config });
}
