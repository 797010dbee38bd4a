// Macro expansion in raw query texts: the Go SDK's default macros (sqlutil, experimental/macros)
// with the same output for the same query (checked against the Go code), Grafana's SQL group and
// epoch macros, user macros, argument lists with nested parentheses and quotes, and errors that
// name the macro and its position.

import { describe, expect, it } from "vitest";
import {
  interpolateMacros,
  MacroError,
  parseMacroArguments,
  type InterpolateOptions,
} from "../runtime/query/index.js";

// 2023-11-14T22:13:20Z to 2023-11-14T23:13:20.500Z, one-minute interval.
const base: InterpolateOptions = {
  timeRange: { fromMs: 1_700_000_000_000, toMs: 1_700_003_600_500 },
  intervalMs: 60_000,
  nowMs: Date.UTC(2024, 0, 31),
};
const expand = (text: string, options: Partial<InterpolateOptions> = {}): string =>
  interpolateMacros(text, { ...base, ...options }).text;

describe("default macros", () => {
  it.each([
    ["$__interval", "1m"],
    ["$__interval_ms", "60000"],
    ["$__timeFilter(time)", "time >= '2023-11-14T22:13:20Z' AND time <= '2023-11-14T23:13:20Z'"],
    [
      "$__timeFilter( created_at )",
      "created_at >= '2023-11-14T22:13:20Z' AND created_at <= '2023-11-14T23:13:20Z'",
    ],
    [
      "$__timeFrom(t) OR $__timeTo(t)",
      "t >= '2023-11-14T22:13:20Z' OR t <= '2023-11-14T23:13:20Z'",
    ],
    ["$__from..$__to", "1700000000000..1700003600500"],
    ["${__from}", "1700000000000"],
    ["${__to:date}", "2023-11-14T23:13:20.5Z"],
    ["${__from:date:iso}", "2023-11-14T22:13:20Z"],
    ["${__from:date:YYYY-MM-DD HH:mm:ss}", "2023-11-14 22:13:20"],
    ["${__from:date:MMMM D, YYYY hh:mm A}", "November 14, 2023 10:13 PM"],
    ["${__to:date:seconds}", "1700003600"],
    ["$__unixEpochFilter(ts)", "ts >= 1700000000 AND ts <= 1700003600"],
    ["$__unixEpochFrom() $__unixEpochTo()", "1700000000 1700003600"],
    ["$__unixEpochNanoFilter(ts)", "ts >= 1700000000000000000 AND ts <= 1700003600500000000"],
    ["$__timeGroup(time, 5m)", "floor(extract(epoch from time)/300)*300"],
    ["$__timeGroup(time, '1h')", "floor(extract(epoch from time)/3600)*3600"],
    ["$__timeGroup(time, 500ms)", "floor(extract(epoch from time)/0.5)*0.5"],
    ["$__timeGroup(time, 12d)", "floor(extract(epoch from time)/1.0368e+06)*1.0368e+06"], // Go's %v
    ["$__timeGroup(time, $__interval)", "floor(extract(epoch from time)/60)*60"],
    ["$__unixEpochGroup(ts, 1h)", "floor((ts)/3600)*3600"],
  ])("%s → %s", (text, expected) => {
    expect(expand(text)).toBe(expected);
  });

  it("formats the interval as Grafana does, however small or large", () => {
    expect(expand("$__interval $__interval_ms", { intervalMs: 0.5 })).toBe("1ms 0");
    expect(expand("$__interval", { intervalMs: 400 * 86_400_000 })).toBe("1y");
    expect(expand("$__interval", { intervalMs: 86_400_000 })).toBe("1d");
  });

  it("expands $__table and $__column from the options", () => {
    expect(expand("SELECT $__column FROM $__table", { table: "metrics", column: "cpu" })).toBe(
      "SELECT cpu FROM metrics",
    );
  });

  it("a calendar interval in a group macro is counted from now, as gtime.ParseInterval does", () => {
    // From 31 Jan 2024, 1M reaches 2 Mar: 31 days.
    expect(expand("$__timeGroup(t, 1M)")).toBe(
      "floor(extract(epoch from t)/2.6784e+06)*2.6784e+06",
    );
  });
});

describe("fill argument of the group macros", () => {
  it.each([
    ["NULL", { mode: "null" }],
    ["previous", { mode: "previous" }],
    ["0", { mode: "value", value: 0 }],
    ["-1.5", { mode: "value", value: -1.5 }],
  ])("%s", (fill, expected) => {
    const result = interpolateMacros(`$__timeGroup(time, 5m, ${fill})`, base);
    expect(result.fill).toEqual({ ...expected, intervalMs: 300_000 });
  });

  it("is absent without a fill argument", () => {
    expect(interpolateMacros("$__timeGroup(time, 5m)", base).fill).toBeUndefined();
  });
});

