/**
 * Macro expansion in a raw query text, as Grafana's SQL data sources and the Go SDK
 * (data/sqlutil `Interpolate`, experimental/macros) do it: `$__name` or `$__name(args)`, and the
 * braced global-variable form `${__name}` / `${__name:format}`. The table is user-extensible: pass
 * your own macros and they are merged over {@link DEFAULT_MACROS} (same name: yours wins).
 *
 * One left-to-right pass: a macro's output is never expanded again, a name matches only whole
 * (`$__interval_ms` is never `$__interval` followed by "_ms"), and `$__name` that is not in the
 * table is left as written (or rejected with `unknownMacros: "error"`). Every error is a
 * MacroError naming the macro and its character position.
 */
import type { FillMissing } from "../frames/index.js";
import { MacroError } from "./errors.js";
import type { QueryTimeRange } from "./interval.js";
import { parseMacroArguments } from "./macro-arguments.js";
import { DEFAULT_MACROS } from "./default-macros.js";

/** What `$__timeGroup(col, 5m, previous)` asks for: fill gaps every `intervalMs` in this mode. */
export type MacroFill = FillMissing & { intervalMs: number };

export interface MacroContext {
  timeRange: QueryTimeRange;
  /** The query's interval in ms (`$__interval`). */
  intervalMs: number;
  /** The current time in ms, for calendar intervals such as `1M` (default Date.now()). */
  nowMs: number;
  /** Values for `$__table` and `$__column` (sqlutil's Query.Table / Query.Column). */
  table: string;
  column: string;
  /** The macro as written (`$__timeGroup`, `${__from}`) and where it starts in the text. */
  macro: string;
  position: number;
  /** Throws a MacroError naming this macro and position. */
  fail(problem: string): never;
  /** Records a fill request; interpolateMacros returns it as `fill`. */
  setFill(fill: MacroFill): void;
}

/** A macro: its arguments (trimmed; none without parentheses) → the text to put in its place. */
export type MacroFunction = (args: string[], context: MacroContext) => string;

export type MacroTable = Readonly<Record<string, MacroFunction>>;

export interface InterpolateOptions {
  timeRange: QueryTimeRange;
  /** The query's interval in ms (the SDK's `query.intervalMS`, or calculateInterval's `ms`). */
  intervalMs: number;
  /** Macros to add or override, by name without `$__` (e.g. `{ timeBucket: … }`). */
  macros?: MacroTable;
  /** "keep" (default): leave `$__unknown` as written; "error": throw a MacroError. */
  unknownMacros?: "keep" | "error";
  nowMs?: number;
  table?: string;
  column?: string;
}

export interface Interpolated {
  text: string;
  /** Set when a macro (e.g. `$__timeGroup` with a fill argument) asked for gaps to be filled. */
  fill?: MacroFill;
}

const NAME = /[A-Za-z0-9_]/;

/** `text` with every macro expanded; throws MacroError for a macro used wrongly. */
export function interpolateMacros(text: string, options: InterpolateOptions): Interpolated {
  const table: MacroTable = { ...DEFAULT_MACROS, ...options.macros };
  const base = {
    timeRange: options.timeRange,
    intervalMs: options.intervalMs,
    nowMs: options.nowMs ?? Date.now(),
    table: options.table ?? "",
    column: options.column ?? "",
  };
  let fill: MacroFill | undefined;
  let out = "";
  let copied = 0;
  for (let i = text.indexOf("$"); i >= 0; i = text.indexOf("$", i + 1)) {
    if (i < copied) continue;
    const found = findMacro(text, i);
    if (!found) continue;
    const fn = Object.hasOwn(table, found.name) ? table[found.name] : undefined;
    if (!fn) {
      if (options.unknownMacros === "error") {
        throw new MacroError(found.written, i, "unknown macro");
      }
      continue;
    }
    const written = found.written;
    const fail = (problem: string): never => {
      throw new MacroError(written, i, problem);
    };
    let args = found.args;
    let end = found.end;
    if (!args && text[end] === "(") {
      const parsed = parseMacroArguments(text, end);
      if (!parsed.ok) {
        throw new MacroError(written, i, `${parsed.problem} (character ${parsed.at + 1})`);
      }
      args = parsed.args;
      end = parsed.end;
    }
    const context: MacroContext = {
      ...base,
      macro: written,
      position: i,
      fail,
      setFill: (f) => void (fill = f),
    };
    out += text.slice(copied, i) + fn(args ?? [], context);
    copied = end;
  }
  out += text.slice(copied);
  return fill ? { text: out, fill } : { text: out };
}

interface FoundMacro {
  name: string;
  written: string;
  end: number;
  /** Set for the braced form, whose format (after ":") is the one argument. */
  args?: string[];
}

/** The macro starting at `$` index `i`, if one does: `$__name` or `${__name[:format]}`. */
function findMacro(text: string, i: number): FoundMacro | undefined {
  if (text.startsWith("$__", i)) {
    let end = i + 3;
    while (end < text.length && NAME.test(text[end])) end++;
    if (end === i + 3) return undefined;
    return { name: text.slice(i + 3, end), written: text.slice(i, end), end };
  }
  if (text.startsWith("${__", i)) {
    const close = text.indexOf("}", i);
    if (close < 0) return undefined;
    const inner = text.slice(i + 4, close);
    const colon = inner.indexOf(":");
    const name = colon < 0 ? inner : inner.slice(0, colon);
    if (!/^[A-Za-z0-9_]+$/.test(name)) return undefined;
    const args = colon < 0 ? [] : [inner.slice(colon + 1)];
    return { name, written: `\${__${name}}`, end: close + 1, args };
  }
  return undefined;
}
