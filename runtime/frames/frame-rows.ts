/**
 * Row editing on a frame, as the Go SDK's Frame methods do it (SetRow, InsertRow, DeleteRow,
 * RowCopy, FilterRowsByField, EmptyCopy), with the checks Go leaves to a panic: a row out of
 * range or a row with the wrong number of values throws before any field changes.
 */
import { FrameShapeError } from "./errors.js";
import { Field } from "./field.js";
import type { FieldStorage, FieldType, FieldValue } from "./field-type.js";
import { allocStorage } from "./field-type.js";
import { gather } from "./fill-missing.js";
import { Frame, type RowValues } from "./frame.js";
import { toStoredValue } from "./field-values.js";

/** Replaces row `row` with one value per field. */
export function setRow(frame: Frame, row: number, ...values: RowValues): Frame {
  checkRow(frame, values, row, frame.rowCount() - 1);
  frame.fields.forEach((field, i) => field.set(row, values[i] as never));
  return frame;
}

/** Inserts a row before `row` (rowCount appends), moving later rows down. */
export function insertRow(frame: Frame, row: number, ...values: RowValues): Frame {
  checkRow(frame, values, row, frame.rowCount());
  frame.fields.forEach((field, i) => field.insert(row, values[i] as never));
  return frame;
}

/** Removes row `row` from every field. */
export function deleteRow(frame: Frame, row: number): Frame {
  checkIndex(frame, row, frame.rowCount() - 1);
  for (const field of frame.fields) field.delete(row);
  return frame;
}

/** The values of row `row`, one per field (as Field.get returns them). */
export function rowCopy(frame: Frame, row: number): Array<FieldValue[FieldType] | null> {
  checkIndex(frame, row, frame.rowCount() - 1);
  return frame.fields.map((f) => f.get(row));
}

/**
 * A new frame with the rows for which `keep(row)` is true. Like Go's FilterRowsByField it copies
 * name, refId and field labels, but not frame meta or field config (Go's EmptyCopy).
 */
export function filterRows(frame: Frame, keep: (row: number, frame: Frame) => boolean): Frame {
  const rows = frame.rowCount();
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) if (keep(r, frame)) kept.push(r);
  const picks = Int32Array.from(kept);
  const fields = frame.fields.map((f) => {
    const copy = gather(f, picks, { nullable: f.nullable });
    copy.config = undefined;
    copy.labels = f.labels && { ...f.labels };
    return copy;
  });
  return new Frame({ name: frame.name, refId: frame.refId }, fields);
}

/** Go's FilterRowsByField: the rows whose value in field `field` (index or name) passes `keep`. */
export function filterRowsByField<T extends FieldType = FieldType>(
  frame: Frame,
  field: number | string,
  keep: (value: FieldValue[T] | null) => boolean,
): Frame {
  const index = typeof field === "number" ? field : frame.fields.findIndex((f) => f.name === field);
  const target = frame.fields[index];
  if (!target) {
    throw new FrameShapeError(`frame "${frame.name}" has no field ${JSON.stringify(field)}`);
  }
  return filterRows(frame, (row) => keep(target.get(row) as FieldValue[T] | null));
}

/** Go's EmptyCopy: same name, refId, field names, types and labels; no rows, meta or config. */
export function emptyCopy(frame: Frame): Frame {
  const fields = frame.fields.map(
    (f) =>
      new Field(f.name, f.type, allocStorage(f.type, 0) as FieldStorage[FieldType], {
        nullable: f.nullable,
        labels: f.labels && { ...f.labels },
      }),
  );
  return new Frame({ name: frame.name, refId: frame.refId }, fields);
}

function checkRow(frame: Frame, values: RowValues, row: number, maxRow: number): void {
  if (values.length !== frame.fields.length) {
    throw new FrameShapeError(
      `frame "${frame.name}" has ${frame.fields.length} fields but the row has ${values.length} values`,
    );
  }
  checkIndex(frame, row, maxRow);
  frame.fields.forEach((field, i) => {
    const v = values[i];
    if (v !== null && v !== undefined) toStoredValue(field.type, v as never, field.name, row);
    else if (!field.nullable) {
      throw new FrameShapeError(
        `field "${field.name}" (${field.type}) is not nullable but got ${v} at row ${row}`,
      );
    }
  });
}

function checkIndex(frame: Frame, row: number, maxRow: number): void {
  if (!(Number.isInteger(row) && row >= 0 && row <= maxRow)) {
    const rows = frame.rowCount();
    throw new RangeError(`row ${row} is out of range for frame "${frame.name}" with ${rows} rows`);
  }
}
