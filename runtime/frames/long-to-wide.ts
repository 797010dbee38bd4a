/**
 * Long → wide, as the Go SDK's `data.LongToWide`: one output row per distinct time (the input
 * must be sorted by time), and per value field one output field for each distinct combination of
 * factor values (string and bool fields), which become that field's labels. Output fields are
 * sorted by name, then by label values in factor-field order; the time field comes first. Cells
 * no input row provides are filled per `fill` (fill-missing.ts); without `fill` they hold the
 * type's zero value, or null when the value field is nullable.
 *
 * Built for large inputs: factor values are interned once per column, series keys are numbers
 * where the combinations fit in 2^53, and every column is written straight into typed storage.
 */
import { bitmapAllSet, getBit, setBit } from "./bitmap.js";
import { Field } from "./field.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage } from "./field-type.js";
import { fillValueFor, type FillMissing } from "./fill-missing.js";
import { Frame } from "./frame.js";
import { compareGoStrings } from "./labels-string.js";
import type { Labels } from "./meta-types.js";
import {
  TIME_SERIES_ERRORS,
  TimeSeriesError,
  timeSeriesSchema,
  type TimeSeriesSchema,
} from "./time-series-schema.js";

/** The wide form of a long time-series frame; throws TimeSeriesError with the Go SDK's texts. */
export function longToWide(long: Frame, fill?: FillMissing): Frame {
  const schema = timeSeriesSchema(long);
  if (schema.type !== "long") throw new TimeSeriesError(TIME_SERIES_ERRORS.notLong(schema.type));
  const rows = long.rowCount();
  if (rows === 0) throw new TimeSeriesError(TIME_SERIES_ERRORS.noRowsWide);
  const time = long.fields[schema.timeIndex];
  if (time.nullCount > 0) throw new TimeSeriesError(TIME_SERIES_ERRORS.nullTimeValues);

  const { wideRowOf, firstRowOfWide } = wideRows(time.values as BigInt64Array);
  const series = seriesOf(long, schema, rows);
  const width = firstRowOfWide.length;
  const fields: Field[] = [];
  for (const v of schema.valueIndices) {
    const columns = fillColumns(long.fields[v], series, wideRowOf, width, fill);
    columns.forEach((column, s) => fields.push(column.toField(series.labels[s])));
  }
  const factorNames = schema.factorIndices.map((i) => long.fields[i].name);
  // Go's sort first swaps the time field with the last field; only ties (same-named value
  // fields of one series) can show the resulting order, and they keep it.
  if (fields.length > 1) fields.unshift(fields.pop()!);
  fields.sort((a, b) => compareGoStrings(a.name, b.name) || compareLabels(a, b, factorNames));
  const timeField = new Field(
    time.name,
    "time",
    take64(time.values as BigInt64Array, firstRowOfWide),
  );
  return new Frame(
    { name: long.name, meta: { ...long.meta, type: "timeseries-wide", typeVersion: [0, 1] } },
    [timeField, ...fields],
  );
}

/** Most factor-value combinations for which a dense lookup table (4 bytes each) is used. */
const DENSE_LIMIT = 1 << 20;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Maps each input row to its output row; checks the times never decrease. */
function wideRows(times: BigInt64Array): { wideRowOf: Int32Array; firstRowOfWide: Int32Array } {
  const n = times.length;
  const wideRowOf = new Int32Array(n);
  const first: number[] = [0];
  // Compare the two 32-bit halves instead of reading a BigInt per row.
  const words = new Int32Array(times.buffer, times.byteOffset, n * 2);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  let w = 0;
  for (let r = 1; r < n; r++) {
    const dh = words[2 * r + hi] - words[2 * r - 2 + hi];
    const dl = (words[2 * r + lo] >>> 0) - (words[2 * r - 2 + lo] >>> 0);
    const order = dh !== 0 ? dh : dl;
    if (order < 0) throw new TimeSeriesError(TIME_SERIES_ERRORS.unsorted);
    if (order > 0) {
      first.push(r);
      w++;
    }
    wideRowOf[r] = w;
  }
  return { wideRowOf, firstRowOfWide: Int32Array.from(first) };
}

interface Series {
  /** Series index of each input row, numbered in order of first appearance. */
  ofRow: Int32Array;
  labels: Labels[];
}

/** Groups rows by their factor values (null strings read as "", null bools as "false", as Go). */
function seriesOf(frame: Frame, schema: TimeSeriesSchema, rows: number): Series {
  const names = new Set<string>();
  const factors = schema.factorIndices.map((i) => {
    const field = frame.fields[i];
    if (names.has(field.name)) {
      throw new TimeSeriesError(
        `duplicate key '${field.name}' in labels: two factor fields share the name ${JSON.stringify(field.name)}`,
      );
    }
    names.add(field.name);
    return intern(field, rows);
  });
  let radix = 1;
  for (const f of factors) radix *= f.texts.length;
  const numeric = radix <= Number.MAX_SAFE_INTEGER;
  // Few combinations (the usual case): a dense table instead of a Map lookup per row.
  const dense = radix <= DENSE_LIMIT ? new Int32Array(radix).fill(-1) : null;
  const index = new Map<number | string, number>();
  const ofRow = new Int32Array(rows);
  const labels: Labels[] = [];
  for (let r = 0; r < rows; r++) {
    let key: number | string = 0;
    if (numeric) for (const f of factors) key = (key as number) * f.texts.length + f.ids[r];
    else key = factors.map((f) => f.ids[r]).join(",");
    let s = dense ? dense[key as number] : (index.get(key) ?? -1);
    if (s < 0) {
      s = labels.length;
      if (dense) dense[key as number] = s;
      else index.set(key, s);
      const l: Labels = {};
      factors.forEach(
        (f, j) => (l[frame.fields[schema.factorIndices[j]].name] = f.texts[f.ids[r]]),
      );
      labels.push(l);
    }
    ofRow[r] = s;
  }
  return { ofRow, labels };
}

