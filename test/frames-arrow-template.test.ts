// The Arrow encoder's per-shape templates (cut when a shape comes a second time): every frame it
// writes from a template is byte for byte what apache-arrow's writer (frameToArrowReference, the
// encoding the golden tests check against the Go SDK) writes for it, for every field type, with
// and without nulls, at row counts around the 8-byte padding boundaries. A name, label, config or
// meta changed after an encode (in place or not) gives the new bytes; equal shapes share one
// template; the cache stays bounded; outputs never alias a template; typed-array inputs reach
// the body without copies.

import { tableFromIPC } from "apache-arrow";
import { beforeEach, describe, expect, it } from "vitest";
import type { Field, Frame } from "../runtime/frames/index.js";
import {
  boolField,
  enumField,
  float32Field,
  float64Field,
  frameFromArrow,
  frameToArrow,
  int16Field,
  int32Field,
  int64Field,
  int8Field,
  jsonField,
  newFrame,
  stringField,
  timeField,
  uint16Field,
  uint32Field,
  uint64Field,
  uint8Field,
} from "../runtime/frames/index.js";
import { recordBatchBody, utf8Column } from "../runtime/frames/arrow-body.js";
import {
  arrowTemplateCacheStats,
  clearArrowTemplateCache,
} from "../runtime/frames/arrow-encode.js";
import { frameToArrowReference } from "../runtime/frames/arrow-encode-reference.js";
import { goldenArrow, goldenSkipReason } from "./support/frames-golden.js";

const START = Date.UTC(2024, 0, 1);

/** Deterministic pseudo-random numbers, so a failure names rows that can be reproduced. */
function numbers(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Every field type, each row null with probability `nulls` in the nullable copies. */
function everyTypeFrame(rows: number, seed: number, nulls: number): Frame {
  const r = numbers(seed);
  const pick = <T>(make: (i: number) => T) =>
    Array.from({ length: rows }, (_, i) => (r() < nulls ? null : make(i)));
  const texts = ["ok", "", "ünïcødé", "日本語", "emoji 🚀", "<&>", "a\u2028b", "\ud800 lone"];
  const nullable = { nullable: true }; // fixed, so the shape does not depend on the nulls
  const fields: Field[] = [
    timeField(
      "time",
      Float64Array.from({ length: rows }, (_, i) => START + i * 1000),
    ),
    float64Field(
      "f64",
      Float64Array.from({ length: rows }, () => r() * 1e6 - 5e5),
    ),
    float64Field(
      "f64?",
      pick(() => r()),
      nullable,
    ),
    float32Field(
      "f32?",
      pick(() => Math.fround(r())),
      nullable,
    ),
    int8Field(
      "i8?",
      pick(() => Math.floor(r() * 256) - 128),
      nullable,
    ),
    int16Field(
      "i16",
      Int16Array.from({ length: rows }, () => Math.floor(r() * 65536) - 32768),
    ),
    int32Field(
      "i32?",
      pick(() => Math.floor(r() * 2 ** 32) - 2 ** 31),
      nullable,
    ),
    int64Field(
      "i64?",
      pick(() => BigInt(Math.floor(r() * 2 ** 53)) * 1024n),
      nullable,
    ),
    uint8Field(
      "u8?",
      pick(() => Math.floor(r() * 256)),
      nullable,
    ),
    uint16Field(
      "u16",
      Uint16Array.from({ length: rows }, () => Math.floor(r() * 65536)),
    ),
    uint32Field(
      "u32?",
      pick(() => Math.floor(r() * 2 ** 32)),
      nullable,
    ),
    uint64Field(
      "u64?",
      pick(() => BigInt(Math.floor(r() * 2 ** 53)) * 2048n),
      nullable,
    ),
    boolField(
      "bool",
      Array.from({ length: rows }, () => r() < 0.5),
    ),
    boolField(
      "bool?",
      pick(() => r() < 0.5),
      nullable,
    ),
    boolField("bool, all null", Array(rows).fill(null), { nullable: true }),
    stringField(
      "string",
      Array.from({ length: rows }, () => texts[Math.floor(r() * 8)]),
    ),
    stringField(
      "string?",
      pick(() => texts[Math.floor(r() * 8)]),
      nullable,
    ),
    jsonField(
      "json?",
      pick((i) => ({ row: i, tags: ["a", "<b>"] })),
      nullable,
    ),
    enumField(
      "enum",
      Uint16Array.from({ length: rows }, () => Math.floor(r() * 3)),
      ["a", "b", "c"],
    ),
    timeField(
      "time?",
      pick((i) => START + i),
      nullable,
    ),
  ];
  return newFrame(
    { name: "every type", refId: "A", meta: { executedQueryString: "q" } },
    ...fields,
  );
}

function expectReferenceBytes(frame: Frame): Uint8Array {
  const ours = frameToArrow(frame);
  expect(Buffer.from(ours).equals(Buffer.from(frameToArrowReference(frame)))).toBe(true);
  return ours;
}

beforeEach(() => clearArrowTemplateCache());

describe("frames written from a template", () => {
  it("are apache-arrow's bytes for every type, null pattern and row count", () => {
    const rowCounts = [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 1000];
    for (const nulls of [0, 0.3, 1]) {
      for (const [i, rows] of rowCounts.entries()) {
        expectReferenceBytes(everyTypeFrame(rows, i + 1, nulls));
      }
    }
    // One shape (names, types, nullability, metadata) throughout: one template wrote them all.
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 1, templates: 1 });
  });

  it.skipIf(goldenSkipReason !== undefined)(
    "are apache-arrow's bytes for the Go SDK's golden frame (35 fields, meta, config, labels)",
    () => {
      const frame = frameFromArrow(goldenArrow());
      const first = expectReferenceBytes(frame);
      expectReferenceBytes(frame);
      const third = expectReferenceBytes(frame); // from the template
      expect(third).toEqual(first);
      expect(arrowTemplateCacheStats().templates).toBe(1);
    },
  );

  it("leave empty frames to the reference encoder", () => {
    const empty = newFrame("empty", float64Field("v", new Float64Array(0)));
    expectReferenceBytes(empty);
    expectReferenceBytes(newFrame("no fields"));
    expect(arrowTemplateCacheStats().shapes).toBe(0);
  });
});

