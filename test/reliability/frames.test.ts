// Damaged data frames never crash or hang the frame codecs. From the Go
// SDK's golden files (every field type), RELIABILITY_FRAME_MUTATIONS (default
// 5,000) mutated copies each, plus targeted damage:
// - Arrow: every byte of the record-batch header and the footer set to 0x00,
//   0xFF and flipped (where a corrupt vector length or message type used to
//   hang apache-arrow), then random multi-byte damage anywhere;
// - JSON: random byte damage to the text, and structural damage to the
//   parsed document (values replaced by other types, keys deleted, array
//   items dropped or repeated, parts swapped).
// Each case either decodes (and, for the random ones, the frame encodes back
// to Arrow and JSON) or throws FrameDecodeError / FrameShapeError, nothing
// else, and each finishes within 1 s.
import { describe, expect, it } from "vitest";
import {
  FrameDecodeError,
  FrameShapeError,
  frameFromArrow,
  frameFromJSON,
  frameToArrow,
  frameToJSON,
} from "../../runtime/frames/index.js";
import { mutateBytes, seededRandom } from "../support/byte-mutations.js";
import { goldenArrow, goldenJSONText, goldenSkipReason } from "../support/frames-golden.js";

const MUTATIONS = Number(process.env.RELIABILITY_FRAME_MUTATIONS ?? 5_000);
/** The bound for one decode (and re-encode) of damaged input: no hang. */
const EACH_WITHIN_MS = 1_000;

interface Outcome {
  decoded: number;
  rejected: number;
  slowestMs: number;
  /** Anything but a frame or a FrameDecodeError / FrameShapeError. */
  unexpected: string[];
}

function run(cases: Iterable<{ label: string; decode: () => unknown }>): Outcome {
  const outcome: Outcome = { decoded: 0, rejected: 0, slowestMs: 0, unexpected: [] };
  for (const { label, decode } of cases) {
    const started = performance.now();
    try {
      decode();
      outcome.decoded++;
    } catch (error) {
      if (error instanceof FrameDecodeError || error instanceof FrameShapeError) outcome.rejected++;
      else outcome.unexpected.push(`${label}: ${(error as Error)?.stack ?? String(error)}`);
    }
    outcome.slowestMs = Math.max(outcome.slowestMs, performance.now() - started);
  }
  return outcome;
}

/** Decode, then encode the frame both ways: a frame that decodes must be usable. */
function arrowRoundTrip(bytes: Uint8Array) {
  const frame = frameFromArrow(bytes);
  frameToArrow(frame);
  frameToJSON(frame);
}

function jsonRoundTrip(text: string | object) {
  const frame = frameFromJSON(text);
  frameToArrow(frame);
  frameToJSON(frame);
}

function* arrowCases(golden: Uint8Array) {
  // The metadata that steers the reader: the record-batch message header and the footer.
  const footerStart =
    golden.length - 10 - new DataView(golden.buffer).getInt32(golden.length - 10, true);
  for (const [from, to] of [
    [4912, 4912 + 64],
    [footerStart, golden.length],
  ])
    for (let at = from; at < to; at++)
      for (const value of [0x00, 0xff, golden[at] ^ 0x40]) {
        const bytes = golden.slice();
        bytes[at] = value;
        yield { label: `byte ${at} = ${value}`, decode: () => frameFromArrow(bytes) };
      }
  const random = seededRandom(5_000);
  for (let i = 0; i < MUTATIONS; i++) {
    const bytes = mutateBytes(golden, random);
    yield { label: `random #${i}`, decode: () => arrowRoundTrip(bytes) };
  }
}

/** One structural change somewhere in a parsed JSON document (in place). */
function damageDocument(doc: unknown, random: (below: number) => number): void {
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const collect = (node: unknown) => {
    if (node && typeof node === "object") {
      containers.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) collect(child);
    }
  };
  collect(doc);
  const replacements = [null, 0, -1, 1.5, 1e308, "", "x", true, [], {}, [null], { a: 1 }, "NaN"];
  const target = containers[random(containers.length)];
  const keys = Object.keys(target);
  if (keys.length === 0) return;
  const key = keys[random(keys.length)];
  const slot = target as Record<string, unknown>;
  switch (random(5)) {
    case 0:
      slot[key] = replacements[random(replacements.length)];
      break;
    case 1:
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete slot[key];
      break;
    case 2:
      if (Array.isArray(target)) target.push(structuredClone(target[Number(key)]));
      else slot[`${key}_copy`] = slot[key];
      break;
    case 3: {
      // Another part of the document in this place.
      const other = containers[random(containers.length)];
      slot[key] = structuredClone(other);
      break;
    }
    default:
      if (Array.isArray(slot[key])) (slot[key] as unknown[]).reverse();
      else slot[key] = [slot[key]];
  }
}

function* jsonCases(golden: string) {
  const random = seededRandom(6_000);
  const bytes = new TextEncoder().encode(golden);
  const text = new TextDecoder();
  for (let i = 0; i < MUTATIONS; i++) {
    const damaged = text.decode(mutateBytes(bytes, random));
    yield { label: `bytes #${i}`, decode: () => jsonRoundTrip(damaged) };
  }
  for (let i = 0; i < MUTATIONS; i++) {
    const doc = JSON.parse(golden) as unknown;
    for (let k = 0; k <= random(3); k++) damageDocument(doc, random);
    const damaged = JSON.stringify(doc);
    yield {
      label: `structure #${i}: ${damaged.slice(0, 200)}`,
      decode: () => jsonRoundTrip(damaged),
    };
  }
}

describe.skipIf(goldenSkipReason !== undefined)("damaged frames", () => {
  it(`Arrow: targeted damage and ${MUTATIONS} random mutations of the golden file`, () => {
    const outcome = run(arrowCases(goldenArrow()));
    console.log(
      `Arrow: ${outcome.decoded} decoded, ${outcome.rejected} rejected, slowest ${outcome.slowestMs.toFixed(1)} ms`,
    );
    expect(outcome.unexpected.slice(0, 5)).toEqual([]);
    expect(outcome.rejected).toBeGreaterThanOrEqual(MUTATIONS / 2);
    expect(outcome.decoded).toBeGreaterThan(0); // damage in string payloads decodes to other strings
    expect(outcome.slowestMs).toBeLessThan(EACH_WITHIN_MS);
  }, 300_000);

  it(`JSON: ${MUTATIONS} byte and ${MUTATIONS} structural mutations of the golden file`, () => {
    const outcome = run(jsonCases(goldenJSONText()));
    console.log(
      `JSON: ${outcome.decoded} decoded, ${outcome.rejected} rejected, slowest ${outcome.slowestMs.toFixed(1)} ms`,
    );
    expect(outcome.unexpected.slice(0, 5)).toEqual([]);
    expect(outcome.rejected).toBeGreaterThanOrEqual(MUTATIONS / 2);
    expect(outcome.decoded).toBeGreaterThan(0);
    expect(outcome.slowestMs).toBeLessThan(EACH_WITHIN_MS);
  }, 300_000);
});