/** A factor column as small integer ids into its distinct texts. */
function intern(field: Field, rows: number): { ids: Int32Array; texts: string[] } {
  const ids = new Int32Array(rows);
  const validity = field.validity;
  if (field.type === "bool") {
    const bytes = field.values as Uint8Array;
    for (let r = 0; r < rows; r++) ids[r] = validity && !getBit(validity, r) ? 0 : bytes[r] ? 1 : 0;
    return { ids, texts: ["false", "true"] };
  }
  const values = field.values as string[];
  const seen = new Map<string, number>();
  const texts: string[] = [];
  for (let r = 0; r < rows; r++) {
    const text = validity && !getBit(validity, r) ? "" : values[r];
    let id = seen.get(text);
    if (id === undefined) {
      id = texts.length;
      seen.set(text, id);
      texts.push(text);
    }
    ids[r] = id;
  }
  return { ids, texts };
}

/** One output column while it is filled. */
class Column {
  assigned: Uint8Array;
  validity: Uint8Array | null = null;
  constructor(
    readonly source: Field,
    readonly store: FieldStorage[FieldType],
    readonly nullable: boolean,
    width: number,
  ) {
    this.assigned = new Uint8Array(width);
  }

  setNull(w: number): void {
    this.validity ??= bitmapAllSet(this.assigned.length, this.assigned.length);
    setBit(this.validity, w, false);
  }

  toField(labels: Labels): Field {
    return new Field(this.source.name, this.source.type, this.store, {
      nullable: this.nullable || this.validity !== null,
      validity: this.validity,
      labels: { ...labels },
    });
  }
}

/** The output columns of value field `field`, one per series, with gaps filled. */
function fillColumns(
  field: Field,
  series: Series,
  wideRowOf: Int32Array,
  width: number,
  fill: FillMissing | undefined,
): Column[] {
  const nullable = field.nullable || (fill !== undefined && fill.mode !== "value");
  const columns = series.labels.map(
    () => new Column(field, allocStorage(field.type, width), nullable, width),
  );
  const firstWide = new Int32Array(columns.length).fill(-1);
  copyCells(field, series.ofRow, wideRowOf, columns, firstWide);
  const filler = fill?.mode === "value" ? fillValueFor(field.type, fill.value) : undefined;
  columns.forEach((c, s) => {
    const store = c.store as unknown as Array<unknown>;
    for (let w = 0; w < width; w++) {
      if (c.assigned[w]) continue;
      if (fill?.mode === "previous" && w > firstWide[s]) {
        if (c.validity && !getBit(c.validity, w - 1)) c.setNull(w);
        else store[w] = store[w - 1];
      } else if (filler !== undefined) store[w] = filler;
      else if (c.nullable) c.setNull(w);
    }
  });
  return columns;
}

/** Writes every input row's value into its series' column at its output row. */
function copyCells(
  field: Field,
  ofRow: Int32Array,
  wideRowOf: Int32Array,
  columns: Column[],
  firstWide: Int32Array,
): void {
  const rows = ofRow.length;
  const validity = field.validity;
  const src = field.values;
  const wide64 = src instanceof BigInt64Array || src instanceof BigUint64Array;
  // 64-bit integers move as two 32-bit words, so no BigInt is created per cell.
  const words = wide64 ? new Int32Array(src.buffer, src.byteOffset, rows * 2) : null;
  const outWords = wide64
    ? columns.map((c) => {
        const a = c.store as BigInt64Array;
        return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
      })
    : [];
  const out = columns.map((c) => c.store as unknown as Array<unknown>);
  const input = src as unknown as ArrayLike<unknown>;
  for (let r = 0; r < rows; r++) {
    const s = ofRow[r];
    const w = wideRowOf[r];
    const column = columns[s];
    if (firstWide[s] < 0) firstWide[s] = w;
    column.assigned[w] = 1;
    if (validity && !getBit(validity, r)) {
      column.setNull(w);
      continue;
    }
    if (column.validity) setBit(column.validity, w, true); // a later duplicate row overwrites
    if (words) {
      outWords[s][2 * w] = words[2 * r];
      outWords[s][2 * w + 1] = words[2 * r + 1];
    } else out[s][w] = input[r];
  }
}

function take64(values: BigInt64Array, rows: Int32Array): BigInt64Array {
  const out = new BigInt64Array(rows.length);
  const src = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const dst = new Int32Array(out.buffer);
  for (let i = 0; i < rows.length; i++) {
    dst[2 * i] = src[2 * rows[i]];
    dst[2 * i + 1] = src[2 * rows[i] + 1];
  }
  return out;
}

/** Go's SortWideFrameFields tie-break: label values in the order of the given keys. */
function compareLabels(a: Field, b: Field, keys: string[]): number {
  for (const k of keys) {
    const order = compareGoStrings(a.labels?.[k] ?? "", b.labels?.[k] ?? "");
    if (order !== 0) return order;
  }
  return 0;
}
