// Building frames: columnar storage without per-row objects, the fast millisecond → nanosecond
// conversion (checked against BigInt arithmetic), appendRow, the errors for mismatched lengths and
// values that do not fit, and round trips of built frames through both wire formats.

import {
  Field as ArrowField,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Float64,
  makeData,
  tableToIPC,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import type { Field, Frame } from "../runtime/frames/index.js";
import {
  FrameShapeError,
  boolField,
  enumField,
  float32Field,
  float64Field,
  frameFromArrow,
  frameFromJSON,
  frameToArrow,
  frameToJSON,
  int16Field,
  int32Field,
  int64Field,
  int8Field,
  jsonField,
  millisToNanos,
  newField,
  newFrame,
  stringField,
  timeField,
  uint16Field,
  uint32Field,
  uint64Field,
  uint8Field,
} from "../runtime/frames/index.js";
import { schemaOf, splitArrowFile } from "./support/frames-ipc.js";

const cells = (f: Field) => Array.from({ length: f.length }, (_, i) => f.get(i));

describe("columnar storage", () => {
  it("keeps a 1M-row float64 field as the one Float64Array it was given", () => {
    const n = 1_000_000;
    const ms = new Float64Array(n).map((_, i) => 1_700_000_000_000 + i * 1000);
    const values = new Float64Array(n).map((_, i) => Math.sin(i));
    const frame = newFrame("big", timeField("time", ms), float64Field("value", values));
    expect(frame.fields[1].values).toBe(values);
    expect(frame.fields[1].validity).toBeNull();
    const time = frame.fields[0].values;
    expect(time).toBeInstanceOf(BigInt64Array);
    expect(time.length).toBe(n);
    expect(time[n - 1]).toBe(BigInt(1_700_000_000_000 + (n - 1) * 1000) * 1_000_000n);
    expect(frame.rowCount()).toBe(n);
  });

  it("adopts BigInt64Array nanoseconds and keeps nulls in a separate bitmap", () => {
    const ns = BigInt64Array.of(1n, 2n, 3n);
    expect(timeField("t", ns).values).toBe(ns);
    const f = float64Field("v", [1, null, 3, undefined]);
    expect(f.nullable).toBe(true);
    expect(f.values).toBeInstanceOf(Float64Array);
    expect([...f.validity!]).toEqual([0b0101]);
    expect(cells(f)).toEqual([1, null, 3, null]);
    expect(f.nullCount).toBe(2);
  });
});

describe("millisecond → nanosecond conversion", () => {
  const reference = (ms: number) => {
    const whole = Math.floor(ms);
    return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
  };
  const edges = [
    0,
    1,
    -1,
    1.5,
    -1.5,
    0.000001,
    999.999999,
    1568039445000,
    -1568039445000,
    9007199254,
    9223372036854,
    -9223372036854,
    4294967295,
    4294967296,
    4294967297,
    -4294967295,
    -4294967296,
    -4294967297,
    2 ** 40 + 0.25,
    9223372036854.775, // the int64 extremes, to the nanosecond
    -9223372036854.775808,
    0.0000005,
    -0.0000005,
  ];

  it("matches BigInt arithmetic on edge values and across the whole range", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const samples = [
      ...edges,
      ...Array.from({ length: 10_000 }, () => Math.round(random() * 9223372036854)),
    ];
    const fast = millisToNanos(Float64Array.from(samples));
    samples.forEach((ms, i) => expect(fast[i], `ms ${ms}`).toBe(reference(ms)));
    // Deviations that would cancel out if the fast path summed them with their signs.
    expect([...millisToNanos([1.5, -1.5])]).toEqual([1_500_000n, -1_500_000n]);
    expect(() => millisToNanos([9223372036855, -9223372036855])).toThrow(/row 0/);
    // Whole milliseconds only: the branch-free fast path (a fraction anywhere redoes all rows).
    const whole = samples.filter(Number.isInteger);
    const wholeFast = millisToNanos(Float64Array.from(whole));
    whole.forEach((ms, i) => expect(wholeFast[i], `ms ${ms}`).toBe(reference(ms)));
    expect(timeField("t", samples).values).toEqual(fast); // plain number[] takes the same path
  });

  it("rejects NaN, infinities and values beyond int64 nanoseconds, naming the field", () => {
    for (const bad of [NaN, Infinity, -Infinity, 9223372036854.778, -9223372036855]) {
      expect(() => millisToNanos([0, bad])).toThrow(/row 1/);
      expect(() => timeField("when", Float64Array.of(bad))).toThrow(/field "when"/);
    }
  });

  it("accepts Dates, bigint nanoseconds and nulls in plain arrays", () => {
    const f = timeField("t", [new Date(1000), 5n, null, 2.5]);
    expect(cells(f)).toEqual([1_000_000_000n, 5n, null, 2_500_000n]);
  });
});

