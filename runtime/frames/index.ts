/**
 * Grafana data frames, wire-compatible with the Go SDK (grafana-plugin-sdk-go `data` package):
 * build frames from typed arrays, encode them as the Arrow IPC files a backend plugin returns to
 * Grafana, and read and write the JSON frame format Grafana's frontend uses.
 */
export { Frame } from "./frame.js";
export type { FrameOptions, RowValues } from "./frame.js";
export { Field } from "./field.js";
export type { FieldOptions } from "./field.js";
export type { FieldInputValue, FieldStorage, FieldType, FieldValue, TSType } from "./field-type.js";
export type {
  DataLink,
  EnumFieldConfig,
  FieldConfig,
  FieldTypeConfig,
  FrameMeta,
  FrameType,
  Labels,
  Notice,
  QueryStat,
  ThresholdsConfig,
  ValueMapping,
  VisType,
} from "./meta-types.js";
export {
  boolField,
  enumField,
  float32Field,
  float64Field,
  int16Field,
  int32Field,
  int64Field,
  int8Field,
  jsonField,
  newField,
  newFrame,
  stringField,
  timeField,
  uint16Field,
  uint32Field,
  uint64Field,
  uint8Field,
} from "./builders.js";
export type { FieldInput } from "./builders.js";
export { FrameDecodeError, FrameShapeError } from "./errors.js";
export { frameToArrow } from "./arrow-encode.js";
export { frameFromArrow } from "./arrow-decode.js";
export { frameToJSON, framesToJSON } from "./json-encode.js";
export type { JSONOptions } from "./json-encode.js";
export { frameFromJSON, framesFromJSON } from "./json-decode.js";
export { renderFramesTable } from "./table-render.js";
export type { TableOptions } from "./table-render.js";
export { millisToNanos } from "./time.js";
// Transforms and helpers in the shape of the Go SDK's data package (see each module).
export {
  timeSeriesSchema,
  TimeSeriesError,
  TIME_SERIES_ERRORS,
  type TimeSeriesSchema,
  type TimeSeriesType,
} from "./time-series-schema.js";
export { longToWide } from "./long-to-wide.js";
export { wideToLong } from "./wide-to-long.js";
export {
  fillValueFor,
  resampleWideFrame,
  type FillMissing,
  type ResampleOptions,
} from "./fill-missing.js";
export {
  deleteRow,
  emptyCopy,
  filterRows,
  filterRowsByField,
  insertRow,
  rowCopy,
  setRow,
} from "./frame-rows.js";
export {
  labelsContain,
  labelsEqual,
  labelsFingerprint,
  labelsFromString,
  labelsToString,
} from "./labels-string.js";
export {
  frameFromObjects,
  frameFromRows,
  type ColumnSpec,
  type FrameFromObjectsOptions,
  type FrameFromRowsOptions,
  type RowFor,
} from "./frame-from-rows.js";
