// The Go SDK's golden data-frame files (shared/upstream/frames) and an independent reading of
// the golden JSON, used to check decoded frames value by value. The reading here deliberately
// does not use the frames module's JSON decoder: it is the test's own statement of what the JSON
// format means (typeInfo, entities, nanos), so the Arrow decoder is checked against it rather
// than against itself.

import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Field, Frame } from "../../runtime/frames/index.js";
import { parseJSONText } from "../../runtime/frames/json-text.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const goldenDir = path.resolve(repoRoot, "../shared/upstream/frames");
export const goldenArrowPath = path.join(goldenDir, "all_types.golden.arrow");
export const goldenJSONPath = path.join(goldenDir, "all_types.golden.json");
export const frameSchemaPath = path.join(goldenDir, "frame.schema.json");

const missing = [goldenArrowPath, goldenJSONPath, frameSchemaPath].filter((p) => !existsSync(p));
/** Why golden-file tests are skipped, or undefined when the files are there. */
export const goldenSkipReason =
  missing.length === 0 ? undefined : `golden frame files not found: ${missing.join(", ")}`;
if (goldenSkipReason) console.warn(`[frames] SKIPPED golden-file tests: ${goldenSkipReason}`);

export function goldenArrow(): Uint8Array {
  return new Uint8Array(readFileSync(goldenArrowPath));
}

export function goldenJSONText(): string {
  return readFileSync(goldenJSONPath, "utf8");
}

/** The golden JSON with int64 extremes kept exact (bigints). */
export function goldenJSON(): GoldenJSON {
  return parseJSONText(goldenJSONText()) as GoldenJSON;
}

export interface GoldenJSON {
  schema: {
    name?: string;
    refId?: string;
    meta?: Record<string, unknown>;
    fields: Array<{
      name: string;
      type: string;
      typeInfo: { frame: string; nullable?: boolean };
      labels?: Record<string, string>;
      config?: Record<string, unknown>;
    }>;
  };
  data: {
    values: unknown[][];
    entities?: Array<Record<string, number[]> | null>;
    nanos?: Array<number[] | null>;
  };
}

const GO_ITEM_TYPE: Record<string, Field["type"]> = {
  "time.Time": "time",
  "json.RawMessage": "json",
};

/**
 * Asserts that `frame` holds exactly what the golden JSON describes: frame name, refId, meta;
 * per field name, type, nullability, labels, config; per cell the value (NaN/±Inf from entities,
 * nanosecond times from values + nanos, int64 extremes exactly, float32 at float32 precision).
 */
export function expectFrameMatchesGoldenJSON(frame: Frame, golden: GoldenJSON): void {
  expect(frame.name).toBe(golden.schema.name ?? "");
  expect(frame.refId).toBe(golden.schema.refId ?? "");
  expect(frame.meta).toEqual(golden.schema.meta);
  expect(frame.fields.map((f) => f.name)).toEqual(golden.schema.fields.map((f) => f.name));
  golden.schema.fields.forEach((spec, i) => {
    const field = frame.fields[i];
    const where = `field ${i} ${spec.name}`;
    expect(field.type, where).toBe(GO_ITEM_TYPE[spec.typeInfo.frame] ?? spec.typeInfo.frame);
    expect(field.nullable, where).toBe(spec.typeInfo.nullable === true);
    expect(field.labels, where).toEqual(spec.labels);
    expect(field.config, where).toEqual(spec.config);
    const column = golden.data.values[i];
    expect(field.length, where).toBe(column.length);
    column.forEach((cell, row) => {
      const expected = expectedCell(
        field.type,
        cell,
        row,
        golden.data.entities?.[i],
        golden.data.nanos?.[i],
      );
      expect(field.get(row), `${where} row ${row}`).toEqual(expected);
    });
  });
}

function expectedCell(
  type: Field["type"],
  cell: unknown,
  row: number,
  entities: Record<string, number[]> | null | undefined,
  nanos: number[] | null | undefined,
): unknown {
  for (const [key, value] of [
    ["NaN", NaN],
    ["Inf", Infinity],
    ["NegInf", -Infinity],
  ] as const) {
    if (entities?.[key]?.includes(row)) return type === "float32" ? Math.fround(value) : value;
  }
  if (cell === null) return null;
  switch (type) {
    case "int64":
    case "uint64":
      return BigInt(cell as number | bigint);
    case "float32":
      return Math.fround(cell as number);
    case "time":
      return BigInt(cell as number) * 1_000_000n + BigInt(nanos?.[row] ?? 0);
    default:
      return cell;
  }
}