describe("frame shape errors", () => {
  it("names every field and its length when lengths differ", () => {
    const build = () =>
      newFrame(
        "cpu",
        timeField("time", [1, 2, 3]),
        float64Field("value", [1, 2]),
        stringField("host", ["a"]),
      );
    expect(build).toThrow(FrameShapeError);
    expect(build).toThrow(
      'frame "cpu" has fields of different lengths: "time" has 3, "value" has 2, "host" has 1',
    );
  });

  it("checks lengths again before encoding a frame whose fields were changed", () => {
    const frame = newFrame("f", float64Field("a", [1, 2]));
    frame.fields.push(float64Field("b", [1]));
    expect(() => frameToArrow(frame)).toThrow(/"a" has 2, "b" has 1/);
    expect(() => frameToJSON(frame)).toThrow(FrameShapeError);
  });

  it("refuses values that do not fit instead of wrapping or rounding them", () => {
    expect(() => int8Field("small", [1, 300])).toThrow(
      'field "small" (int8): 300 at row 1 does not fit int8 (-128..127)',
    );
    expect(() => int64Field("big", [2 ** 53 + 2])).toThrow(/int64 range/); // already rounded: use a bigint
    expect(int64Field("big", [2n ** 63n - 1n]).get(0)).toBe(2n ** 63n - 1n);
    expect(() => uint64Field("u", [-1n])).toThrow(/uint64 range/);
    expect(() => uint32Field("u", [1.5])).toThrow(/does not fit uint32/);
    expect(() => stringField("s", [1 as unknown as string])).toThrow(/is not a string/);
    expect(() => newField("v", "float64", [null], { nullable: false })).toThrow(/not nullable/);
  });
});

describe("appendRow", () => {
  it("grows every field and keeps nulls", () => {
    const frame = newFrame(
      "small",
      timeField("time", []),
      float64Field("value", [], { nullable: true }),
      stringField("host", []),
    );
    for (let i = 0; i < 100; i++) frame.appendRow(i * 1000, i % 3 === 0 ? null : i / 2, `h${i}`);
    expect(frame.rowCount()).toBe(100);
    expect(frame.fields[0].get(99)).toBe(99_000_000_000n);
    expect(frame.fields[1].get(3)).toBeNull();
    expect(frame.fields[1].get(4)).toBe(2);
    expect(frame.fields[1].nullCount).toBe(34);
    expect(frame.fields[2].values).toHaveLength(100);
    expect(frameFromArrow(frameToArrow(frame)).fields[1].get(3)).toBeNull();
  });

  it("rejects a wrong row without changing the frame", () => {
    const frame = newFrame("f", int8Field("a", [1]), stringField("b", ["x"]));
    expect(() => frame.appendRow(1)).toThrow('frame "f" has 2 fields but the row has 1 values');
    expect(() => frame.appendRow(2, 3 as unknown as string)).toThrow(
      /field "b" \(string\): 3 at row 1/,
    );
    expect(() => frame.appendRow(null, "y")).toThrow(/field "a" \(int8\) is not nullable/);
    expect(frame.fields.map((f) => f.length)).toEqual([1, 1]);
  });

  it("does not write into the buffer a decoded frame came from", () => {
    const bytes = frameToArrow(newFrame("f", float64Field("v", [1, null, 3])));
    const copy = bytes.slice();
    const frame = frameFromArrow(bytes);
    frame.appendRow(null);
    frame.appendRow(4);
    expect(bytes).toEqual(copy);
    expect(cells(frame.fields[0])).toEqual([1, null, 3, null, 4]);
  });
});

/** Every field type, nullable and not, with the values that are hardest to carry. */
function everyType(): Frame {
  const frame = newFrame(
    {
      name: "every <type> & more",
      refId: "B",
      meta: { executedQueryString: "q", custom: { z: 1, a: [2] } },
    },
    int8Field("int8", [-128, 0, 127]),
    int16Field("int16", [-32768, 1, 32767], { nullable: true }),
    int32Field("int32", [-(2 ** 31), null, 2 ** 31 - 1]),
    int64Field("int64", [-(2n ** 63n), 0n, 2n ** 63n - 1n]),
    int64Field("int64?", [null, -5, 9007199254740993n]),
    uint8Field("uint8", [0, 1, 255], { labels: { b: "2", a: "1" } }),
    uint16Field("uint16", [0, null, 65535]),
    uint32Field("uint32", [0, 7, 2 ** 32 - 1]),
    uint64Field("uint64", [0n, null, 2n ** 64n - 1n]),
    float32Field("float32", [Math.fround(0.1), NaN, -Infinity]),
    float32Field("float32?", [null, Math.fround(3.4028234663852886e38), -0]),
    float64Field("float64", [0.1, -0, Infinity], {
      config: { unit: "ms", min: 0, max: 1e6, decimals: 2 },
    }),
    float64Field("float64?", [NaN, null, 5e-324]),
    stringField("string", ["", '❤️ <tag> & "quotes"\n', "🦥"]),
    stringField("string?", [null, "a", ""]),
    boolField("bool", [true, false, true]),
    boolField("bool?", [null, false, true]),
    timeField("time", [-1n, 0n, 1_700_000_000_123_456_789n]),
    timeField("time?", [null, 1.5, new Date(0)]),
    jsonField("json", [{ a: [1, { b: null }] }, "text", 12]),
    jsonField("json?", [null, [], { big: 12345678901234567890n }]),
    enumField("enum", [0, 1, 2], ["zero", "one", "two"]),
    newField("enum?", "enum", [null, 3, 0]),
  );
  return frame;
}

