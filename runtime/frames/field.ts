/**
 * One column of a frame. Values live in a single storage array per field (see FieldStorage) and
 * nulls in a separate Arrow-layout validity bitmap, so a million-row float64 field is one
 * Float64Array plus, if nullable, one 125 KB bitmap; there are no per-row objects. Builders adopt
 * typed arrays without copying, and the Arrow encoder hands them to apache-arrow the same way.
 */
import { bitmapAllSet, bitmapBytes, countNulls, getBit, setBit } from "./bitmap.js";
import { FrameShapeError } from "./errors.js";
import type { FieldInputValue, FieldStorage, FieldType, FieldValue } from "./field-type.js";
import { TYPE_INFO, allocStorage, isStorageOf } from "./field-type.js";
import { toStoredValue } from "./field-values.js";
import { parseJSONText } from "./json-text.js";
import type { FieldConfig, Labels } from "./meta-types.js";

export interface FieldOptions {
  /** Whether the field may hold nulls; Go types it `*T` instead of `T`. */
  nullable?: boolean;
  labels?: Labels;
  config?: FieldConfig;
}

export class Field<T extends FieldType = FieldType> {
  name: string;
  readonly type: T;
  readonly nullable: boolean;
  labels: Labels | undefined;
  config: FieldConfig | undefined;
  #store: FieldStorage[T]; // typed arrays may be longer than #length (room to append)
  #validity: Uint8Array | null; // null: no value is null
  #length: number;

  /**
   * Adopts `values` (no copy) as the field's storage; `validity`, if given, is an Arrow-layout
   * bitmap with a set bit for every present value. Prefer the builders (float64Field, timeField…),
   * which convert plain arrays and check every value.
   */
  constructor(
    name: string,
    type: T,
    values: FieldStorage[T],
    options: FieldOptions & { validity?: Uint8Array | null } = {},
  ) {
    const { validity = null } = options;
    const nullable = options.nullable ?? validity !== null;
    const storageOk = TYPE_INFO[type].array ? isStorageOf(type, values) : Array.isArray(values);
    if (!storageOk) {
      throw new FrameShapeError(`field "${name}" (${type}): values must be a ${storageName(type)}`);
    }
    if (validity && !nullable) {
      throw new FrameShapeError(
        `field "${name}" (${type}) has a validity bitmap but is not nullable`,
      );
    }
    if (validity && validity.length < bitmapBytes(values.length)) {
      throw new FrameShapeError(
        `field "${name}": validity bitmap has ${validity.length} bytes, ${values.length} rows need ${bitmapBytes(values.length)}`,
      );
    }
    this.name = name;
    this.type = type;
    this.nullable = nullable;
    this.labels = options.labels;
    this.config = options.config;
    this.#store = values;
    this.#validity = validity;
    this.#length = values.length;
  }

  /** Number of rows. */
  get length(): number {
    return this.#length;
  }

