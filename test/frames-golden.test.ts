// Wire compatibility with the Go SDK's golden Arrow file (grafana-plugin-sdk-go
// data/testdata/all_types.golden.arrow): decoding it gives exactly the frame its golden JSON
// describes, and encoding that frame again gives a file with the same schema, types, metadata and
// body bytes. The byte comparison at the end states every remaining difference and why the Go
// decoder does not see it.

import { Footer } from "apache-arrow/ipc/metadata/file";
import { describe, expect, it } from "vitest";
import { frameFromArrow, frameFromJSON, frameToArrow } from "../runtime/frames/index.js";
import {
  expectFrameMatchesGoldenJSON,
  goldenArrow,
  goldenJSON,
  goldenJSONText,
  goldenSkipReason,
} from "./support/frames-golden.js";
import {
  describeSchema,
  recordBatchLayout,
  sameBytes,
  schemaOf,
  splitArrowFile,
} from "./support/frames-ipc.js";

describe.skipIf(goldenSkipReason !== undefined)("golden Arrow file from the Go SDK", () => {
  it("decodes into the frame the golden JSON describes, value by value", () => {
    const frame = frameFromArrow(goldenArrow());
    expect(frame.fields).toHaveLength(35);
    expect(frame.rowCount()).toBe(5);
    expectFrameMatchesGoldenJSON(frame, goldenJSON());
  });

  it("keeps int64 extremes and nanosecond times exact", () => {
    const frame = frameFromArrow(goldenArrow());
    expect(frame.field("int64_values")!.values).toEqual(
      BigInt64Array.of(-(2n ** 63n), -9007199254740991n, 1n, 9007199254740991n, 2n ** 63n - 1n),
    );
    expect(frame.field("uint64_values")!.values).toEqual(
      BigUint64Array.of(0n, 0n, 1n, 9007199254740991n, 2n ** 64n - 1n),
    );
    expect(frame.field("nullable_timestamps")!.get(4)).toBe(2n ** 63n - 1n);
    expect(frame.field("nullable_timestamps")!.isNull(2)).toBe(true);
  });

  it("re-encodes to a file apache-arrow reads with the same schema, metadata and values", () => {
    const golden = goldenArrow();
    const ours = frameToArrow(frameFromArrow(golden));
    // Same Arrow types, nullability, field names, and schema + field metadata (keys in Go's
    // sorted order, values byte for byte: the JSON of meta, config and labels included).
    expect(describeSchema(schemaOf(ours))).toEqual(describeSchema(schemaOf(golden)));
    expectFrameMatchesGoldenJSON(frameFromArrow(ours), goldenJSON());
  });

  it("differs from the golden bytes only in flatbuffer layout and recorded bitmap lengths", () => {
    const golden = goldenArrow();
    const ours = frameToArrow(frameFromArrow(golden));
    const g = splitArrowFile(golden);
    const o = splitArrowFile(ours);

    // Same file structure as Go writes: magic, schema message, one record batch, end-of-stream
    // marker, footer, footer length, magic. (apache-arrow's own file writer leaves out the
    // leading schema message; ours puts it in, as Go's does.)
    expect(o.messages.map((m) => m.message.headerType)).toEqual(
      g.messages.map((m) => m.message.headerType),
    );
    expect(o.messages.map((m) => m.message.headerType)).toEqual([1, 3]); // Schema, RecordBatch
    expect(o.messages.map((m) => m.message.version)).toEqual(
      g.messages.map((m) => m.message.version),
    );

    // Identical bytes: leading magic + padding, the whole record-batch body (every value,
    // validity bitmap, offset and padding byte), the end-of-stream marker, the trailing magic.
    expect(sameBytes(o.head, g.head)).toBe(true);
    expect(sameBytes(o.messages[1].body, g.messages[1].body)).toBe(true);
    expect(sameBytes(o.eos, g.eos)).toBe(true);
    expect(sameBytes(o.tail.subarray(4), g.tail.subarray(4))).toBe(true);

    // Difference 1 — flatbuffer layout of the schema message and the footer. Go's and
    // apache-arrow's flatbuffer builders place table fields and vtables in a different order
    // (ours: schema 4976 bytes, footer 5024; Go: 4896 and 4944), so the length prefix, the
    // footer length and the footer's block offset (which counts the schema message) differ too.
    // Flatbuffers are read through their vtables, so every reader — Go's included — decodes the
    // same content: the schema comparison in the previous test and the footer fields below.
    expect(sameBytes(o.messages[0].metadata, g.messages[0].metadata)).toBe(false);
    expect(sameBytes(o.footer, g.footer)).toBe(false);
    const gFooter = Footer.decode(g.footer);
    const oFooter = Footer.decode(o.footer);
    expect(oFooter.numRecordBatches).toBe(1);
    expect(oFooter.numDictionaries).toBe(gFooter.numDictionaries);
    const gBlock = gFooter.getRecordBatch(0)!;
    const oBlock = oFooter.getRecordBatch(0)!;
    expect(oBlock.metaDataLength).toBe(gBlock.metaDataLength);
    expect(oBlock.bodyLength).toBe(gBlock.bodyLength);
    const schemaGrowth = o.messages[0].metadata.length - g.messages[0].metadata.length;
    expect(Number(oBlock.offset) - Number(gBlock.offset)).toBe(schemaGrowth); // each points at its batch
    expect(describeSchema(oFooter.schema)).toEqual(describeSchema(gFooter.schema));

    // Difference 2 — inside the record-batch metadata (same size, 1832 bytes): the table layout of
    // its header, and the recorded length of the validity bitmaps of nullable fixed-width columns.
    // Go records 4 bytes there: the size its array builders happen to allocate for a 5-row bitmap;
    // we record the 1 byte that 5 rows need. Row counts, null counts and every buffer offset are
    // identical, and the body behind them is identical (above). Go's reader slices each buffer at
    // its offset and reads 5 bits from it, so both lengths read the same bitmap.
    const gLayout = recordBatchLayout(g);
    const oLayout = recordBatchLayout(o);
    expect(o.messages[1].metadata.length).toBe(g.messages[1].metadata.length);
    expect(oLayout.length).toBe(gLayout.length);
    expect(oLayout.nodes).toEqual(gLayout.nodes);
    expect(oLayout.buffers.map((b) => b.offset)).toEqual(gLayout.buffers.map((b) => b.offset));
    const lengthDiffs = oLayout.buffers
      .map((b, i) => ({ i, ours: b.length, go: gLayout.buffers[i].length }))
      .filter((d) => d.ours !== d.go);
    expect(lengthDiffs.map((d) => [d.go, d.ours])).toEqual(Array(15).fill([4, 1]));
    // Exactly the validity buffers (first buffer of a column) of the 15 nullable fixed-width
    // fields; string and json columns, whose builders allocate 1 byte, agree with Go.
    const frame = frameFromArrow(golden);
    const firstBufferOf = new Map<number, string>();
    let index = 0;
    for (const f of frame.fields) {
      firstBufferOf.set(index, f.name);
      index += f.type === "string" || f.type === "json" ? 3 : 2;
    }
    expect(lengthDiffs.map((d) => firstBufferOf.get(d.i))).toEqual(
      frame.fields
        .filter((f) => f.nullable && f.type !== "string" && f.type !== "json")
        .map((f) => f.name),
    );
  });

  it("encodes the frame decoded from the golden JSON to the same Arrow bytes, NaN payloads aside", () => {
    const fromArrow = frameToArrow(frameFromArrow(goldenArrow()));
    const fromJSON = frameToArrow(frameFromJSON(goldenJSONText()));
    expect(fromJSON.length).toBe(fromArrow.length);
    const diffs = [...fromArrow.keys()].filter((i) => fromArrow[i] !== fromJSON[i]);
    // Go writes math.NaN() (bits 0x7FF8000000000001) into float64 cells; JSON carries NaN only as
    // an entity, and JavaScript's NaN is 0x7FF8000000000000. Both are NaN to every reader. The
    // golden frame has three float64 NaN cells; their lowest byte is the only difference.
    expect(diffs).toHaveLength(3);
    const body = splitArrowFile(fromArrow).messages[1].body;
    const bodyStart = body.byteOffset - fromArrow.byteOffset;
    for (const at of diffs) {
      expect(at).toBeGreaterThanOrEqual(bodyStart);
      expect([fromArrow[at], fromJSON[at]]).toEqual([1, 0]);
    }
  });
});
