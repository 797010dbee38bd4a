// Row editing (set, insert, delete, filter, copies) with nulls and typed-array storage; labels to
// and from text as the Go SDK reads and writes them, and their fingerprint; frames from rows and
// from plain objects, typed, with nullable columns and the SQL row-limit notice; resampling errors.

import { describe, expect, it } from "vitest";
import {
  deleteRow,
  emptyCopy,
  filterRows,
  filterRowsByField,
  float64Field,
  frameFromObjects,
  frameFromRows,
  FrameShapeError,
  frameToJSON,
  insertRow,
  int64Field,
  labelsContain,
  labelsEqual,
  labelsFingerprint,
  labelsFromString,
  labelsToString,
  newFrame,
  resampleWideFrame,
  rowCopy,
  setRow,
  stringField,
  timeField,
  TimeSeriesError,
  type Frame,
} from "../runtime/frames/index.js";

function sample(): Frame {
  return newFrame(
    { name: "s", refId: "A", meta: { executedQueryString: "q" } },
    timeField("t", [0, 1000, 2000]),
    float64Field("v", [1, null, 3], { config: { unit: "ms" }, labels: { h: "a" } }),
    int64Field("n", [10n, 20n, 30n]),
    stringField("s", ["x", "y", "z"]),
  );
}

const rows = (f: Frame): unknown[][] =>
  Array.from({ length: f.rowCount() }, (_, r) => rowCopy(f, r));

describe("row editing", () => {
  it("sets, inserts (at the start, middle and end) and deletes rows, nulls included", () => {
    const f = sample();
    setRow(f, 1, 1500, 2, 21n, "Y");
    insertRow(f, 0, -1000, null, 0n, "w");
    insertRow(f, 2, 1200, 1.5, 15n, "m");
    insertRow(f, f.rowCount(), 3000, 4, 40n, "end");
    deleteRow(f, 4);
    expect(rows(f)).toEqual([
      [-1_000_000_000n, null, 0n, "w"],
      [0n, 1, 10n, "x"],
      [1_200_000_000n, 1.5, 15n, "m"],
      [1_500_000_000n, 2, 21n, "Y"],
      [3_000_000_000n, 4, 40n, "end"],
    ]);
    expect(f.fields[1].nullCount).toBe(1);
  });

  it("makes a null in a field that had none without touching the other rows", () => {
    const f = newFrame("", float64Field("v", [1, 2, 3, 4], { nullable: true }));
    setRow(f, 1, null);
    expect(rows(f)).toEqual([[1], [null], [3], [4]]);
    deleteRow(f, 0);
    expect(rows(f)).toEqual([[null], [3], [4]]);
    const g = newFrame("", float64Field("v", new Float64Array([1, 2]), { nullable: true }));
    insertRow(g, 1, null);
    insertRow(g, 3, 9);
    expect(rows(g)).toEqual([[1], [null], [2], [9]]);
  });

  it("checks the whole row before changing anything", () => {
    const f = sample();
    const before = frameToJSON(f);
    expect(() => setRow(f, 0, 0, 1, 1n)).toThrow('frame "s" has 4 fields but the row has 3 values');
    expect(() => setRow(f, 0, 0, 1, null, "a")).toThrow(
      'field "n" (int64) is not nullable but got null at row 0',
    );
    expect(() => insertRow(f, 1, 0, "1", 1n, "a")).toThrow(FrameShapeError);
    expect(() => setRow(f, 3, 0, 1, 1n, "a")).toThrow(
      'row 3 is out of range for frame "s" with 3 rows',
    );
    expect(() => insertRow(f, 4, 0, 1, 1n, "a")).toThrow(RangeError);
    expect(() => deleteRow(f, -1)).toThrow(RangeError);
    expect(frameToJSON(f)).toBe(before);
  });

  it("filters into a new frame with name, refId and labels but no meta or config (Go's EmptyCopy)", () => {
    const f = sample();
    const kept = filterRowsByField(f, "v", (v) => v !== null);
    expect(rows(kept)).toEqual([
      [0n, 1, 10n, "x"],
      [2_000_000_000n, 3, 30n, "z"],
    ]);
    expect(kept.refId).toBe("A");
    expect(kept.meta).toBeUndefined();
    expect(kept.fields[1].config).toBeUndefined();
    expect(kept.fields[1].labels).toEqual({ h: "a" });
    expect(kept.fields[1].nullable).toBe(true);
    expect(filterRows(f, (r) => r === 1).fields[1].get(0)).toBeNull();
    expect(filterRows(f, () => false).rowCount()).toBe(0);
    expect(() => filterRowsByField(f, "nope", () => true)).toThrow('frame "s" has no field "nope"');
    expect(emptyCopy(f).fields.map((x) => [x.name, x.type, x.length])).toEqual([
      ["t", "time", 0],
      ["v", "float64", 0],
      ["n", "int64", 0],
      ["s", "string", 0],
    ]);
  });
});