  /** The storage, exactly `length` long; the same array the field was built from when possible. */
  get values(): FieldStorage[T] {
    const s = this.#store;
    if (s.length === this.#length) return s;
    return (
      Array.isArray(s) ? s.slice(0, this.#length) : s.subarray(0, this.#length)
    ) as FieldStorage[T];
  }

  /** Arrow-layout validity bitmap (bit set = present), or null when no value is null. */
  get validity(): Uint8Array | null {
    const v = this.#validity;
    return v && v.length > bitmapBytes(this.#length) ? v.subarray(0, bitmapBytes(this.#length)) : v;
  }

  get nullCount(): number {
    return this.#validity ? countNulls(this.#validity, this.#length) : 0;
  }

  isNull(row: number): boolean {
    this.#check(row);
    return this.#validity !== null && !getBit(this.#validity, row);
  }

  /** The value at `row`, or null. Times are bigint nanoseconds; json values are parsed. */
  get(row: number): FieldValue[T] | null {
    if (this.isNull(row)) return null;
    const raw = this.#store[row];
    switch (this.type) {
      case "bool":
        return (raw !== 0) as FieldValue[T];
      case "json": // an empty raw message (Go's nil json.RawMessage) reads as JSON null
        return (raw === "" ? null : parseJSONText(raw as string)) as FieldValue[T];
      default:
        return raw as FieldValue[T];
    }
  }

  /** Appends one value (null only if nullable); throws FrameShapeError if it does not fit. */
  append(value: FieldInputValue[T] | null | undefined): void {
    const row = this.#length;
    if (value === null || value === undefined) {
      if (!this.nullable) {
        throw new FrameShapeError(
          `field "${this.name}" (${this.type}) is not nullable but got ${value}`,
        );
      }
      this.#reserve(row + 1);
      this.#setPresent(row, false);
      if (Array.isArray(this.#store)) this.#store[row] = this.type === "json" ? "null" : "";
    } else {
      const stored = toStoredValue(this.type, value, this.name, row);
      this.#reserve(row + 1);
      (this.#store as unknown as Array<unknown>)[row] = stored;
      this.#setPresent(row, true);
    }
    this.#length = row + 1;
  }

  /** Replaces the value at `row` (null only if nullable); throws FrameShapeError if it does not fit. */
  set(row: number, value: FieldInputValue[T] | null | undefined): void {
    this.#check(row);
    this.#write(row, value);
  }

  /**
   * Inserts a value at `row` (0…length; length appends), moving later rows down by one. Like Go's
   * Field.Insert; the storage is edited in place, so an adopted typed array changes too.
   */
  insert(row: number, value: FieldInputValue[T] | null | undefined): void {
    if (!(Number.isInteger(row) && row >= 0 && row <= this.#length)) {
      throw new RangeError(
        `row ${row} is out of range for inserting into field "${this.name}" with ${this.#length} rows`,
      );
    }
    if (value !== null && value !== undefined) toStoredValue(this.type, value, this.name, row);
    else if (!this.nullable) this.#write(row, value); // throws the not-nullable error
    const n = this.#length;
    this.#reserve(n + 1);
    const store = this.#store;
    if (Array.isArray(store)) store.splice(row, 0, "");
    else (store as Float64Array).copyWithin(row + 1, row, n);
    if (this.#validity) {
      this.#setPresent(n, true); // grows the bitmap to n + 1 bits
      for (let i = n; i > row; i--) setBit(this.#validity, i, getBit(this.#validity, i - 1));
    }
    this.#length = n + 1;
    this.#write(row, value);
  }

  /** Removes the value at `row`, moving later rows up by one (Go's Field.Delete). */
  delete(row: number): void {
    this.#check(row);
    const n = this.#length;
    const store = this.#store;
    if (Array.isArray(store)) store.splice(row, 1);
    else (store as Float64Array).copyWithin(row, row + 1, n);
    const validity = this.#validity;
    if (validity) for (let i = row; i < n - 1; i++) setBit(validity, i, getBit(validity, i + 1));
    this.#length = n - 1;
  }

  #write(row: number, value: FieldInputValue[T] | null | undefined): void {
    if (value === null || value === undefined) {
      if (!this.nullable) {
        throw new FrameShapeError(
          `field "${this.name}" (${this.type}) is not nullable but got ${value} at row ${row}`,
        );
      }
      // The first null: every other row so far is present (append's shortcut covers only the end).
      this.#validity ??= bitmapAllSet(Math.max(64, this.#length * 2), this.#length);
      this.#setPresent(row, false);
      if (Array.isArray(this.#store)) this.#store[row] = this.type === "json" ? "null" : "";
      return;
    }
    const stored = toStoredValue(this.type, value, this.name, row);
    (this.#store as unknown as Array<unknown>)[row] = stored;
    this.#setPresent(row, true);
  }

  #reserve(rows: number): void {
    const store = this.#store;
    if (Array.isArray(store) || rows <= store.length) return;
    const capacity = Math.max(8, store.length * 2, rows);
    const grown = allocStorage(this.type, capacity) as Exclude<FieldStorage[T], string[]>;
    (grown as Float64Array).set(store as Float64Array);
    this.#store = grown as FieldStorage[T];
  }

  #setPresent(row: number, present: boolean): void {
    let bitmap = this.#validity;
    if (!bitmap) {
      if (present) return; // stays "no nulls" until the first null arrives
      bitmap = bitmapAllSet(Math.max(64, row * 2), row);
    } else if (bitmap.length < bitmapBytes(row + 1)) {
      const grown = new Uint8Array(bitmapBytes(Math.max(64, row * 2)));
      grown.set(bitmap);
      bitmap = grown;
    }
    setBit(bitmap, row, present);
    this.#validity = bitmap;
  }

  #check(row: number): void {
    if (!(Number.isInteger(row) && row >= 0 && row < this.#length)) {
      throw new RangeError(
        `row ${row} is out of range for field "${this.name}" with ${this.#length} rows`,
      );
    }
  }
}

function storageName(type: FieldType): string {
  return TYPE_INFO[type].array?.name ?? "string[]";
}