describe("the template cache", () => {
  const series = (rows: number, labels = { host: "a" }) =>
    newFrame(
      { name: "cpu", refId: "A", meta: { executedQueryString: "SELECT 1" } },
      timeField(
        "time",
        Float64Array.from({ length: rows }, (_, i) => START + i * 1000),
      ),
      float64Field(
        "value",
        Float64Array.from({ length: rows }, (_, i) => i / 3),
        {
          labels,
          config: { unit: "percent" },
        },
      ),
    );

  it("shares one template between frames of equal shape built from fresh objects", () => {
    expectReferenceBytes(series(10));
    expectReferenceBytes(series(100));
    expectReferenceBytes(series(3));
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 1, templates: 1 });
  });

  it("gives new bytes after a name, label, config, meta, refId or nullability change", () => {
    const frame = series(20);
    const schemaAfter = (change: () => void) => {
      frameToArrow(frame);
      const before = frameToArrow(frame); // the shape has its template by now
      change();
      expectReferenceBytes(frame);
      const after = expectReferenceBytes(frame);
      expect(Buffer.from(after).equals(Buffer.from(before))).toBe(false);
      return tableFromIPC(after).schema;
    };
    expectReferenceBytes(frame); // the shape is cached from here on

    expect(schemaAfter(() => (frame.fields[1].name = "renamed")).fields[1].name).toBe("renamed");
    expect(
      schemaAfter(() => (frame.fields[1].labels!.host = "b")).fields[1].metadata.get("labels"),
    ).toBe('{"host":"b"}');
    expect(
      schemaAfter(() => (frame.fields[1].labels = { host: "b", dc: "x" })).fields[1].metadata.get(
        "labels",
      ),
    ).toBe('{"dc":"x","host":"b"}');
    expect(
      schemaAfter(() => (frame.fields[1].config!.unit = "bytes")).fields[1].metadata.get("config"),
    ).toBe('{"unit":"bytes"}');
    expect(
      schemaAfter(() => (frame.fields[1].config = undefined)).fields[1].metadata.has("config"),
    ).toBe(false);
    expect(
      schemaAfter(() => (frame.meta!.executedQueryString = "SELECT 2")).metadata.get("meta"),
    ).toContain("SELECT 2");
    expect(schemaAfter(() => (frame.name = "mem")).metadata.get("name")).toBe("mem");
    expect(schemaAfter(() => (frame.refId = "B")).metadata.get("refId")).toBe("B");
    expect(
      schemaAfter(
        () =>
          (frame.fields[1] = float64Field("renamed", frame.fields[1].values as Float64Array, {
            nullable: true,
          })),
      ).fields[1].nullable,
    ).toBe(true);
  });

  it("tells an absent label set from an empty one, and names that could run together", () => {
    const withLabels = (labels: Record<string, string> | undefined) =>
      newFrame("f", float64Field("v", Float64Array.of(1), { labels }));
    expectReferenceBytes(withLabels(undefined));
    expectReferenceBytes(withLabels({}));
    const twoFields = (a: string, b: string) =>
      newFrame("f", float64Field(a, Float64Array.of(1)), float64Field(b, Float64Array.of(2)));
    expectReferenceBytes(twoFields("ab", "c"));
    expectReferenceBytes(twoFields("a", "bc"));
    expect(arrowTemplateCacheStats().shapes).toBe(4);
  });

  it("stays bounded when frame names never repeat", () => {
    for (let i = 0; i < 600; i++) {
      frameToArrow(newFrame(`query ${i}`, float64Field("v", Float64Array.of(i))));
    }
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 256, templates: 0 }); // each seen once
    const again = (i: number) => newFrame(`query ${i}`, float64Field("v", Float64Array.of(-i)));
    expectReferenceBytes(again(599)); // still remembered: its template is cut now
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 256, templates: 1 });
    expectReferenceBytes(again(0)); // forgotten: seen once again, the oldest goes
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 256, templates: 1 });
    expectReferenceBytes(again(599));
  });

  it("hands out files that share no memory with the template", () => {
    const first = expectReferenceBytes(series(5));
    const second = frameToArrow(series(5)); // the template is cut from this file
    second.fill(0xff);
    first.fill(0xee);
    const third = expectReferenceBytes(series(5)); // written from the template
    third.fill(0xdd);
    expectReferenceBytes(series(5));
  });

  it("gives each caller its own bytes when encodes of different shapes interleave", async () => {
    // The encoder is synchronous: interleaved callers (async handlers answering queries at the
    // same time) each see whole encodes, whichever shape came first.
    const shapes = [(n: number) => series(n), (n: number) => everyTypeFrame(n, n, 0.2)];
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((resolve) => setImmediate(resolve));
        const frame = shapes[i % 2](i + 1);
        return { frame, bytes: frameToArrow(frame) };
      }),
    );
    for (const { frame, bytes } of results) {
      expect(Buffer.from(bytes).equals(Buffer.from(frameToArrowReference(frame)))).toBe(true);
    }
    expect(arrowTemplateCacheStats()).toEqual({ shapes: 2, templates: 2 });
  });
});

