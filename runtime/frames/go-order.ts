/**
 * Frame meta and field config as the Go SDK serialises them: properties in the order of the Go
 * struct fields, `omitempty` properties left out when empty, `typeVersion` always present, map-typed
 * values with sorted keys, and `data.ConfFloat64` numbers in Go's `%v` format. Properties Go does
 * not know are kept, after the known ones, so metadata from newer Grafana versions survives.
 *
 * The result is only meant for {@link goJSON}: some numbers are pre-formatted {@link RawJSON}.
 */
import { RawJSON, formatGoV } from "./go-json.js";
import type { FieldConfig, FrameMeta } from "./meta-types.js";

type Obj = Record<string, unknown>;
type Rule = (value: unknown) => unknown;

/** Drop the property (return undefined) when Go's `omitempty` would. */
const omitEmpty: Rule = (v) => (isEmpty(v) ? undefined : v);
/** Pointer fields: only an absent value is left out. */
const keep: Rule = (v) => v;
/** `map[string]interface{}` / `interface{}` holding decoded JSON: Go writes keys sorted. */
const sortedMap: Rule = (v) => (isEmpty(v) ? undefined : sortKeysDeep(v));
/** `*ConfFloat64`: `%v` formatting, NaN/±Inf (and an explicit null) as null. */
const confFloat: Rule = (v) =>
  typeof v === "number" ? new RawJSON(formatGoV(v)) : v === null ? null : v;

const FIELD_CONFIG_RULES: ReadonlyArray<readonly [string, Rule]> = [
  ["displayName", omitEmpty],
  ["displayNameFromDS", omitEmpty],
  ["path", omitEmpty],
  ["description", omitEmpty],
  ["filterable", keep],
  ["writeable", keep],
  ["unit", omitEmpty],
  ["decimals", keep],
  ["min", confFloat],
  ["max", confFloat],
  ["interval", omitEmpty],
  ["mappings", omitEmpty],
  ["thresholds", (v) => (isObject(v) ? canonicalThresholds(v) : v)],
  ["color", sortedMap],
  ["links", (v) => (Array.isArray(v) && v.length > 0 ? v.map(canonicalLink) : undefined)],
  ["noValue", omitEmpty],
  ["type", (v) => (isObject(v) ? canonicalTypeConfig(v) : v)],
  ["custom", sortedMap],
];

const FRAME_META_RULES: ReadonlyArray<readonly [string, Rule]> = [
  ["type", omitEmpty],
  ["typeVersion", (v) => v ?? [0, 0]],
  ["path", omitEmpty],
  ["pathSeparator", omitEmpty],
  ["custom", (v) => (v === null || v === undefined ? undefined : sortKeysDeep(v))],
  ["stats", (v) => (Array.isArray(v) && v.length > 0 ? v.map(canonicalQueryStat) : undefined)],
  ["notices", (v) => (Array.isArray(v) && v.length > 0 ? v.map(canonicalNotice) : undefined)],
  ["channel", omitEmpty],
  ["preferredVisualisationType", omitEmpty],
  ["preferredVisualisationPluginId", omitEmpty],
  ["executedQueryString", omitEmpty],
  ["dataTopic", omitEmpty],
  ["uniqueRowIdFields", omitEmpty],
];

/** Frame meta ready for {@link goJSON}, as Go's `json.Marshal(frame.Meta)` lays it out. */
export function canonicalFrameMeta(meta: FrameMeta): Obj {
  return applyRules(meta as Obj, FRAME_META_RULES);
}

/** Field config ready for {@link goJSON}, as Go's `json.Marshal(field.Config)` lays it out. */
export function canonicalFieldConfig(config: FieldConfig): Obj {
  return applyRules(config as Obj, FIELD_CONFIG_RULES);
}

function canonicalQueryStat(stat: unknown): unknown {
  if (!isObject(stat)) return stat;
  const rules: Array<readonly [string, Rule]> = [...FIELD_CONFIG_RULES, ["value", (v) => v ?? 0]];
  return applyRules(stat, rules);
}

function canonicalNotice(notice: unknown): unknown {
  if (!isObject(notice)) return notice;
  return applyRules(notice, [
    ["severity", (v) => v ?? "info"],
    ["text", (v) => v ?? ""],
    ["link", omitEmpty],
    ["inspect", omitEmpty],
  ]);
}

function canonicalLink(link: unknown): unknown {
  if (!isObject(link)) return link;
  return applyRules(link, [
    ["title", omitEmpty],
    ["targetBlank", (v) => (v === true ? true : v === false ? undefined : v)],
    ["url", omitEmpty],
    ["internal", keep],
  ]);
}

function canonicalThresholds(t: Obj): Obj {
  const steps = Array.isArray(t.steps)
    ? t.steps.map((s) =>
        isObject(s)
          ? applyRules(s, [
              ["value", confFloat],
              ["color", omitEmpty],
              ["state", omitEmpty],
            ])
          : s,
      )
    : t.steps;
  return applyRules({ ...t, steps }, [
    ["mode", keep],
    ["steps", keep],
  ]);
}

function canonicalTypeConfig(t: Obj): Obj {
  return applyRules(t, [
    [
      "enum",
      (v) =>
        isObject(v)
          ? applyRules(v, [
              ["text", (x) => x ?? []],
              ["color", omitEmpty],
              ["icon", omitEmpty],
              ["description", omitEmpty],
            ])
          : v,
    ],
  ]);
}

function applyRules(source: Obj, rules: ReadonlyArray<readonly [string, Rule]>): Obj {
  const out: Obj = {};
  for (const [key, rule] of rules) {
    const value = rule(source[key]);
    if (value !== undefined) out[key] = value;
  }
  // A scan per key, not a Set of the rule keys per call: configs have a few keys, and this runs
  // for every field of every encoded frame.
  for (const key of Object.keys(source)) {
    if (source[key] !== undefined && !rules.some(([known]) => known === key)) {
      out[key] = source[key];
    }
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RawJSON);
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const key of Object.keys(v).sort()) out[key] = sortKeysDeep(v[key]);
  return out;
}
