/**
 * A column while it is being decoded: storage plus validity. Arrow files may split a frame into
 * several record batches (the Go decoder appends them); those chunks are joined here into the one
 * storage array a Field holds. A single chunk is passed through untouched.
 */
import { bitmapAllSet, getBit, setBit } from "./bitmap.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage } from "./field-type.js";

export interface Column<T extends FieldType = FieldType> {
  values: FieldStorage[T];
  /** Arrow-layout bitmap, or null when every value is present. */
  validity: Uint8Array | null;
}

export function concatColumns<T extends FieldType>(type: T, columns: Column<T>[]): Column<T> {
  if (columns.length === 1) return columns[0];
  const total = columns.reduce((n, c) => n + c.values.length, 0);
  const values = allocStorage(type, total);
  const anyNulls = columns.some((c) => c.validity !== null);
  const validity = anyNulls ? bitmapAllSet(total, 0) : null;
  let at = 0;
  for (const { values: part, validity: partValidity } of columns) {
    if (Array.isArray(values)) {
      for (let i = 0; i < part.length; i++) values[at + i] = part[i] as string;
    } else {
      (values as Float64Array).set(part as Float64Array, at);
    }
    if (validity) {
      for (let i = 0; i < part.length; i++) {
        setBit(validity, at + i, partValidity === null || getBit(partValidity, i));
      }
    }
    at += part.length;
  }
  return { values, validity };
}
