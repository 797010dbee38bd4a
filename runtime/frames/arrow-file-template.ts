/**
 * Writing an Arrow file for a frame whose shape has been encoded before, without apache-arrow.
 *
 * For a given schema every byte of the file outside the body is fixed except a handful of
 * integers: the record batch's row count, each column's null count, each buffer's offset and
 * length, and the body length (in the record-batch message and in the footer's block). The
 * flatbuffers around them keep their layout, because none of these is ever a default value that
 * the builder would leave out (a written batch has rows > 0 and a non-empty body; the structs in
 * vectors are always written whole). So the template is a file apache-arrow wrote for the first
 * frame of the shape, cut into head (magic + schema message), record-batch message and tail
 * (end-of-stream marker + footer + magic), with the positions of those integers found by reading
 * the flatbuffers; a new frame's file is the three parts, patched, around its body.
 */
import { uninitializedBytes } from "./alloc.js";
import type { RecordBatchBody } from "./arrow-body.js";

export interface ArrowFileTemplate {
  /** Magic, padding, schema message. */
  head: Uint8Array;
  /** Continuation marker, length, Message flatbuffer with a RecordBatch header, padding. */
  batchMessage: Uint8Array;
  /** End-of-stream marker, Footer flatbuffer, its length, magic. */
  tail: Uint8Array;
  /** Positions (in batchMessage) of RecordBatch.length, the first FieldNode, the first Buffer. */
  lengthAt: number;
  nodesAt: number;
  buffersAt: number;
  /** Positions of Message.bodyLength (in batchMessage) and of the footer Block's (in tail). */
  bodyLengthAt: number;
  blockBodyLengthAt: number;
  columns: number;
  buffers: number;
}

const TWO_32 = 4294967296;

/**
 * Cuts `file` (one record batch with `body`'s columns and buffers, as apache-arrow's writer and
 * arrow-encode-reference.ts lay it out) into a template. Undefined if the file is not laid out
 * that way; the caller then keeps using the reference encoder for the shape.
 */
export function templateFromFile(
  file: Uint8Array,
  body: RecordBatchBody,
): ArrowFileTemplate | undefined {
  const fb = new FlatbufferReader(file);
  const batchAt = 16 + fb.int32(12); // magic + padding (8), then the schema message
  if (batchAt + 8 > file.length || fb.int32(batchAt) !== -1) return undefined;
  const metadataAt = batchAt + 8;
  const bodyAt = metadataAt + fb.int32(batchAt + 4);
  const message = fb.root(metadataAt);
  const header = fb.field(message, 2);
  const bodyLengthAt = fb.field(message, 3);
  if (header === 0 || bodyLengthAt === 0) return undefined;
  const batch = fb.indirect(header);
  const lengthAt = fb.field(batch, 0);
  const nodes = fb.vector(fb.field(batch, 1));
  const buffers = fb.vector(fb.field(batch, 2));
  if (lengthAt === 0 || nodes.length !== body.nullCounts.length) return undefined;
  if (buffers.length !== body.buffers.length) return undefined;

  const tailAt = bodyAt + fb.int64(bodyLengthAt);
  const footer = fb.root(tailAt + 8); // after the end-of-stream marker
  const blocks = fb.vector(fb.field(footer, 3));
  if (blocks.length !== 1) return undefined;
  // Block: offset int64, metaDataLength int32, 4 bytes padding, bodyLength int64.
  if (fb.int64(blocks.at) !== batchAt || fb.int32(blocks.at + 8) !== bodyAt - batchAt) {
    return undefined;
  }
  return {
    head: file.slice(0, batchAt),
    batchMessage: file.slice(batchAt, bodyAt),
    tail: file.slice(tailAt),
    lengthAt: lengthAt - batchAt,
    nodesAt: nodes.at - batchAt,
    buffersAt: buffers.at - batchAt,
    bodyLengthAt: bodyLengthAt - batchAt,
    blockBodyLengthAt: blocks.at + 16 - tailAt,
    columns: nodes.length,
    buffers: buffers.length,
  };
}

/** The Arrow file of a frame with `rows` rows (> 0) and `body`, whose shape `t` was cut from. */
export function writeFromTemplate(
  t: ArrowFileTemplate,
  rows: number,
  body: RecordBatchBody,
): Uint8Array {
  const { buffers, nullCounts } = body;
  let bodyLength = 0;
  for (const b of buffers) bodyLength += padded(b.length);
  const batchAt = t.head.length;
  const bodyAt = batchAt + t.batchMessage.length;
  const tailAt = bodyAt + bodyLength;
  const out = uninitializedBytes(tailAt + t.tail.length); // every byte is written below
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  out.set(t.head, 0);
  out.set(t.batchMessage, batchAt);
  setInt64(view, batchAt + t.lengthAt, rows);
  for (let i = 0; i < nullCounts.length; i++) {
    const node = batchAt + t.nodesAt + i * 16; // FieldNode: length int64, null_count int64
    setInt64(view, node, rows);
    setInt64(view, node + 8, nullCounts[i]);
  }
  setInt64(view, batchAt + t.bodyLengthAt, bodyLength);
  let at = bodyAt;
  for (let i = 0; i < buffers.length; i++) {
    const bytes = buffers[i];
    const region = batchAt + t.buffersAt + i * 16; // Buffer: offset int64, length int64
    setInt64(view, region, at - bodyAt);
    setInt64(view, region + 8, bytes.length);
    out.set(bytes, at);
    const end = at + padded(bytes.length);
    out.fill(0, at + bytes.length, end);
    at = end;
  }
  out.set(t.tail, tailAt);
  setInt64(view, tailAt + t.blockBodyLengthAt, bodyLength);
  return out;
}

function padded(length: number): number {
  return (length + 7) & ~7;
}

/** A non-negative integer below 2⁵³ as a little-endian int64. */
function setInt64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

/** Just enough of the flatbuffers format to find where a table's scalars and vectors sit. */
class FlatbufferReader {
  #view: DataView;

  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int32(at: number): number {
    return this.#view.getInt32(at, true);
  }

  int64(at: number): number {
    return Number(this.#view.getBigInt64(at, true));
  }

  /** The root table of the flatbuffer starting at `at`. */
  root(at: number): number {
    return this.indirect(at);
  }

  /** The target of the unsigned offset stored at `at`. */
  indirect(at: number): number {
    return at + this.#view.getUint32(at, true);
  }

  /** Position of field number `index` of the table at `table`, or 0 when it is not stored. */
  field(table: number, index: number): number {
    const vtable = table - this.int32(table);
    const slot = 4 + 2 * index;
    if (slot >= this.#view.getUint16(vtable, true)) return 0;
    const offset = this.#view.getUint16(vtable + slot, true);
    return offset === 0 ? 0 : table + offset;
  }

  /** The vector whose offset is stored at `at` (a field position): its first element and length. */
  vector(at: number): { at: number; length: number } {
    if (at === 0) return { at: 0, length: 0 };
    const start = this.indirect(at);
    return { at: start + 4, length: this.#view.getUint32(start, true) };
  }
}
