/**
 * The macros every query text gets, from the Go SDK (data/sqlutil DefaultMacros,
 * experimental/macros) and Grafana's SQL data sources where the SDK has none:
 *
 * | macro | expands to |
 * |---|---|
 * | `$__interval`, `$__interval_ms` | the query interval as Grafana writes it (`1m`), or in ms |
 * | `$__from`, `$__to`, `${__from}`, `${__to:date:iso}`, `${__from:date:YYYY-MM}`, `${__to:date:seconds}` | the range ends: epoch ms, or formatted |
 * | `$__timeFilter(col)` | `col >= '<from RFC 3339>' AND col <= '<to RFC 3339>'` |
 * | `$__timeFrom(col)`, `$__timeTo(col)` | one half of it |
 * | `$__timeGroup(col, 5m[, fill])` | `floor(extract(epoch from col)/300)*300` (PostgreSQL) |
 * | `$__unixEpochFilter(col)`, `$__unixEpochFrom()`, `$__unixEpochTo()` | epoch seconds |
 * | `$__unixEpochNanoFilter(col)`, `$__unixEpochNanoFrom()`, `$__unixEpochNanoTo()` | epoch nanoseconds |
 * | `$__unixEpochGroup(col, 5m[, fill])` | `floor((col)/300)*300` for epoch-second columns |
 * | `$__table`, `$__column` | the values given to interpolateMacros |
 *
 * SQL dialects differ in time bucketing; override `timeGroup` for yours. The fill argument of the
 * group macros is NULL, previous or a number, as in Grafana, and comes back as `fill`.
 */
import { parseInterval, parseIntervalText, formatInterval } from "./duration.js";
import type { MacroContext, MacroFunction, MacroTable } from "./macros.js";
import { formatPattern, goFloat, isoMillis, rfc3339 } from "./time-format.js";

function expectArgs(args: string[], count: number, ctx: MacroContext): void {
  if (args.length !== count) {
    const noun = count === 1 ? "argument" : "arguments";
    ctx.fail(`unexpected number of arguments: expected ${count} ${noun}, received ${args.length}`);
  }
}

/** A column filter between the range ends, each end formatted by `end`. */
function filter(end: (ms: number) => string): MacroFunction {
  return (args, ctx) => {
    expectArgs(args, 1, ctx);
    const [col] = args;
    return `${col} >= ${end(ctx.timeRange.fromMs)} AND ${col} <= ${end(ctx.timeRange.toMs)}`;
  };
}

/** A range end with no argument, or with a `date[:format]` format (the braced global form). */
function rangeEnd(which: "fromMs" | "toMs"): MacroFunction {
  return (args, ctx) => {
    const ms = ctx.timeRange[which];
    const format = args.join(",");
    if (format === "") return String(ms);
    if (format === "date" || format === "date:iso" || format === "iso") return isoMillis(ms);
    if (format === "date:seconds") return String(Math.floor(ms / 1000));
    if (format.startsWith("date:")) return formatPattern(ms, format.slice(5));
    return ctx.fail(
      `unknown format ${JSON.stringify(format)}: use date, date:iso, date:seconds or date:<pattern>`,
    );
  };
}

/** The bucket width of a group macro's second argument, in seconds; records the fill argument. */
function groupSeconds(args: string[], ctx: MacroContext): number {
  if (args.length < 2 || args.length > 3) {
    ctx.fail(
      `needs a time column, an interval and optionally a fill value (received ${args.length} arguments)`,
    );
  }
  const text = args[1].replace(/^'+|'+$/g, "");
  let ms: number;
  try {
    ms = text.includes("$")
      ? parseIntervalText(text, { intervalMs: ctx.intervalMs })
      : parseInterval(text, ctx.nowMs);
  } catch (err) {
    return ctx.fail(`error parsing interval ${args[1]}: ${(err as Error).message}`);
  }
  if (!(ms > 0)) ctx.fail(`interval ${args[1]} must be positive`);
  if (args.length === 3) ctx.setFill({ ...fillMode(args[2], ctx), intervalMs: ms });
  return ms / 1000;
}

function fillMode(
  text: string,
  ctx: MacroContext,
): { mode: "null" } | { mode: "previous" } | { mode: "value"; value: number } {
  if (text === "NULL") return { mode: "null" };
  if (text === "previous") return { mode: "previous" };
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) {
    return ctx.fail(`error parsing fill value ${text}: use NULL, previous or a number`);
  }
  return { mode: "value", value };
}

const nanos = (ms: number): string => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const seconds = (ms: number): string => String(Math.floor(ms / 1000));

export const DEFAULT_MACROS: MacroTable = {
  interval: (_args, ctx) => formatInterval(ctx.intervalMs),
  interval_ms: (_args, ctx) => String(Math.trunc(ctx.intervalMs)),
  from: rangeEnd("fromMs"),
  to: rangeEnd("toMs"),
  timeFilter: filter((ms) => `'${rfc3339(ms)}'`),
  timeFrom: (args, ctx) => {
    expectArgs(args, 1, ctx);
    return `${args[0]} >= '${rfc3339(ctx.timeRange.fromMs)}'`;
  },
  timeTo: (args, ctx) => {
    expectArgs(args, 1, ctx);
    return `${args[0]} <= '${rfc3339(ctx.timeRange.toMs)}'`;
  },
  timeGroup: (args, ctx) => {
    const s = goFloat(groupSeconds(args, ctx));
    return `floor(extract(epoch from ${args[0]})/${s})*${s}`;
  },
  unixEpochFilter: filter(seconds),
  unixEpochFrom: (_args, ctx) => seconds(ctx.timeRange.fromMs),
  unixEpochTo: (_args, ctx) => seconds(ctx.timeRange.toMs),
  unixEpochNanoFilter: filter(nanos),
  unixEpochNanoFrom: (_args, ctx) => nanos(ctx.timeRange.fromMs),
  unixEpochNanoTo: (_args, ctx) => nanos(ctx.timeRange.toMs),
  unixEpochGroup: (args, ctx) => {
    const s = goFloat(groupSeconds(args, ctx));
    return `floor((${args[0]})/${s})*${s}`;
  },
  table: (_args, ctx) => ctx.table,
  column: (_args, ctx) => ctx.column,
};