describe("labels as text (data/labels.go)", () => {
  it("writes sorted k=v pairs", () => {
    expect(labelsToString({ b: "valueB", a: "valueA" })).toBe("a=valueA, b=valueB");
    expect(labelsToString({})).toBe("");
    expect(labelsToString(undefined)).toBe("");
  });

  it.each([
    ["", undefined],
    ["method=GET", { method: "GET" }],
    ['{service="users-directory"}', { service: "users-directory" }],
    ['{job="api", le="0.5"}', { job: "api", le: "0.5" }],
    ["a=1, b=2", { a: "1", b: "2" }],
    ['{"a":"1","b":"x, y"}', { a: "1", b: "x, y" }], // JSON
    ['{"a":1}', { a: ":1" }], // not a map of strings: read as k=v pairs, as Go does
  ])("reads %j", (text, labels) => {
    expect(labelsFromString(text)).toEqual(labels);
  });

  it("rejects a pair that is not k=v", () => {
    expect(() => labelsFromString("a=1, b")).toThrow('invalid label key=value pair "b"');
    expect(() => labelsFromString("a=1,b=2")).toThrow('invalid label key=value pair "a=1,b=2"');
  });

  it("compares, and fingerprints as Go's FNV-1 over sorted pairs", () => {
    expect(labelsEqual({ a: "1", b: "2" }, { b: "2", a: "1" })).toBe(true);
    expect(labelsEqual({ a: "1" }, undefined)).toBe(false);
    expect(labelsEqual(undefined, {})).toBe(true);
    expect(labelsContain({ a: "1", b: "2" }, { b: "2" })).toBe(true);
    expect(labelsContain({ a: "1" }, { a: "2" })).toBe(false);
    expect(labelsFingerprint({})).toBe("cbf29ce484222325"); // FNV-1 offset basis: nothing hashed
    expect(labelsFingerprint({ host: "é", a: "1" })).toBe("e191957dc8b603a1"); // Go's, UTF-8 bytes
    expect(labelsFingerprint({ b: "2", a: "1" })).toBe(labelsFingerprint({ a: "1", b: "2" }));
    expect(labelsFingerprint({ a: "1" })).not.toBe(labelsFingerprint({ a: "2" }));
  });
});

describe("frameFromRows (sqlutil.FrameFromRows)", () => {
  const columns = [
    { name: "time", type: "time" },
    { name: "host", type: "string", nullable: false },
    { name: "value", type: "float64" },
  ] as const;

  it("builds typed fields, nullable unless declared otherwise", () => {
    const frame = frameFromRows(columns, [
      [0, "a", 1.5],
      [new Date(1000), "b", null],
    ]);
    expect(frame.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ["time", "time", true],
      ["host", "string", false],
      ["value", "float64", true],
    ]);
    expect(rows(frame)).toEqual([
      [0n, "a", 1.5],
      [1_000_000_000n, "b", null],
    ]);
    expect(frame.meta).toBeUndefined();
  });

  it("stops at the row limit with sqlutil's warning notice", () => {
    const frame = frameFromRows(
      columns,
      [
        [0, "a", 1],
        [1, "b", 2],
        [2, "c", 3],
      ],
      { rowLimit: 2, name: "q" },
    );
    expect(frame.rowCount()).toBe(2);
    expect(frame.meta?.notices).toEqual([
      {
        severity: "warning",
        text: "Results have been limited to 2 because the SQL row limit was reached",
      },
    ]);
    expect(frameFromRows(columns, [[0, "a", 1]], { rowLimit: 1 }).meta).toBeUndefined(); // not cut
    expect(frameFromRows(columns, [], {}).rowCount()).toBe(0);
  });

  it("names the row and field of a value that does not fit", () => {
    expect(() => frameFromRows(columns, [[0, "a", 1], [0, "a"] as never])).toThrow(
      "row 1 has 2 values but there are 3 columns (time, host, value)",
    );
    expect(() => frameFromRows(columns, [[0, null as never, 1]])).toThrow(
      'field "host" (string) is not nullable but row 0 is null',
    );
    expect(() => frameFromRows(columns, [[0, "a", "1" as never]])).toThrow(
      'field "value" (float64): "1" at row 0 is not a number',
    );
  });
});

