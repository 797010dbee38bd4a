// Long ↔ wide conversions: the fast longToWide against a literal, row-by-row transcription of the
// Go SDK's LongToWide (longRowProcessor, GetMissing, SortWideFrameFields) on random inputs with
// every fill mode, nulls, duplicates, 64-bit and narrow integer values; the time-series schema;
// wideToLong; and the errors, with the Go SDK's texts, for inputs the conversions refuse.

import { describe, expect, it } from "vitest";
import {
  boolField,
  Field,
  fillValueFor,
  float32Field,
  float64Field,
  FrameShapeError,
  frameToJSON,
  int64Field,
  int8Field,
  longToWide,
  newField,
  newFrame,
  stringField,
  TIME_SERIES_ERRORS,
  TimeSeriesError,
  timeField,
  timeSeriesSchema,
  uint64Field,
  wideToLong,
  type FieldType,
  type FillMissing,
  type Frame,
  type Labels,
} from "../runtime/frames/index.js";
import { mulberry32 } from "../examples/timeseries-datasource/src/series.js";

/** The Go algorithm, one row at a time, on plain arrays (the test's statement of the contract). */
function referenceLongToWide(long: Frame, fill?: FillMissing): Frame {
  const schema = timeSeriesSchema(long);
  const rows = long.rowCount();
  const timeAt = (r: number): bigint => long.fields[schema.timeIndex].get(r) as bigint;
  type Col = { name: string; type: FieldType; nullable: boolean; labels: Labels; cells: unknown[] };
  const zero = (c: Col): unknown =>
    c.nullable
      ? null
      : (({ int64: 0n, uint64: 0n, time: 0n, bool: false } as Record<string, unknown>)[c.type] ??
        0);
  const getMissing = (c: Col, prev: number): { ok: boolean; v?: unknown } => {
    if (!fill) return { ok: false };
    if (fill.mode === "null") return { ok: true, v: null };
    if (fill.mode === "previous") return { ok: true, v: prev >= 0 ? c.cells[prev] : null };
    const v = fillValueFor(c.type, fill.value);
    return v === undefined
      ? { ok: false }
      : { ok: true, v: c.type === "float32" ? Math.fround(v as number) : v };
  };
  const times: bigint[] = [timeAt(0)];
  const cols: Col[] = [];
  const index = new Map<string, number[]>();
  let last = timeAt(0);
  let counter = 0;
  for (let r = 0; r < rows; r++) {
    const cur = timeAt(r);
    if (cur > last) {
      counter++;
      last = cur;
      times.push(cur);
      for (const c of cols) {
        c.cells.push(zero(c));
        const m = getMissing(c, counter - 1);
        if (m.ok) c.cells[counter] = m.v;
      }
    }
    if (cur < last) throw new Error("unsorted");
    const labels: Labels = {};
    const key = schema.factorIndices
      .map((i) => {
        const f = long.fields[i];
        const v = f.get(r);
        const text = f.type === "bool" ? String(v ?? false) : ((v as string | null) ?? "");
        labels[f.name] = text;
        return JSON.stringify([i, text]);
      })
      .join();
    if (!index.has(key)) {
      index.set(
        key,
        schema.valueIndices.map((v) => {
          const f = long.fields[v];
          const c: Col = {
            name: f.name,
            type: f.type,
            nullable: f.nullable || (fill !== undefined && fill.mode !== "value"),
            labels: { ...labels },
            cells: [],
          };
          for (let i = 0; i <= counter; i++) c.cells.push(zero(c));
          const m = getMissing(c, counter - 1);
          if (m.ok) for (let i = 0; i < counter; i++) c.cells[i] = m.v;
          cols.push(c);
          return cols.length - 1;
        }),
      );
    }
    index
      .get(key)!
      .forEach((ci, j) => (cols[ci].cells[counter] = long.fields[schema.valueIndices[j]].get(r)));
  }
  const keys = schema.factorIndices.map((i) => long.fields[i].name);
  const ordered = [cols[cols.length - 1], ...cols.slice(0, -1)]; // Go's swap with the time field
  ordered.sort((a, b) => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    for (const k of keys)
      if (a.labels[k] !== b.labels[k]) return a.labels[k] < b.labels[k] ? -1 : 1;
    return 0;
  });
  return newFrame(
    { name: long.name, meta: { ...long.meta, type: "timeseries-wide", typeVersion: [0, 1] } },
    newField(long.fields[schema.timeIndex].name, "time", BigInt64Array.from(times)),
    ...ordered.map((c) => {
      const f = newField(c.name, c.type, c.cells as never, {
        nullable: c.nullable,
        labels: c.labels,
      });
      return f;
    }),
  );
}