describe("column buffers", () => {
  it("are the field's own typed arrays: Float64Array and BigInt64Array inputs are not copied", () => {
    const values = Float64Array.of(1, 2, 3);
    const nanos = BigInt64Array.of(1n, 2n, 3n);
    const frame = newFrame("f", timeField("time", nanos), float64Field("v", values));
    expect(frame.fields[0].values).toBe(nanos);
    expect(frame.fields[1].values).toBe(values);
    const { buffers } = recordBatchBody(frame, 3);
    // validity (empty), time values, validity (empty), float64 values
    expect(buffers[1].buffer).toBe(nanos.buffer);
    expect(buffers[3].buffer).toBe(values.buffer);
  });

  it("encode strings as TextEncoder does: ASCII, multi-byte, surrogate pairs, lone surrogates", () => {
    const values = [
      "",
      "plain",
      "ünï",
      "日本",
      "🚀x",
      "\ud800",
      "a\udc00b",
      "x".repeat(300),
      "é".repeat(200),
    ];
    const { offsets, bytes } = utf8Column(values, values.length, undefined);
    const encoder = new TextEncoder();
    expect(Buffer.from(bytes).equals(Buffer.from(encoder.encode(values.join(""))))).toBe(true);
    let end = 0;
    expect([...offsets]).toEqual([0, ...values.map((v) => (end += encoder.encode(v).length))]);
  });
});
