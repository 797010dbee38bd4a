/**
 * Which time-series shape a frame has, as the Go SDK decides it (`Frame.TimeSeriesSchema`): the
 * first time field is the time index; string and bool fields are factors (dimensions); every other
 * field is a value. With no value field, or no time field, it is not a time series; with factors it
 * is "long" (one row per time and dimension combination, SQL-like), without them "wide" (one row
 * per time, dimensions as field labels). long-to-wide.ts and wide-to-long.ts convert between the
 * two and fail with the Go SDK's own messages, kept here.
 */
import type { Frame } from "./frame.js";

export type TimeSeriesType = "not" | "long" | "wide";

export interface TimeSeriesSchema {
  type: TimeSeriesType;
  /** Index of the time index field (-1 when there is no time field). */
  timeIndex: number;
  timeIsNullable: boolean;
  /** Fields that are neither the time index nor factors. */
  valueIndices: number[];
  /** String and bool fields. */
  factorIndices: number[];
}

/** The Go SDK's error texts (data/time_series_errors.go and its conversions), word for word. */
export const TIME_SERIES_ERRORS = {
  nullTimeValues:
    "unable to process the data to wide series because input has null time values, make sure all time values are not null",
  unsorted:
    "unable to process the data because it is not sorted in ascending order by time, please updated your query to sort the data by time if possible",
  noRowsLong: "can not convert to long series, input fields have no rows",
  noRowsWide: "can not convert to wide series, input fields have no rows",
  notLong: (got: TimeSeriesType) =>
    `can not convert to wide series, expected long format series input but got ${got} series`,
  notWide: (got: TimeSeriesType) =>
    `can not convert to long series, expected wide format series input but got ${got} series`,
  wideTimeNull: "time may not have nil values",
  notTimeSeries: "can not fill missing, not timeseries frame",
} as const;

/** A frame that does not have the shape a time-series conversion needs. */
export class TimeSeriesError extends Error {
  override name = "TimeSeriesError";
}

/** The frame's time-series schema (see the module comment). */
export function timeSeriesSchema(frame: Frame): TimeSeriesSchema {
  const schema: TimeSeriesSchema = {
    type: "not",
    timeIndex: -1,
    timeIsNullable: false,
    valueIndices: [],
    factorIndices: [],
  };
  const fields = frame.fields;
  schema.timeIndex = fields.findIndex((f) => f.type === "time");
  if (schema.timeIndex < 0) return schema;
  schema.timeIsNullable = fields[schema.timeIndex].nullable;
  fields.forEach((f, i) => {
    if (i === schema.timeIndex) return;
    if (f.type === "string" || f.type === "bool") schema.factorIndices.push(i);
    else schema.valueIndices.push(i);
  });
  if (schema.valueIndices.length === 0) return schema;
  schema.type = schema.factorIndices.length === 0 ? "wide" : "long";
  return schema;
}
