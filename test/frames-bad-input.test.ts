// Bad input never crashes or hangs a decoder: bytes that are not Arrow, the Arrow stream format,
// truncated and corrupted files, Arrow types without a field type, metadata that is not JSON, and
// malformed JSON frames all end in a FrameDecodeError that names the problem.

import {
  DateDay,
  Field as ArrowField,
  Float64,
  Schema,
  Table,
  makeData,
  RecordBatch,
  Struct,
  tableFromArrays,
  tableToIPC,
} from "apache-arrow";
import type { Data } from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  FrameDecodeError,
  float64Field,
  frameFromArrow,
  frameFromJSON,
  frameToArrow,
  framesFromJSON,
  newFrame,
} from "../runtime/frames/index.js";
import { goldenArrow, goldenSkipReason } from "./support/frames-golden.js";

function decodeError(run: () => unknown): FrameDecodeError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FrameDecodeError);
    return err as FrameDecodeError;
  }
  throw new Error("expected a FrameDecodeError, but decoding succeeded");
}

/** An Arrow file with one column of `type` built from `data`, with optional metadata. */
function arrowFile(
  column: Data,
  fieldMeta = new Map<string, string>(),
  schemaMeta = new Map<string, string>(),
): Uint8Array {
  const fields = [new ArrowField("x", column.type, true, fieldMeta)];
  const batch = new RecordBatch(
    new Schema(fields, schemaMeta),
    makeData({ type: new Struct(fields), length: column.length, children: [column] }),
  );
  return tableToIPC(new Table([batch]), "file");
}

const float64Column = () =>
  arrowFile(makeData({ type: new Float64(), data: Float64Array.of(1, 2) }));

describe("bytes that are not an Arrow IPC file", () => {
  it("rejects non-Arrow bytes, empty input and the stream format", () => {
    expect(
      decodeError(() => frameFromArrow(new TextEncoder().encode("hello, world"))).message,
    ).toMatch(/not an Arrow IPC file: it does not start with the ARROW1 magic/);
    expect(decodeError(() => frameFromArrow(new Uint8Array(0))).message).toMatch(
      /not an Arrow IPC file/,
    );
    const stream = tableToIPC(tableFromArrays({ v: Float64Array.of(1) }), "stream");
    expect(decodeError(() => frameFromArrow(stream)).message).toMatch(/Arrow stream format/);
  });

  it.skipIf(goldenSkipReason !== undefined)("rejects every truncation of the golden file", () => {
    const golden = goldenArrow();
    for (let n = 0; n < golden.length; n += n < 64 ? 1 : 37) {
      const err = decodeError(() => frameFromArrow(golden.subarray(0, n)));
      expect(err.message).toMatch(/not an Arrow IPC file|truncated Arrow IPC file/);
    }
    expect(
      decodeError(() => frameFromArrow(golden.subarray(0, golden.length - 1))).message,
    ).toMatch(/truncated/);
  });
});

describe("corrupt Arrow files", () => {
  // Thousands of corruptions of the golden file: test/reliability/frames.test.ts.

  it.skipIf(goldenSkipReason !== undefined)(
    "reports a record-batch block that does not point at a record batch (apache-arrow would loop)",
    () => {
      const bytes = goldenArrow().slice();
      bytes[4912] = 0; // the continuation marker of the only record batch
      expect(decodeError(() => frameFromArrow(bytes)).message).toBe(
        "corrupt Arrow IPC file: record batch 0 does not start a message",
      );
    },
  );

  it("names Arrow types that have no Grafana field type", () => {
    const dictionary = tableToIPC(tableFromArrays({ category: ["a", "b", "a"] }), "file");
    expect(decodeError(() => frameFromArrow(dictionary)).message).toBe(
      'field "category" (column 0) has Arrow type Dictionary<Int32, Utf8>, which no Grafana field type matches',
    );
    const dates = arrowFile(makeData({ type: new DateDay(), data: Int32Array.of(1, 2) }));
    expect(decodeError(() => frameFromArrow(dates)).message).toMatch(
      /field "x" \(column 0\) has Arrow type Date32<DAY>/,
    );
  });

  it("reports metadata that is not valid JSON, naming which", () => {
    expect(decodeError(() => frameFromArrow(withSchemaMeta("meta", "{oops"))).message).toMatch(
      /^frame meta metadata is not valid JSON: /,
    );
    expect(decodeError(() => frameFromArrow(withSchemaMeta("meta", "[1]"))).message).toBe(
      "frame meta metadata is not a JSON object",
    );
    const badLabels = arrowFile(
      makeData({ type: new Float64(), data: Float64Array.of(1) }),
      new Map([["labels", "{"]]),
    );
    expect(decodeError(() => frameFromArrow(badLabels)).message).toMatch(
      /^field "x" \(column 0\) labels metadata is not valid JSON/,
    );
    const numericLabel = arrowFile(
      makeData({ type: new Float64(), data: Float64Array.of(1) }),
      new Map([["labels", '{"a":1}']]),
    );
    expect(decodeError(() => frameFromArrow(numericLabel)).message).toBe(
      'field "x" (column 0) labels: value of "a" is not a string',
    );
    const badConfig = arrowFile(
      makeData({ type: new Float64(), data: Float64Array.of(1) }),
      new Map([["config", "nope"]]),
    );
    expect(decodeError(() => frameFromArrow(badConfig)).message).toMatch(
      /^field "x" \(column 0\) config metadata is not valid JSON/,
    );
    expect(frameFromArrow(float64Column()).fields[0].get(1)).toBe(2); // the helper itself is fine
  });

  it("rejects a column whose buffers are shorter than its row count", () => {
    const bytes = frameToArrow(newFrame("f", float64Field("v", [1, 2, 3])));
    // Patch the record batch's row count and node length (5 → 3 in this layout) to 300 rows.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let patched = 0;
    for (let at = 0; at + 8 <= bytes.length; at += 8) {
      if (view.getBigInt64(at, true) === 3n) {
        view.setBigInt64(at, 300n, true);
        patched++;
      }
    }
    expect(patched).toBeGreaterThan(0);
    expect(decodeError(() => frameFromArrow(bytes)).message).toMatch(/corrupt Arrow IPC file/);
  });
});

