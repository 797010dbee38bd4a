/**
 * A data frame as the Go SDK defines it (`data.Frame`): a name, the query's refId, optional frame
 * metadata and a list of equally long fields. Field lengths are checked whenever a frame is built or
 * encoded, and a mismatch names every field with its length.
 */
import { FrameShapeError } from "./errors.js";
import type { Field } from "./field.js";
import type { FieldInputValue, FieldType } from "./field-type.js";
import { toStoredValue } from "./field-values.js";
import type { FrameMeta } from "./meta-types.js";

export interface FrameOptions {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
}

/** One value per field of a row, in field order, each in what the field's type accepts. */
export type RowValues = ReadonlyArray<FieldInputValue[FieldType] | null | undefined>;

export class Frame {
  name: string;
  refId: string;
  meta: FrameMeta | undefined;
  fields: Field[];

  /** Throws FrameShapeError if the fields do not all have the same length. */
  constructor(options: FrameOptions = {}, fields: Field[] = []) {
    this.name = options.name ?? "";
    this.refId = options.refId ?? "";
    this.meta = options.meta;
    this.fields = fields;
    this.rowCount();
  }

  /** Number of rows (0 for a frame without fields); throws FrameShapeError if lengths differ. */
  rowCount(): number {
    const fields = this.fields;
    if (fields.length === 0) return 0;
    const rows = fields[0].length;
    if (fields.every((f) => f.length === rows)) return rows;
    const lengths = fields.map((f, i) => `"${f.name || `#${i}`}" has ${f.length}`).join(", ");
    throw new FrameShapeError(`frame "${this.name}" has fields of different lengths: ${lengths}`);
  }

  /** The first field called `name`. */
  field(name: string): Field | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /**
   * Appends one row: one value per field, in field order. Checks the whole row before changing any
   * field, so a value that does not fit leaves the frame as it was.
   */
  appendRow(...values: RowValues): this {
    if (values.length !== this.fields.length) {
      throw new FrameShapeError(
        `frame "${this.name}" has ${this.fields.length} fields but the row has ${values.length} values`,
      );
    }
    const row = this.rowCount();
    this.fields.forEach((field, i) => checkValue(field, values[i], row));
    this.fields.forEach((field, i) => field.append(values[i] as never));
    return this;
  }
}

function checkValue(field: Field, value: unknown, row: number): void {
  if (value !== null && value !== undefined) {
    toStoredValue(field.type, value as never, field.name, row);
  } else if (!field.nullable) {
    throw new FrameShapeError(
      `field "${field.name}" (${field.type}) is not nullable but got ${value}`,
    );
  }
}
