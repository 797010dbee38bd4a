/**
 * Typed frame and field metadata, mirroring the Go SDK's `data.FrameMeta` (data/frame_meta.go) and
 * `data.FieldConfig` (data/field_config.go) property for property, with the JSON names they have on
 * the wire. Decoders keep properties they do not know (Grafana adds new ones over time), so these
 * objects round-trip; encoders write the known ones in Go's order (see go-order.ts).
 */

/** Field labels (dimensions), e.g. `{ host: "a" }`. Go sorts keys when writing. */
export type Labels = Record<string, string>;

/** Known frame structures (`data.FrameType`); the dataplane contract names them. */
export type FrameType =
  | ""
  | "timeseries-wide"
  | "timeseries-long"
  | "timeseries-many"
  | "timeseries-multi"
  | "directory-listing"
  | "table"
  | "numeric-wide"
  | "numeric-multi"
  | "numeric-long"
  | "log-lines"
  | (string & {});

export type VisType =
  "graph" | "table" | "logs" | "trace" | "nodeGraph" | "flamegraph" | (string & {});

export interface FrameMeta {
  /** Asserts that the frame matches a known structure. */
  type?: FrameType;
  /** Version of `type`; Go always writes it, `[0, 0]` when unset. */
  typeVersion?: [number, number];
  /** A browsable path on the data source. */
  path?: string;
  /** Separator for `path`; Grafana's default is "/". */
  pathSeparator?: string;
  /** Data-source specific values. */
  custom?: unknown;
  /** Query result statistics. */
  stats?: QueryStat[];
  /** Messages Grafana shows to the user next to the data. */
  notices?: Notice[];
  /** Grafana Live channel with real-time updates for this data. */
  channel?: string;
  preferredVisualisationType?: VisType;
  preferredVisualisationPluginId?: string;
  /** The query actually sent to the underlying system, shown in the query inspector. */
  executedQueryString?: string;
  /** "annotations" routes the frame to annotations instead of data. */
  dataTopic?: "" | "annotations" | (string & {});
  /** Indices of the fields whose values together identify a row. */
  uniqueRowIdFields?: number[];
}

/** A statistic about the query (`data.QueryStat`): a field config plus the value. */
export interface QueryStat extends FieldConfig {
  value: number;
}

export interface Notice {
  severity: "info" | "warning" | "error";
  text: string;
  link?: string;
  inspect?: "" | "meta" | "error" | "data" | "stats";
}

export interface FieldConfig {
  /** Overrides Grafana's default naming; should not be set by a data source. */
  displayName?: string;
  /** Overrides the default naming strategy; the data-source way to name a field. */
  displayNameFromDS?: string;
  /** Path of the field in the data source. */
  path?: string;
  description?: string;
  /** Whether the data can be filtered by further calls. */
  filterable?: boolean;
  /** Whether the data source can update this value. */
  writeable?: boolean;
  unit?: string;
  decimals?: number;
  /** Go writes NaN and ±Inf as null. */
  min?: number | null;
  max?: number | null;
  /** Expected step between values, in the values' unit (milliseconds for time). */
  interval?: number;
  mappings?: ValueMapping[];
  thresholds?: ThresholdsConfig;
  color?: Record<string, unknown>;
  links?: DataLink[];
  /** Text shown instead of an empty value. */
  noValue?: string;
  /** Type-specific configuration; `enum` carries an enum field's value texts. */
  type?: FieldTypeConfig;
  /** Panel-specific values. */
  custom?: Record<string, unknown>;
}

export interface FieldTypeConfig {
  enum?: EnumFieldConfig;
}

/** Enum field values are indices into these arrays. */
export interface EnumFieldConfig {
  text: string[];
  color?: string[];
  icon?: string[];
  description?: string[];
}

/** A value mapping (`{ type: "value" | "range" | "regex" | "special", options }`). */
export interface ValueMapping {
  type: string;
  options: Record<string, unknown>;
}

export interface ThresholdsConfig {
  mode: "absolute" | "percentage";
  steps: Array<{ value: number | null; color?: string; state?: string }>;
}

export interface DataLink {
  title?: string;
  targetBlank?: boolean;
  url?: string;
  internal?: {
    query?: unknown;
    datasourceUid?: string;
    datasourceName?: string;
    panelsState?: unknown;
    transformations?: Array<{
      type?: string;
      field?: string;
      expression?: string;
      mapValue?: string;
    }>;
    timeRange?: { from?: string; to?: string };
  };
}
