/**
 * Wide → long, as the Go SDK's `data.WideToLong`: one output row per input row and distinct label
 * set (label sets ordered by their JSON text, as Go orders them); the time field first, then one
 * field per distinct value-field name (sorted), then one string field per label key (sorted).
 * Values a label set does not have are the type's zero value (null for nullable fields); label
 * keys a set lacks are "". Unlike longToWide, Go does not check that times are sorted, so neither
 * does this.
 */
import { Field } from "./field.js";
import type { FieldStorage, FieldType } from "./field-type.js";
import { allocStorage } from "./field-type.js";
import { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import { compareGoStrings, sortedKeys } from "./labels-string.js";
import { bitmapAllSet, getBit, setBit } from "./bitmap.js";
import { TIME_SERIES_ERRORS, TimeSeriesError, timeSeriesSchema } from "./time-series-schema.js";
import type { Labels } from "./meta-types.js";

/** The long form of a wide time-series frame; throws TimeSeriesError with the Go SDK's texts. */
export function wideToLong(wide: Frame): Frame {
  const schema = timeSeriesSchema(wide);
  if (schema.type !== "wide") throw new TimeSeriesError(TIME_SERIES_ERRORS.notWide(schema.type));
  const rows = wide.rowCount();
  if (rows === 0) throw new TimeSeriesError(TIME_SERIES_ERRORS.noRowsLong);

  const valueTypes = new Map<string, Field>(); // first field of each name fixes its type
  const labelSets = new Map<string, number[]>(); // label-set key → wide field indices
  const labelKeys = new Set<string>();
  for (const i of schema.valueIndices) {
    const field = wide.fields[i];
    const known = valueTypes.get(field.name);
    if (!known) valueTypes.set(field.name, field);
    else if (goTypeName(known) !== goTypeName(field)) {
      throw new TimeSeriesError(
        `two fields in input frame may not have the same name but different types, field name ${field.name} has type ${goTypeName(known)} but also type ${goTypeName(field)} and field idx ${i}`,
      );
    }
    const key = labelSetKey(field.labels);
    labelSets.set(key, [...(labelSets.get(key) ?? []), i]);
    for (const k of Object.keys(field.labels ?? {})) labelKeys.add(k);
  }
  const valueNames = [...valueTypes.keys()].sort(compareGoStrings);
  const setKeys = [...labelSets.keys()].sort(compareGoStrings);
  const factorNames = [...labelKeys].sort(compareGoStrings);
  const sets = setKeys.map((k) => labelSets.get(k)!);
  const n = rows * sets.length;

  const time = wide.fields[schema.timeIndex];
  if (time.nullCount > 0) throw new TimeSeriesError(TIME_SERIES_ERRORS.wideTimeNull);
  const times = new BigInt64Array(n);
  const wideTimes = time.values as BigInt64Array;
  for (let r = 0, o = 0; r < rows; r++)
    for (let j = 0; j < sets.length; j++) times[o++] = wideTimes[r];

  const values = valueNames.map((name) => {
    const model = valueTypes.get(name)!;
    const store = allocStorage(model.type, n) as unknown as Array<unknown>;
    let validity: Uint8Array | null = model.nullable ? bitmapAllSet(n, 0) : null;
    const sources = sets.map((set) => set.filter((i) => wide.fields[i].name === name).at(-1));
    sets.forEach((_, j) => {
      const src = sources[j] === undefined ? undefined : wide.fields[sources[j]!];
      if (!src) return; // stays zero, or null when nullable
      const input = src.values as unknown as ArrayLike<unknown>;
      const srcValidity = src.validity;
      for (let r = 0; r < rows; r++) {
        const o = r * sets.length + j;
        if (srcValidity && !getBit(srcValidity, r)) continue;
        store[o] = input[r];
        if (validity) setBit(validity, o, true);
      }
    });
    if (validity && validity.every((b) => b === 0xff)) validity = null;
    return new Field(name, model.type, store as unknown as FieldStorage[FieldType], {
      nullable: model.nullable,
      validity,
    });
  });

  const factors = factorNames.map((key) => {
    const texts = sets.map((set) => wide.fields[set[0]].labels?.[key] ?? "");
    const column = new Array<string>(n);
    for (let r = 0, o = 0; r < rows; r++)
      for (let j = 0; j < sets.length; j++) column[o++] = texts[j];
    return new Field(key, "string", column);
  });

  return new Frame({ name: wide.name, meta: { ...wide.meta, type: "timeseries-long" } }, [
    new Field(time.name, "time", times),
    ...values,
    ...factors,
  ]);
}

/** Go's key for a label set: the JSON of its sorted [key, value] pairs (`[]` for none). */
function labelSetKey(labels: Labels | undefined): string {
  return goJSON(sortedKeys(labels ?? {}).map((k) => [k, labels![k]]));
}

/** Go's FieldType.String(): `[]float64`, `[]*float64`, … */
function goTypeName(field: Field): string {
  const item =
    field.type === "time" ? "time.Time" : field.type === "json" ? "json.RawMessage" : field.type;
  return `[]${field.nullable ? "*" : ""}${item}`;
}