function randomLong(seed: number, rows: number): Frame {
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const times: bigint[] = [];
  let t = 1_700_000_000_000_000_000n;
  for (let r = 0; r < rows; r++) {
    if (random() < 0.4) t += BigInt(1 + Math.floor(random() * 5)) * 1_000_000_000n;
    times.push(t);
  }
  const maybeNull = <T>(v: T): T | null => (random() < 0.15 ? null : v);
  return newFrame(
    "random",
    timeField("time", BigInt64Array.from(times)),
    stringField(
      "host",
      Array.from({ length: rows }, () => maybeNull(pick(["a", "b", "c", "d"]))),
    ),
    float64Field(
      "cpu",
      Array.from({ length: rows }, () => Math.round(random() * 1000) / 10),
    ),
    int64Field(
      "bytes",
      Array.from({ length: rows }, () => maybeNull(BigInt(Math.floor(random() * 2 ** 40)) * 4097n)),
    ),
    boolField(
      "up",
      Array.from({ length: rows }, () => random() < 0.5),
    ),
    int8Field(
      "code",
      Array.from({ length: rows }, () => Math.floor(random() * 200) - 100),
    ),
    uint64Field(
      "id",
      Array.from({ length: rows }, () => 2n ** 63n + BigInt(Math.floor(random() * 1000))),
    ),
    float32Field(
      "ratio",
      Array.from({ length: rows }, () => maybeNull(Math.fround(random()))),
    ),
    timeField(
      "seen",
      Array.from({ length: rows }, () => 1_700_000_000_000 + Math.floor(random() * 1e6)),
    ),
  );
}

describe("longToWide matches the Go algorithm", () => {
  const fills: Array<FillMissing | undefined> = [
    undefined,
    { mode: "null" },
    { mode: "previous" },
    { mode: "value", value: -3.7 },
    { mode: "value", value: 300 }, // wraps in int8 as Go's int8(300) does: 44
  ];
  for (const seed of [1, 2, 3, 4]) {
    for (const fill of fills) {
      it(`seed ${seed}, fill ${JSON.stringify(fill)}`, () => {
        const long = randomLong(seed, 60 + seed * 37);
        expect(frameToJSON(longToWide(long, fill), { pretty: true })).toBe(
          frameToJSON(referenceLongToWide(long, fill), { pretty: true }),
        );
      });
    }
  }

  it("fills int8 with Go's wrapping conversion", () => {
    expect(fillValueFor("int8", 300)).toBe(44);
    expect(fillValueFor("uint8", -1.5)).toBe(255);
    expect(fillValueFor("uint64", -1)).toBe(2n ** 64n - 1n);
    expect(fillValueFor("string", 1)).toBeUndefined();
    const long = newFrame(
      "",
      timeField("time", [0, 0, 1000]),
      stringField("k", ["a", "b", "b"]),
      int8Field("v", [1, 2, 3]),
    );
    const wide = longToWide(long, { mode: "value", value: 300 });
    expect(wide.fields[1].get(1)).toBe(44);
  });

  it("leaves the input frame and its meta untouched", () => {
    const long = newFrame(
      { name: "x", meta: { executedQueryString: "q" } },
      timeField("t", [0]),
      stringField("k", ["a"]),
      float64Field("v", [1]),
    );
    const before = frameToJSON(long);
    longToWide(long, { mode: "previous" });
    expect(frameToJSON(long)).toBe(before);
    expect(long.meta).toEqual({ executedQueryString: "q" });
  });
});

describe("timeSeriesSchema (Frame.TimeSeriesSchema)", () => {
  it("takes the first time field as the index, strings and bools as factors, the rest as values", () => {
    const frame = newFrame(
      "",
      float64Field("v", [1]),
      timeField("t", [0], { nullable: true }),
      stringField("s", ["a"]),
      timeField("t2", [0]),
      boolField("b", [true]),
    );
    expect(timeSeriesSchema(frame)).toEqual({
      type: "long",
      timeIndex: 1,
      timeIsNullable: true,
      valueIndices: [0, 3],
      factorIndices: [2, 4],
    });
  });

  it.each([
    ["no fields", newFrame("x"), "not"],
    ["no time", newFrame("x", float64Field("v", [1])), "not"],
    ["no value", newFrame("x", timeField("t", [0]), stringField("s", ["a"])), "not"],
    ["time and value", newFrame("x", timeField("t", [0]), float64Field("v", [1])), "wide"],
  ])("%s → %s", (_, frame, type) => {
    expect(timeSeriesSchema(frame).type).toBe(type);
  });
});

