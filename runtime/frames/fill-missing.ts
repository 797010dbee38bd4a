/**
 * Filling gaps in time series, as the Go SDK does (`data.FillMissing`, `GetMissing`,
 * sqlutil.ResampleWideFrame): with null, with the previous value of the same series, or with a
 * fixed number converted to the field's type the way Go converts a float64 (truncated toward zero,
 * wrapped to the integer width). longToWide uses the same rules for the cells a long frame leaves
 * empty; resampleWideFrame puts a wide frame on a regular time grid.
 */
import { bitmapAllSet, getBit, setBit } from "./bitmap.js";
import { Field } from "./field.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage, TYPE_INFO } from "./field-type.js";
import { Frame } from "./frame.js";
import { TIME_SERIES_ERRORS, TimeSeriesError, timeSeriesSchema } from "./time-series-schema.js";
import { millisToNano } from "./time.js";

/** How to fill a missing value (Go's FillMode with its Value). */
export type FillMissing =
  { mode: "null" } | { mode: "previous" } | { mode: "value"; value: number };

/**
 * `value` stored as a field of `type` holds it (Go's float64ToType), or undefined for the types
 * a number cannot fill (string, bool, time, json, enum), which Go leaves at their zero value.
 */
export function fillValueFor(type: FieldType, value: number): number | bigint | undefined {
  const whole = Number.isFinite(value) ? Math.trunc(value) : 0;
  switch (type) {
    case "float32":
    case "float64":
      return value;
    case "int64":
      return BigInt.asIntN(64, BigInt(whole));
    case "uint64":
      return BigInt.asUintN(64, BigInt(whole));
    case "int8":
    case "int16":
    case "int32":
    case "uint8":
    case "uint16":
    case "uint32":
      // Through the typed array, which wraps to the width: int8(300) = 44.
      return (TYPE_INFO[type].array as Int32ArrayConstructor).of(whole)[0];
    default:
      return undefined;
  }
}

export interface ResampleOptions {
  /** The grid: from `fromMs` to `toMs` inclusive, every `intervalMs`. */
  fromMs: number;
  toMs: number;
  intervalMs: number;
}

/**
 * sqlutil.ResampleWideFrame: one row per grid time. A grid row takes the last input row in
 * (t − interval, t]; a grid time with none is filled per `fill` (previous: the last input row at
 * or before it). Non-value fields repeat the last input row seen. Value fields become nullable for
 * "null" and "previous", which Go requires of its callers instead. Returns the frame unchanged when
 * `intervalMs` is 0, as Go does.
 */
export function resampleWideFrame(frame: Frame, fill: FillMissing, grid: ResampleOptions): Frame {
  const schema = timeSeriesSchema(frame);
  if (schema.type === "not") throw new TimeSeriesError(TIME_SERIES_ERRORS.notTimeSeries);
  if (grid.intervalMs === 0) return frame;
  if (!(grid.intervalMs > 0))
    throw new RangeError(`resample interval must be positive (got ${grid.intervalMs})`);
  const times = frame.fields[schema.timeIndex];
  const timeValues = times.values as BigInt64Array;
  const rows = frame.rowCount();
  const count =
    grid.toMs >= grid.fromMs ? Math.floor((grid.toMs - grid.fromMs) / grid.intervalMs) + 1 : 0;
  /** Per grid row: the input row it copies, or -1 for a fill; and the last input row seen. */
  const source = new Int32Array(count);
  const lastSeen = new Int32Array(count);
  let next = 0;
  let seen = -1;
  for (let g = 0; g < count; g++) {
    const t = millisToNano(grid.fromMs + g * grid.intervalMs);
    const previous = t - millisToNano(grid.intervalMs);
    let picked = -1;
    for (; next < rows; next++) {
      if (times.isNull(next)) throw new TimeSeriesError("time point is nil");
      const at = timeValues[next];
      if (at > t) break;
      if (at > previous) picked = next;
      seen = next;
    }
    source[g] = picked;
    lastSeen[g] = seen;
  }
  const values = new Set(schema.valueIndices);
  const fields = frame.fields.map((field, i) => {
    if (i === schema.timeIndex) return gridTimes(field, grid, count);
    if (!values.has(i)) return gather(field, lastSeen, { nullable: field.nullable });
    if (fill.mode === "value") {
      return gather(field, source, { nullable: field.nullable, fillValue: fill.value });
    }
    const picks =
      fill.mode === "previous" ? source.map((row, g) => (row >= 0 ? row : lastSeen[g])) : source;
    return gather(field, picks, { nullable: true });
  });
  return new Frame({ name: frame.name, meta: frame.meta }, fields);
}

function gridTimes(field: Field, grid: ResampleOptions, count: number): Field {
  const ns = new BigInt64Array(count);
  for (let g = 0; g < count; g++) ns[g] = millisToNano(grid.fromMs + g * grid.intervalMs);
  return new Field(field.name, "time", ns, {
    nullable: field.nullable,
    labels: field.labels,
    config: field.config,
  });
}

/**
 * A copy of `field` whose row g is input row picks[g]; a pick of -1 is `fillValue` converted to
 * the field's type (see fillValueFor) or, without one, null. The copy is nullable when asked or
 * when it holds a null.
 */
export function gather(
  field: Field,
  picks: ArrayLike<number>,
  options: { nullable: boolean; fillValue?: number },
): Field {
  const n = picks.length;
  const out = allocStorage(field.type, n) as unknown as Array<unknown>;
  const src = field.values as unknown as ArrayLike<unknown>;
  const srcValidity = field.validity;
  const filler =
    options.fillValue === undefined ? undefined : fillValueFor(field.type, options.fillValue);
  let validity: Uint8Array | null = null;
  for (let g = 0; g < n; g++) {
    const row = picks[g];
    if (row >= 0 ? srcValidity === null || getBit(srcValidity, row) : filler !== undefined) {
      out[g] = row >= 0 ? src[row] : filler;
      continue;
    }
    validity ??= bitmapAllSet(n, n);
    setBit(validity, g, false);
  }
  return new Field(field.name, field.type, out as unknown as FieldStorage[FieldType], {
    nullable: options.nullable || validity !== null,
    validity,
    labels: field.labels,
    config: field.config,
  });
}
