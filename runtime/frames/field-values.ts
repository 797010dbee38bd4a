/**
 * Checking and converting one input value into its stored form. Every value that enters a field
 * (builders, appendRow, the JSON decoder) passes through here, so a value that would not survive
 * the wire unchanged — 300 in an int8 field, 2⁵³+1 as a JavaScript number in an int64 field, NaN as
 * a time — is rejected with the field's name instead of being wrapped or rounded silently.
 */
import { FrameShapeError } from "./errors.js";
import type { FieldInputValue, FieldType } from "./field-type.js";
import { TYPE_INFO } from "./field-type.js";
import { goJSON } from "./go-json.js";
import { millisToNano } from "./time.js";

/** A value as it sits in storage: number (narrow ints, floats, bool 0/1, enum), bigint, or text. */
export type StoredValue = number | bigint | string;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * The stored form of `value` for a field of `type`; throws FrameShapeError naming `fieldName`
 * (and `row`, when given) if the value does not fit.
 */
export function toStoredValue<T extends FieldType>(
  type: T,
  value: FieldInputValue[T],
  fieldName: string,
  row?: number,
): StoredValue {
  const v: unknown = value;
  switch (type) {
    case "float32":
    case "float64":
      if (typeof v === "number") return v;
      return reject(type, v, fieldName, row, "is not a number");
    case "int64":
      return toBigInt(v, INT64_MIN, INT64_MAX) ?? reject(type, v, fieldName, row, INT64_RANGE);
    case "uint64":
      return toBigInt(v, 0n, UINT64_MAX) ?? reject(type, v, fieldName, row, UINT64_RANGE);
    case "string":
      if (typeof v === "string") return v;
      return reject(type, v, fieldName, row, "is not a string");
    case "bool":
      if (typeof v === "boolean") return v ? 1 : 0;
      return reject(type, v, fieldName, row, "is not a boolean");
    case "json":
      return goJSON(v);
    case "time":
      return toNanos(v) ?? reject(type, v, fieldName, row, NOT_A_TIME);
    default: {
      const [min, max] = TYPE_INFO[type].range!;
      if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
      return reject(type, v, fieldName, row, `does not fit ${type} (${min}..${max})`);
    }
  }
}

const INT64_RANGE = "is not an integer in int64 range";
const UINT64_RANGE = "is not an integer in uint64 range";
const NOT_A_TIME = "is not a time (bigint nanoseconds, number milliseconds or Date)";

/**
 * Throws the FrameShapeError for a value that does not fit. Module-level rather than a closure in
 * toStoredValue, which runs once per value: a closure per value is an allocation, and under tsx
 * (esbuild's keepNames) a defineProperty of its name too, about 1 µs a value.
 */
function reject(
  type: FieldType,
  v: unknown,
  fieldName: string,
  row: number | undefined,
  why: string,
): never {
  const at = row === undefined ? "" : ` at row ${row}`;
  throw new FrameShapeError(`field "${fieldName}" (${type}): ${describe(v)}${at} ${why}`);
}

function toBigInt(v: unknown, min: bigint, max: bigint): bigint | undefined {
  let b: bigint;
  if (typeof v === "bigint") b = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) b = BigInt(v);
  else return undefined; // unsafe numbers have already lost precision: ask for a bigint
  return b >= min && b <= max ? b : undefined;
}

function toNanos(v: unknown): bigint | undefined {
  try {
    if (typeof v === "bigint") return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
    if (typeof v === "number") return millisToNano(v);
    if (v instanceof Date) return millisToNano(v.getTime());
  } catch {
    // out of range or NaN: reported by the caller with the field name
  }
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Date) return `Date(${v.getTime()})`;
  return String(v);
}
