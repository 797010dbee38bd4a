/**
 * Frames from plain data, the jobs of the Go SDK's `sqlutil.FrameFromRows` and `framestruct`:
 *
 * - frameFromRows: rows of values under declared columns (name, type, nullable), as a database
 *   driver returns them. Columns are nullable unless declared otherwise (sqlutil: "nullable if the
 *   column is nullable or if that is unknown"); a row limit cuts the result and adds sqlutil's
 *   warning notice.
 * - frameFromObjects: an array of objects, one row each. Nested objects flatten to `parent.child`
 *   fields; a field's type comes from its declared type or its first non-null value (number →
 *   float64, bigint → int64, string, boolean → bool, Date → time); every field is nullable and a
 *   property an object lacks is null, as framestruct makes every field a pointer.
 *
 * Rows are typed from the column declarations, so a wrong value is a compile error where the
 * types are known and a FrameShapeError naming the field and row where they are not.
 */
import { FrameShapeError } from "./errors.js";
import type { Field } from "./field.js";
import type { FieldInputValue, FieldType } from "./field-type.js";
import { newField } from "./builders.js";
import { Frame } from "./frame.js";
import type { Notice } from "./meta-types.js";

export interface ColumnSpec<T extends FieldType = FieldType> {
  name: string;
  type: T;
  /** Default true: a column whose nullability is unknown may hold nulls. */
  nullable?: boolean;
}

/** One row's values for `columns`, in order, each typed by its column. */
export type RowFor<C extends readonly ColumnSpec[]> = {
  [K in keyof C]: C[K] extends ColumnSpec<infer T>
    ? C[K] extends { nullable: false }
      ? FieldInputValue[T]
      : FieldInputValue[T] | null | undefined
    : never;
};

export interface FrameFromRowsOptions {
  name?: string;
  refId?: string;
  /** Stop after this many rows and add a warning notice (negative or absent: no limit). */
  rowLimit?: number;
}

/** A frame with one field per column and one row per element of `rows`. */
export function frameFromRows<const C extends readonly ColumnSpec[]>(
  columns: C,
  rows: Iterable<RowFor<C>>,
  options: FrameFromRowsOptions = {},
): Frame {
  const limit =
    options.rowLimit !== undefined && options.rowLimit >= 0 ? options.rowLimit : Infinity;
  const cells: unknown[][] = columns.map(() => []);
  let count = 0;
  let limited = false;
  for (const row of rows as Iterable<ArrayLike<unknown>>) {
    if (count === limit) {
      limited = true;
      break;
    }
    if (row.length !== columns.length) {
      throw new FrameShapeError(
        `row ${count} has ${row.length} values but there are ${columns.length} columns (${columns.map((c) => c.name).join(", ")})`,
      );
    }
    for (let c = 0; c < columns.length; c++) cells[c].push(row[c]);
    count++;
  }
  const fields = columns.map((col, c) =>
    newField(col.name, col.type, cells[c] as never, { nullable: col.nullable ?? true }),
  );
  const notices: Notice[] = limited
    ? [
        {
          severity: "warning",
          text: `Results have been limited to ${limit} because the SQL row limit was reached`,
        },
      ]
    : [];
  return new Frame(
    { name: options.name, refId: options.refId, meta: notices.length ? { notices } : undefined },
    fields,
  );
}

export interface FrameFromObjectsOptions {
  name?: string;
  refId?: string;
  /** Field types by (flattened) field name, for fields whose values would be read otherwise. */
  types?: Readonly<Record<string, FieldType>>;
  /** The field to put first (framestruct's WithColumn0 / `col0` tag). */
  column0?: string;
  /** Per field name, a conversion applied to each non-null value before it is stored. */
  converters?: Readonly<Record<string, (value: unknown) => unknown>>;
  /** Property names to leave out (framestruct's `frame:"-"`). */
  omit?: readonly string[];
}

/** A frame with one row per object (see the module comment). */
export function frameFromObjects<T extends object>(
  objects: Iterable<T>,
  options: FrameFromObjectsOptions = {},
): Frame {
  const columns = new Map<string, unknown[]>();
  const omit = new Set(options.omit ?? []);
  let row = 0;
  const put = (name: string, value: unknown): void => {
    const converter = options.converters?.[name];
    let v = value;
    if (converter && v !== null && v !== undefined) {
      try {
        v = converter(v);
      } catch (err) {
        throw new FrameShapeError(
          `field conversion error ${name} at row ${row}: ${(err as Error).message}`,
        );
      }
    }
    if (v === null || v === undefined) return;
    if (typeof v === "object" && !(v instanceof Date) && !converter) {
      if (Array.isArray(v) || ArrayBuffer.isView(v)) {
        throw new FrameShapeError(
          `field "${name}" at row ${row}: arrays are not supported (converted types may not contain slices)`,
        );
      }
      for (const [k, child] of Object.entries(v)) {
        if (!omit.has(`${name}.${k}`)) put(`${name}.${k}`, child);
      }
      return;
    }
    let column = columns.get(name);
    if (!column) columns.set(name, (column = []));
    column[row] = v;
  };
  for (const object of objects) {
    for (const [k, v] of Object.entries(object)) if (!omit.has(k)) put(k, v);
    row++;
  }
  const names = [...columns.keys()];
  if (options.column0 !== undefined) {
    const at = names.indexOf(options.column0);
    if (at < 0)
      throw new FrameShapeError(`column0 ${JSON.stringify(options.column0)} is not a field`);
    names.unshift(...names.splice(at, 1));
  }
  const fields: Field[] = names.map((name) => {
    const values = columns.get(name)!;
    values.length = row; // rows without the property read as null
    const type = options.types?.[name] ?? inferType(name, values);
    return newField(name, type, Array.from(values) as never, { nullable: true });
  });
  return new Frame({ name: options.name, refId: options.refId }, fields);
}

function inferType(name: string, values: unknown[]): FieldType {
  const first = values.find((v) => v !== undefined && v !== null);
  switch (typeof first) {
    case "number":
      return "float64";
    case "bigint":
      return "int64";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    default:
      if (first instanceof Date) return "time";
      throw new FrameShapeError(
        `field "${name}": cannot tell the field type of ${String(first)}; give it in options.types`,
      );
  }
}
