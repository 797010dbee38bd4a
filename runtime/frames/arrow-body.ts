/**
 * The body of a frame's record batch: per column a validity buffer (empty when no value is null)
 * and the buffers of its type, in Arrow order, each holding exactly the bytes Go records as its
 * length. Typed-array columns are views of the field's storage (no copies); only bool, string and
 * json columns are packed. The file writer pads each buffer to 8 bytes.
 */
import { bitmapBytes, getBit, packBytes } from "./bitmap.js";
import type { Field } from "./field.js";
import type { Frame } from "./frame.js";

export interface RecordBatchBody {
  /** Null count of each column (every column has the frame's row count). */
  nullCounts: number[];
  buffers: Uint8Array[];
}

const EMPTY = new Uint8Array(0);

export function recordBatchBody(frame: Frame, rows: number): RecordBatchBody {
  const nullCounts: number[] = [];
  const buffers: Uint8Array[] = [];
  for (const field of frame.fields) {
    const nullCount = field.nullCount;
    nullCounts.push(nullCount);
    const validity = nullCount > 0 ? field.validity! : undefined;
    buffers.push(validity ?? EMPTY);
    addValueBuffers(field, rows, nullCount, validity, buffers);
  }
  return { nullCounts, buffers };
}

function addValueBuffers(
  field: Field,
  rows: number,
  nullCount: number,
  validity: Uint8Array | undefined,
  buffers: Uint8Array[],
): void {
  switch (field.type) {
    case "string":
    case "json": {
      const { offsets, bytes } = utf8Column(field.values as string[], rows, validity);
      buffers.push(bytesOf(offsets), bytes);
      return;
    }
    case "bool":
      // apache-arrow writes an all-null bool column as zeros, whatever the stored bytes.
      buffers.push(
        nullCount >= rows
          ? new Uint8Array(bitmapBytes(rows))
          : packBytes(field.values as Uint8Array, rows),
      );
      return;
    default:
      buffers.push(bytesOf(field.values as Exclude<Field["values"], string[]>));
  }
}

function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

const encoder = new TextEncoder();

/** UTF-8 bytes and Int32 offsets of a string column; null rows are empty, as Go writes them. */
export function utf8Column(values: string[], rows: number, validity: Uint8Array | undefined) {
  const offsets = new Int32Array(rows + 1);
  let bytes = new Uint8Array(Math.max(64, rows * 8));
  let end = 0;
  for (let i = 0; i < rows; i++) {
    if (validity === undefined || getBit(validity, i)) {
      const s = values[i];
      if (end + s.length * 3 > bytes.length) bytes = grow(bytes, end, end + s.length * 3);
      end = writeUTF8(s, bytes, end);
    }
    offsets[i + 1] = end;
  }
  return { offsets, bytes: bytes.subarray(0, end) };
}

/**
 * Writes `s` at `at` (room for 3 bytes per UTF-16 unit is there) and returns the end. Labels,
 * units and status texts are mostly ASCII and short, where a loop beats TextEncoder's per-call
 * cost; the first non-ASCII character hands the rest of the string to TextEncoder.
 */
function writeUTF8(s: string, bytes: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return at + encoder.encodeInto(s.slice(i), bytes.subarray(at)).written;
    bytes[at++] = c;
  }
  return at;
}

function grow(bytes: Uint8Array, used: number, needed: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(Math.max(bytes.length * 2, needed));
  grown.set(bytes.subarray(0, used));
  return grown;
}