describe("what the conversions refuse, in the Go SDK's words", () => {
  const long = (times: Array<number | null>): Frame =>
    newFrame(
      "",
      timeField("t", times),
      stringField(
        "k",
        times.map(() => "a"),
      ),
      float64Field(
        "v",
        times.map(() => 1),
      ),
    );

  it.each([
    [
      "a wide frame",
      () => longToWide(newFrame("", timeField("t", [0]), float64Field("v", [1]))),
      TIME_SERIES_ERRORS.notLong("wide"),
    ],
    [
      "a frame without time",
      () => longToWide(newFrame("", stringField("k", ["a"]))),
      TIME_SERIES_ERRORS.notLong("not"),
    ],
    ["no rows", () => longToWide(long([])), TIME_SERIES_ERRORS.noRowsWide],
    ["unsorted times", () => longToWide(long([0, 2000, 1000])), TIME_SERIES_ERRORS.unsorted],
    ["null times", () => longToWide(long([0, null])), TIME_SERIES_ERRORS.nullTimeValues],
    ["a long frame", () => wideToLong(long([0])), TIME_SERIES_ERRORS.notWide("long")],
    [
      "no rows (wide)",
      () => wideToLong(newFrame("", timeField("t", []), float64Field("v", []))),
      TIME_SERIES_ERRORS.noRowsLong,
    ],
    [
      "null times (wide)",
      () => wideToLong(newFrame("", timeField("t", [null]), float64Field("v", [1]))),
      TIME_SERIES_ERRORS.wideTimeNull,
    ],
  ])("%s", (_, run, message) => {
    expect(run).toThrow(new TimeSeriesError(message));
  });

  it("quotes the Go texts", () => {
    expect(TIME_SERIES_ERRORS.notLong("wide")).toBe(
      "can not convert to wide series, expected long format series input but got wide series",
    );
    expect(TIME_SERIES_ERRORS.unsorted).toMatch(
      /^unable to process the data because it is not sorted in ascending order by time/,
    );
  });

  it("names both types when two wide fields share a name", () => {
    const wide = newFrame(
      "",
      timeField("t", [0]),
      float64Field("v", [1], { labels: { a: "1" } }),
      float64Field("v", [null], { labels: { a: "2" } }),
    );
    expect(() => wideToLong(wide)).toThrow(
      "two fields in input frame may not have the same name but different types, field name v has type []float64 but also type []*float64 and field idx 2",
    );
  });

  it("rejects factor fields with the same name, and fields of different lengths", () => {
    const twice = newFrame(
      "",
      timeField("t", [0]),
      stringField("k", ["a"]),
      stringField("k", ["b"]),
      float64Field("v", [1]),
    );
    expect(() => longToWide(twice)).toThrow(/duplicate key 'k' in labels/);
    const ragged = long([0, 1000]);
    ragged.fields[2].append(3);
    expect(() => longToWide(ragged)).toThrow(FrameShapeError);
    expect(() => longToWide(ragged)).toThrow(
      /fields of different lengths: "t" has 2, "k" has 2, "v" has 3/,
    );
  });
});

describe("wideToLong", () => {
  it("keeps nullable values nullable and carries nulls", () => {
    const wide = newFrame(
      "",
      timeField("t", [0, 1000]),
      float64Field("v", [1, null], { labels: { h: "a" } }),
      float64Field("v", [null, 4], { labels: { h: "b" } }),
    );
    const long = wideToLong(wide);
    expect(long.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ["t", "time", false],
      ["v", "float64", true],
      ["h", "string", false],
    ]);
    expect([0, 1, 2, 3].map((r) => long.fields[1].get(r))).toEqual([1, null, null, 4]);
    expect(long.fields[2].values).toEqual(["a", "b", "a", "b"]);
  });

  it("round-trips a wide frame through long and back", () => {
    const wide = newFrame(
      { name: "w", meta: { type: "timeseries-wide", typeVersion: [0, 1] } },
      timeField("time", [0, 1000, 2000]),
      float64Field("cpu", [1, 2, 3], { labels: { host: "a" } }),
      float64Field("cpu", [4, 5, 6], { labels: { host: "b" } }),
    );
    expect(frameToJSON(longToWide(wideToLong(wide)))).toBe(frameToJSON(wide));
  });

  it("converts a 1-row frame and a frame whose value fields have no labels", () => {
    const wide = newFrame(
      "",
      timeField("t", [5]),
      float64Field("a", [1]),
      new Field("b", "int64", new BigInt64Array([2n])),
    );
    const long = wideToLong(wide);
    expect(long.fields.map((f) => f.name)).toEqual(["t", "a", "b"]);
    expect(long.rowCount()).toBe(1);
  });
});