describe("frameFromObjects (framestruct)", () => {
  it("uses declared types, converters and omissions", () => {
    const frame = frameFromObjects(
      [
        { id: 1, name: "a", secret: "x", when: "2024-01-01T00:00:00Z" },
        { id: 2, name: "b", secret: "y", when: "2024-01-02T00:00:00Z" },
      ],
      {
        types: { id: "int64" },
        converters: { when: (v) => new Date(v as string) },
        omit: ["secret"],
      },
    );
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ["id", "int64"],
      ["name", "string"],
      ["when", "time"],
    ]);
    expect(frame.fields[2].get(1)).toBe(1_704_153_600_000_000_000n);
  });

  it("gives an empty frame for no objects and rejects arrays and mixed types", () => {
    expect(frameFromObjects([]).fields).toEqual([]);
    expect(() => frameFromObjects([{ tags: ["a"] }])).toThrow(
      'field "tags" at row 0: arrays are not supported',
    );
    expect(() => frameFromObjects([{ v: 1 }, { v: "2" }])).toThrow(
      'field "v" (float64): "2" at row 1 is not a number',
    );
    expect(() => frameFromObjects([{ v: null }])).not.toThrow(); // a field never seen with a value has no field
    expect(() => frameFromObjects([{ a: 1 }], { column0: "b" })).toThrow(
      'column0 "b" is not a field',
    );
    expect(() => frameFromObjects([{ f: Symbol("x") }])).toThrow(/cannot tell the field type/);
    expect(() =>
      frameFromObjects([{ w: "x" }], {
        converters: {
          w: () => {
            throw new Error("bad");
          },
        },
      }),
    ).toThrow("field conversion error w at row 0: bad");
  });
});

describe("resampleWideFrame errors", () => {
  it("refuses a frame that is not a time series and returns the frame for a zero interval", () => {
    const notSeries = newFrame("", float64Field("v", [1]));
    expect(() =>
      resampleWideFrame(notSeries, { mode: "null" }, { fromMs: 0, toMs: 1, intervalMs: 1 }),
    ).toThrow(new TimeSeriesError("can not fill missing, not timeseries frame"));
    const wide = newFrame("", timeField("t", [0]), float64Field("v", [1]));
    expect(resampleWideFrame(wide, { mode: "null" }, { fromMs: 0, toMs: 1, intervalMs: 0 })).toBe(
      wide,
    );
    expect(() =>
      resampleWideFrame(wide, { mode: "null" }, { fromMs: 0, toMs: 1, intervalMs: -1 }),
    ).toThrow(/must be positive/);
  });

  it("fills with null before the first point, and gives no rows for an empty grid", () => {
    const wide = newFrame("", timeField("t", [1000]), float64Field("v", [5]));
    const out = resampleWideFrame(
      wide,
      { mode: "null" },
      { fromMs: 0, toMs: 2000, intervalMs: 1000 },
    );
    expect(rows(out)).toEqual([
      [0n, null],
      [1_000_000_000n, 5],
      [2_000_000_000n, null],
    ]);
    expect(
      resampleWideFrame(wide, { mode: "null" }, { fromMs: 10, toMs: 0, intervalMs: 1 }).rowCount(),
    ).toBe(0);
  });
});
