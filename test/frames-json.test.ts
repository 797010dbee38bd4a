// The JSON frame format against its three references: the Go SDK's golden JSON (deep-equal,
// int64 extremes exact), the format's JSON Schema (ajv), and Grafana's frontend decoder
// (@grafana/data's dataFrameFromJSON), which must read our JSON exactly as it reads Go's.

import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Frame } from "../runtime/frames/index.js";
import {
  frameFromArrow,
  frameFromJSON,
  frameToJSON,
  framesFromJSON,
  framesToJSON,
} from "../runtime/frames/index.js";
import { parseJSONText } from "../runtime/frames/json-text.js";
import {
  expectFrameMatchesGoldenJSON,
  frameSchemaPath,
  goldenArrow,
  goldenJSON,
  goldenJSONText,
  goldenSkipReason,
} from "./support/frames-golden.js";
import { dataFrameFromJSON } from "./support/frames-grafana-data.js";

describe.skipIf(goldenSkipReason !== undefined)(
  "JSON frame format vs the Go SDK golden files",
  () => {
    it("encodes the decoded golden Arrow frame to JSON deep-equal to all_types.golden.json", () => {
      const ours = parseJSONText(frameToJSON(frameFromArrow(goldenArrow())));
      expect(ours).toEqual(goldenJSON());
    });

    it("keeps int64/uint64 extremes as exact JSON integers", () => {
      const text = frameToJSON(frameFromArrow(goldenArrow()));
      expect(text).toContain(
        "[-9223372036854775808,-9007199254740991,1,9007199254740991,9223372036854775807]",
      );
      expect(text).toContain("[0,0,1,9007199254740991,18446744073709551615]");
      expect(text).toContain("[1e-45,1e-45,1,3.4028235e+38,3.4028235e+38]"); // float32 digits, as Go
    });

    it("decodes the golden JSON into the frame the golden Arrow file holds", () => {
      const fromJSON = frameFromJSON(goldenJSONText());
      expectFrameMatchesGoldenJSON(fromJSON, goldenJSON());
      expectSameFrame(fromJSON, frameFromArrow(goldenArrow()));
    });

    it("writes JSON that frame.schema.json accepts", () => {
      const ajv = new Ajv({ strict: false, formats: { "date-time": true } });
      const validate = ajv.compile(JSON.parse(readFileSync(frameSchemaPath, "utf8")));
      expect(validate(JSON.parse(goldenJSONText())), "the schema accepts the golden file").toBe(
        true,
      );
      const ours = JSON.parse(frameToJSON(frameFromArrow(goldenArrow())));
      expect(validate(ours), JSON.stringify(validate.errors)).toBe(true);
      const list = JSON.parse(framesToJSON([frameFromJSON(goldenJSONText())]));
      expect(validate(list[0]), JSON.stringify(validate.errors)).toBe(true);
    });

    it("is read by Grafana's frontend (dataFrameFromJSON) exactly as the golden JSON is", () => {
      // JSON.parse on both sides, as the frontend does (int64 extremes round the same way).
      const fromGo = dataFrameFromJSON(JSON.parse(goldenJSONText()));
      const fromUs = dataFrameFromJSON(JSON.parse(frameToJSON(frameFromArrow(goldenArrow()))));
      expect(fromUs.name).toBe("many_types");
      expect(fromUs.refId).toBe("A");
      expect(fromUs.meta).toEqual(fromGo.meta);
      expect(fromUs.length).toBe(fromGo.length);
      expect(fromUs.fields.map((f) => [f.name, f.type])).toEqual(
        fromGo.fields.map((f) => [f.name, f.type]),
      );
      fromGo.fields.forEach((expected, i) => {
        const actual = fromUs.fields[i];
        expect(actual.labels, expected.name).toEqual(expected.labels);
        expect(actual.config, expected.name).toEqual(expected.config);
        expect(actual.values, expected.name).toEqual(expected.values); // NaN/±Inf restored from entities
        expect(actual.nanos, expected.name).toEqual(expected.nanos);
      });
      // Spot checks that the comparison above compared real content.
      const byName = (name: string) => fromUs.fields.find((f) => f.name === name)!;
      expect(byName("float64_nans").values).toEqual([-Infinity, NaN, 0, NaN, Infinity]);
      expect(byName("nullable_timestamps").nanos).toEqual([0, 0, 0, 740991, 775807]);
      expect(byName("enum").type).toBe("enum");
    });
  },
);

describe("JSON frame format: decoding what Go and the frontend write", () => {
  it("reads a JSON array of frames and a single frame object", () => {
    const one =
      '{"schema":{"name":"a","fields":[{"name":"v","type":"number","typeInfo":{"frame":"int32"}}]},"data":{"values":[[1,2]]}}';
    expect(framesFromJSON(`[${one},${one}]`)).toHaveLength(2);
    expect(framesFromJSON(one).map((f) => f.name)).toEqual(["a"]);
  });

  it("reads frontend frames without typeInfo, with entities, nanos and enums", () => {
    const frame = frameFromJSON({
      schema: {
        fields: [
          { name: "t", type: "time" },
          { name: "v", type: "number" },
          { name: "s", type: "string" },
        ],
      },
      data: {
        values: [
          [1000, 2000, null],
          [1.5, null, null],
          [0, 1, 0],
        ],
        entities: [null, { Inf: [1], Undef: [2] }, null],
        nanos: [[5, 0, 0], null, null],
        enums: [null, null, ["low", "high"]],
      },
    });
    expect(frame.fields.map((f) => [f.type, f.nullable])).toEqual([
      ["time", true],
      ["float64", true],
      ["string", true], // no typeInfo: nullable, as the frontend's values may hold null anywhere
    ]);
    expect(frame.fields[0].get(0)).toBe(1_000_000_005n);
    expect(frame.fields[0].get(2)).toBeNull();
    expect([0, 1, 2].map((i) => frame.fields[1].get(i))).toEqual([1.5, Infinity, null]);
    expect([0, 1, 2].map((i) => frame.fields[2].get(i))).toEqual(["low", "high", "low"]);
  });

  it("reads nulls in non-nullable fields as the zero value, as Go does", () => {
    const frame = frameFromJSON({
      schema: { fields: [{ name: "n", typeInfo: { frame: "int8" } }] },
      data: { values: [[1, null]] },
    });
    expect(frame.fields[0].nullable).toBe(false);
    expect(frame.fields[0].get(1)).toBe(0);
  });
});

function expectSameFrame(actual: Frame, expected: Frame): void {
  expect(actual.name).toBe(expected.name);
  expect(actual.refId).toBe(expected.refId);
  expect(actual.meta).toEqual(expected.meta);
  expect(actual.fields).toHaveLength(expected.fields.length);
  expected.fields.forEach((e, i) => {
    const a = actual.fields[i];
    expect([a.name, a.type, a.nullable, a.labels, a.config]).toEqual([
      e.name,
      e.type,
      e.nullable,
      e.labels,
      e.config,
    ]);
    expect(a.validity, e.name).toEqual(e.validity);
    expect(
      Array.from({ length: a.length }, (_, r) => a.get(r)),
      e.name,
    ).toEqual(Array.from({ length: e.length }, (_, r) => e.get(r)));
  });
}