function expectSameCells(actual: Frame, expected: Frame): void {
  expect(actual.fields.map((f) => [f.name, f.type, f.nullable])).toEqual(
    expected.fields.map((f) => [f.name, f.type, f.nullable]),
  );
  expected.fields.forEach((f, i) => {
    expect(cells(actual.fields[i]), f.name).toEqual(cells(f));
    expect(actual.fields[i].labels, f.name).toEqual(f.labels);
  });
}

describe("round trips of built frames", () => {
  it("Arrow: every type, nulls, extremes, NaN/±Inf, -0, negative and nanosecond times", () => {
    const frame = everyType();
    const decoded = frameFromArrow(frameToArrow(frame));
    expectSameCells(decoded, frame);
    expect(Object.is(decoded.field("float64")!.get(1), -0)).toBe(true);
    expect(decoded.name).toBe("every <type> & more");
    expect(decoded.field("enum")!.config).toEqual({
      type: { enum: { text: ["zero", "one", "two"] } },
    });
  });

  it("JSON: the same frame survives, including int64 beyond 2^53 and sub-millisecond times", () => {
    const frame = everyType();
    const text = frameToJSON(frame);
    expect(text).toContain('"nanos":[');
    expect(text).toContain('"entities":[');
    expect(text).toContain("[-1,0,1700000000123]"); // -1 ns is the millisecond before the epoch …
    expect(text).toContain("[999999,0,456789]"); // … plus 999999 ns
    expectSameCells(frameFromJSON(text), frame);
  });

  it("writes metadata as Go does: struct order, typeVersion, sorted labels, HTML-safe escaping", () => {
    const frame = everyType();
    const schema = schemaOf(frameToArrow(frame));
    expect([...schema.metadata.keys()]).toEqual(["meta", "name", "refId"]);
    expect(schema.metadata.get("meta")).toBe(
      '{"typeVersion":[0,0],"custom":{"a":[2],"z":1},"executedQueryString":"q"}',
    );
    expect(schema.metadata.get("name")).toBe("every <type> & more"); // metadata values are not JSON
    const field = (name: string) => schema.fields.find((f) => f.name === name)!;
    expect([...field("uint8").metadata]).toEqual([
      ["labels", '{"a":"1","b":"2"}'],
      ["tstype", "number"],
    ]);
    expect(field("float64").metadata.get("config")).toBe(
      '{"unit":"ms","decimals":2,"min":0,"max":1e+06}',
    );
    expect(field("enum").metadata.get("tstype")).toBe("enum");
    expect(field("json").metadata.get("tstype")).toBe("other");
    expect(String(field("time").type)).toBe("Timestamp<NANOSECOND>");
  });

  it("writes an empty frame as Go does (schema, no record batch) and reads it back", () => {
    const frame = newFrame(
      { name: "empty", refId: "Z" },
      float64Field("v", []),
      stringField("s", []),
    );
    const bytes = frameToArrow(frame);
    expect(splitArrowFile(bytes).messages.map((m) => m.message.headerType)).toEqual([1]); // Schema only
    const decoded = frameFromArrow(bytes);
    expect(decoded.fields.map((f) => [f.name, f.type, f.length])).toEqual([
      ["v", "float64", 0],
      ["s", "string", 0],
    ]);
    expect(frameFromJSON(frameToJSON(frame)).fields).toHaveLength(2);
  });
});

describe("Arrow files from other writers", () => {
  it("joins several record batches and converts millisecond timestamps to nanoseconds", () => {
    const fields = [
      new ArrowField("t", new TimestampMillisecond(), false, new Map([["tstype", "time"]])),
      new ArrowField("v", new Float64(), true),
    ];
    const schema = new Schema(fields, new Map([["name", "multi"]]));
    const batch = (ms: bigint[], v: Float64Array) =>
      new RecordBatch(
        schema,
        makeData({
          type: new Struct(fields),
          length: ms.length,
          children: [
            makeData({ type: new TimestampMillisecond(), data: BigInt64Array.from(ms) }),
            makeData({ type: new Float64(), data: v }),
          ],
        }),
      );
    const bytes = tableToIPC(
      new Table([batch([1n, 2n], Float64Array.of(1, 2)), batch([3n], Float64Array.of(3))]),
      "file",
    );
    const frame = frameFromArrow(bytes);
    expect(frame.name).toBe("multi");
    expect(cells(frame.fields[0])).toEqual([1_000_000n, 2_000_000n, 3_000_000n]);
    expect(cells(frame.fields[1])).toEqual([1, 2, 3]);
  });

  it("decodes input that does not start on an 8-byte boundary", () => {
    const bytes = frameToArrow(newFrame("f", float64Field("v", [1.5, 2.5])));
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    expect(cells(frameFromArrow(shifted).fields[0])).toEqual([1.5, 2.5]);
  });
});