function withSchemaMeta(key: string, value: string): Uint8Array {
  return arrowFile(
    makeData({ type: new Float64(), data: Float64Array.of(1) }),
    new Map(),
    new Map([[key, value]]),
  );
}

describe("malformed JSON frames", () => {
  const field = (frame: string, extra = "") =>
    `{"name":"v","type":"number","typeInfo":{"frame":"${frame}"}${extra}}`;
  const cases: Array<[string, string, RegExp]> = [
    ["not JSON", "{", /^not valid JSON: /],
    ["not an object", "42", /^frame is not a JSON object$/],
    ["an array where one frame is expected", "[]", /expected one frame/],
    [
      "an unknown top-level property",
      '{"schema":{"fields":[]},"extra":1}',
      /unexpected property "extra"/,
    ],
    [
      "an unknown field type",
      `{"schema":{"fields":[${field("int128")}]}}`,
      /unknown typeInfo.frame "int128"/,
    ],
    [
      "more value columns than fields",
      `{"schema":{"fields":[${field("int8")}]},"data":{"values":[[1],[2]]}}`,
      /schema has 1 fields but data has 2 value columns/,
    ],
    [
      "columns of different lengths",
      `{"schema":{"fields":[${field("int8")},${field("int8")}]},"data":{"values":[[1,2],[1]]}}`,
      /value columns differ in length: "v" has 2, "v" has 1/,
    ],
    [
      "a value out of range",
      `{"schema":{"fields":[${field("uint8")}]},"data":{"values":[[1,256]]}}`,
      /field "v" \(uint8\): 256 at row 1 does not fit uint8/,
    ],
    [
      "a string in a number field",
      `{"schema":{"fields":[${field("float64")}]},"data":{"values":[["1"]]}}`,
      /"1" at row 0 is not a number/,
    ],
    [
      "an entity index out of range",
      `{"schema":{"fields":[${field("float64")}]},"data":{"values":[[1]],"entities":[{"NaN":[5]}]}}`,
      /NaN index 5 is out of range/,
    ],
    [
      "nanos outside 0..999999",
      `{"schema":{"fields":[${field("time.Time")}]},"data":{"values":[[1]],"nanos":[[1000000]]}}`,
      /nanos 1000000 is not an integer in 0..999999/,
    ],
    [
      "labels that are not strings",
      `{"schema":{"fields":[${field("int8", ',"labels":{"a":1}')}]}}`,
      /value of "a" is not a string/,
    ],
  ];

  it.each(cases)("rejects %s", (_, text, message) => {
    expect(decodeError(() => frameFromJSON(text)).message).toMatch(message);
  });

  it("reports parsed input with a bigint or a throwing getter as a FrameDecodeError", () => {
    const bigintType = { schema: { fields: [{ name: "v", typeInfo: { frame: 12n } }] } };
    expect(decodeError(() => frameFromJSON(bigintType)).message).toMatch(
      /unknown typeInfo.frame 12n/,
    );
    const hostile = {
      schema: {
        get fields(): never {
          throw new TypeError("no fields for you");
        },
      },
    };
    expect(decodeError(() => frameFromJSON(hostile)).message).toBe(
      "invalid frame: no fields for you",
    );
  });

  it("survives deeply nested input", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    decodeError(() => framesFromJSON(deep));
    const deepWithBigInt = `{"schema":{"fields":[]},"data":{"values":${"[".repeat(5000)}12345678901234567890${"]".repeat(5000)}}}`;
    expect(decodeError(() => frameFromJSON(deepWithBigInt)).message).toMatch(
      /nesting deeper than 512/,
    );
  });
});
