/**
 * Query-building helpers, in the shape of grafana-plugin-sdk-go's `backend/gtime`,
 * `experimental/macros` and `data/sqlutil` macros: Grafana durations and intervals, relative time
 * ranges in a time zone, the interval calculation for a time range and maxDataPoints, and macro
 * expansion in raw query texts. The only public entry of runtime/query.
 */
export { DurationError, MacroError, RelativeTimeError, TimeZoneError } from "./errors.js";
export {
  formatInterval,
  intervalFrom,
  parseDuration,
  parseDurationNanos,
  parseInterval,
  parseIntervalText,
  type IntervalSources,
  type IntervalVariables,
} from "./duration.js";
export { roundInterval } from "./round-interval.js";
export {
  calculateInterval,
  calculateSafeInterval,
  DEFAULT_RESOLUTION,
  type CalculatedInterval,
  type IntervalOptions,
  type QueryTimeRange,
} from "./interval.js";
export {
  parseRelativeTime,
  parseTimeRange,
  type RelativeTimeOptions,
  type WeekStart,
} from "./relative-time.js";
export {
  interpolateMacros,
  type InterpolateOptions,
  type Interpolated,
  type MacroContext,
  type MacroFill,
  type MacroFunction,
  type MacroTable,
} from "./macros.js";
export { DEFAULT_MACROS } from "./default-macros.js";
export { parseMacroArguments, type ParsedArguments } from "./macro-arguments.js";