describe("matching", () => {
  it("matches whole names only, leaves unknown macros, and never expands a macro's output", () => {
    expect(expand("$__interval_ms/$__interval")).toBe("60000/1m");
    expect(expand("$__intervalX $__interval")).toBe("$__intervalX 1m"); // the Go SDK writes "1mX 1m"
    expect(expand("$__unknown(1) $ $_ $__")).toBe("$__unknown(1) $ $_ $__");
    expect(expand("$__echo", { macros: { echo: () => "$__interval" } })).toBe("$__interval");
  });

  it("expands the same macro at each place with its own arguments", () => {
    expect(expand("$__timeFrom(a) AND $__timeFrom(b)")).toBe(
      "a >= '2023-11-14T22:13:20Z' AND b >= '2023-11-14T22:13:20Z'",
    );
  });

  it('rejects unknown macros with unknownMacros: "error"', () => {
    expect(() => expand("SELECT $__nope(1)", { unknownMacros: "error" })).toThrow(
      new MacroError("$__nope", 7, "unknown macro"),
    );
  });
});

describe("user macros", () => {
  it("are added to the table and override defaults of the same name", () => {
    const text = "SELECT $__timeGroup(t, 5m), $__bucket(t) FROM x WHERE $__timeFilter(t)";
    const result = expand(text, {
      macros: {
        timeGroup: (args, ctx) => `FLOOR(UNIX_TIMESTAMP(${args[0]}) / ${ctx.intervalMs / 1000})`,
        bucket: ([col], ctx) => `time_bucket('${ctx.intervalMs}ms', ${col})`,
      },
    });
    expect(result).toBe(
      "SELECT FLOOR(UNIX_TIMESTAMP(t) / 60), time_bucket('60000ms', t) FROM x WHERE t >= '2023-11-14T22:13:20Z' AND t <= '2023-11-14T23:13:20Z'",
    );
  });

  it("receive arguments split at top-level commas only", () => {
    const seen: string[][] = [];
    const macros = { args: (args: string[]) => (seen.push(args), "") };
    expand("$__args(coalesce(a, b), 'x, y', \"c)\", `d,(`, 'it''s, ok')", { macros });
    expand("$__args() $__args( ) $__args $__args(a,)", { macros });
    expect(seen).toEqual([
      ["coalesce(a, b)", "'x, y'", '"c)"', "`d,(`", "'it''s, ok'"],
      [],
      [],
      [],
      ["a", ""],
    ]);
  });

  it("report problems through ctx.fail, with the macro and its position", () => {
    const macros = {
      strict: (_: string[], ctx: { fail(p: string): never }) => ctx.fail("always fails"),
    };
    expect(() => expand("ab $__strict", { macros })).toThrow(
      "macro $__strict at character 4: always fails",
    );
  });
});

describe("errors", () => {
  it.each([
    [
      "WHERE $__timeFilter",
      "macro $__timeFilter at character 7: unexpected number of arguments: expected 1 argument, received 0",
    ],
    [
      "WHERE $__timeFilter(a, b)",
      "macro $__timeFilter at character 7: unexpected number of arguments: expected 1 argument, received 2",
    ],
    [
      "$__timeFilter(time",
      'macro $__timeFilter at character 1: missing ")" to close the argument list (character 14)',
    ],
    [
      "x $__timeFilter(f(time",
      'macro $__timeFilter at character 3: missing ")" to close a parenthesis inside the arguments (character 18)',
    ],
    [
      "$__timeFilter('time)",
      "macro $__timeFilter at character 1: the quote ' opened here is never closed (character 15)",
    ],
    [
      "$__timeGroup(time)",
      "macro $__timeGroup at character 1: needs a time column, an interval and optionally a fill value (received 1 arguments)",
    ],
    [
      "$__timeGroup(time, soon)",
      'macro $__timeGroup at character 1: error parsing interval soon: time: invalid duration "soon"',
    ],
    ["$__timeGroup(time, 0s)", "macro $__timeGroup at character 1: interval 0s must be positive"],
    [
      "$__timeGroup(time, 1m, zero)",
      "macro $__timeGroup at character 1: error parsing fill value zero: use NULL, previous or a number",
    ],
    [
      "${__from:epoch}",
      'macro ${__from} at character 1: unknown format "epoch": use date, date:iso, date:seconds or date:<pattern>',
    ],
  ])("%s", (text, message) => {
    let error: unknown;
    try {
      expand(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MacroError);
    expect((error as Error).message).toBe(message);
  });

  it("MacroError carries the macro and position", () => {
    try {
      expand("SELECT 1 WHERE $__timeFilter()");
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ name: "MacroError", macro: "$__timeFilter", position: 15 });
    }
  });
});

describe("parseMacroArguments", () => {
  it("returns where the list ends", () => {
    expect(parseMacroArguments("f(a, (b)) rest", 1)).toEqual({
      ok: true,
      args: ["a", "(b)"],
      end: 9,
    });
  });
});
