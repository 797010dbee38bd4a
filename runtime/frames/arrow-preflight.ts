/**
 * Bounds checks on an Arrow IPC file's metadata before apache-arrow reads it.
 *
 * apache-arrow trusts the flatbuffer metadata: a corrupt vector length makes it loop over billions
 * of phantom schema fields, and a record-batch block that points at a message of another type
 * makes its file reader retry the same block forever. This module walks the same metadata —
 * footer → schema → fields (recursively) → record-batch messages — and only checks that every
 * table, vector and block lies inside the bytes and that each block holds a record batch. It reads
 * nothing for decoding; apache-arrow still does all of that.
 *
 * Table layouts (slot numbers) are those of Arrow's File.fbs, Schema.fbs and Message.fbs.
 */
import { FrameDecodeError } from "./errors.js";

const FOOTER = { schema: 1, dictionaries: 2, recordBatches: 3, metadata: 4 };
const SCHEMA = { fields: 1, metadata: 2, features: 3 };
const FIELD = { children: 5, metadata: 6 };
const MESSAGE = { headerType: 1, header: 2, metadata: 4 };
const RECORD_BATCH = { nodes: 1, buffers: 2, variadicCounts: 4 };
const HEADER_RECORD_BATCH = 3;
const BLOCK_SIZE = 24; // struct Block { offset: long; metaDataLength: int; bodyLength: long }
const NODE_SIZE = 16; // struct FieldNode { length: long; null_count: long }
const BUFFER_SIZE = 16; // struct Buffer { offset: long; length: long }

/** Throws FrameDecodeError if the metadata of the (envelope-checked) file points outside it. */
export function preflightArrowFile(bytes: Uint8Array): void {
  const file = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = file.getInt32(bytes.length - 10, true);
  const footerStart = bytes.length - 10 - footerLength;
  const footer = new FlatBuffer(
    new DataView(bytes.buffer, bytes.byteOffset + footerStart, footerLength),
    "footer",
  );
  const root = footer.root();
  const schema = footer.table(root, FOOTER.schema);
  if (schema === null)
    throw new FrameDecodeError("corrupt Arrow IPC file: the footer has no schema");
  footer.structs(root, FOOTER.dictionaries, BLOCK_SIZE);
  footer.tables(root, FOOTER.metadata);
  footer.tables(schema, SCHEMA.metadata);
  footer.structs(schema, SCHEMA.features, 8);
  checkFields(footer, footer.tables(schema, SCHEMA.fields), { visited: 0, depth: 0 });
  const blocks = footer.structs(root, FOOTER.recordBatches, BLOCK_SIZE);
  for (let i = 0; i < blocks.count; i++) {
    const at = footer.view.byteOffset - file.byteOffset + blocks.start + i * BLOCK_SIZE;
    checkRecordBatchBlock(bytes, file, footerStart, {
      offset: Number(file.getBigInt64(at, true)),
      metaDataLength: file.getInt32(at + 8, true),
      bodyLength: Number(file.getBigInt64(at + 16, true)),
      index: i,
    });
  }
}

/** Visits every field table once per reference, as apache-arrow's schema decoder will. */
function checkFields(
  fb: FlatBuffer,
  fields: number[],
  walk: { visited: number; depth: number },
): void {
  if (walk.depth > 64) throw fb.corrupt("schema fields nest deeper than 64 levels");
  for (const field of fields) {
    // Shared subtrees would let a small file describe an enormous schema.
    if (++walk.visited > fb.view.byteLength / 4)
      throw fb.corrupt("schema describes more fields than it can hold");
    fb.tables(field, FIELD.metadata);
    walk.depth++;
    checkFields(fb, fb.tables(field, FIELD.children), walk);
    walk.depth--;
  }
}

interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
  index: number;
}

function checkRecordBatchBlock(
  bytes: Uint8Array,
  file: DataView,
  footerStart: number,
  block: Block,
): void {
  const where = `record batch ${block.index}`;
  const { offset, metaDataLength, bodyLength } = block;
  const end = offset + metaDataLength + bodyLength;
  if (!(offset >= 8 && metaDataLength >= 8 && bodyLength >= 0 && end <= footerStart)) {
    throw new FrameDecodeError(`corrupt Arrow IPC file: ${where} lies outside the file`);
  }
  // Encapsulated message: 0xFFFFFFFF continuation, int32 flatbuffer length, flatbuffer, body.
  if (file.getInt32(offset, true) !== -1) {
    throw new FrameDecodeError(`corrupt Arrow IPC file: ${where} does not start a message`);
  }
  const length = file.getInt32(offset + 4, true);
  if (!(length > 0 && length <= metaDataLength - 8)) {
    throw new FrameDecodeError(
      `corrupt Arrow IPC file: ${where} has a message length of ${length}`,
    );
  }
  const fb = new FlatBuffer(
    new DataView(bytes.buffer, bytes.byteOffset + offset + 8, length),
    where,
  );
  const message = fb.root();
  if (fb.u8(message, MESSAGE.headerType) !== HEADER_RECORD_BATCH) {
    throw fb.corrupt("does not hold a record batch message");
  }
  const header = fb.table(message, MESSAGE.header);
  if (header === null) throw fb.corrupt("has no record batch header");
  fb.tables(message, MESSAGE.metadata);
  fb.structs(header, RECORD_BATCH.nodes, NODE_SIZE);
  fb.structs(header, RECORD_BATCH.buffers, BUFFER_SIZE);
  fb.structs(header, RECORD_BATCH.variadicCounts, 8);
}

/** Just enough flatbuffer reading to check that tables and vectors lie inside `view`. */
class FlatBuffer {
  constructor(
    readonly view: DataView,
    private readonly what: string,
  ) {}

  corrupt(problem: string): FrameDecodeError {
    return new FrameDecodeError(`corrupt Arrow IPC file: ${this.what} ${problem}`);
  }

  root(): number {
    return this.tableAt(this.u32At(0));
  }

  /** The table referenced from `slot`, or null if the slot is absent. */
  table(table: number, slot: number): number | null {
    const at = this.slotPosition(table, slot);
    return at === null ? null : this.tableAt(at + this.u32At(at));
  }

  /** Positions of the tables in the vector at `slot` (empty if absent). */
  tables(table: number, slot: number): number[] {
    const { start, count } = this.vector(table, slot, 4);
    return Array.from({ length: count }, (_, i) => {
      const at = start + 4 * i;
      return this.tableAt(at + this.u32At(at));
    });
  }

  /** Start and element count of the vector of `size`-byte structs at `slot`. */
  structs(table: number, slot: number, size: number): { start: number; count: number } {
    return this.vector(table, slot, size);
  }

  u8(table: number, slot: number): number {
    const at = this.slotPosition(table, slot);
    return at === null ? 0 : this.view.getUint8(this.inside(at, 1));
  }

  private vector(table: number, slot: number, size: number): { start: number; count: number } {
    const at = this.slotPosition(table, slot);
    if (at === null) return { start: 0, count: 0 };
    const vector = at + this.u32At(at);
    const count = this.u32At(vector);
    if (count * size > this.view.byteLength - vector - 4)
      throw this.corrupt(`has a vector of ${count} entries past its end`);
    return { start: vector + 4, count };
  }

  private tableAt(pos: number): number {
    const vtable = pos - this.view.getInt32(this.inside(pos, 4), true);
    const vtableLength = this.view.getUint16(this.inside(vtable, 4), true);
    if (vtableLength < 4 || (vtableLength & 1) !== 0) throw this.corrupt("has a malformed table");
    this.inside(vtable, vtableLength);
    return pos;
  }

  /** Absolute position of a present slot's value, or null. */
  private slotPosition(table: number, slot: number): number | null {
    const vtable = table - this.view.getInt32(table, true);
    const vtableLength = this.view.getUint16(vtable, true);
    const entry = 4 + 2 * slot;
    if (entry + 2 > vtableLength) return null;
    const offset = this.view.getUint16(vtable + entry, true);
    return offset === 0 ? null : this.inside(table + offset, 1);
  }

  private u32At(pos: number): number {
    return this.view.getUint32(this.inside(pos, 4), true);
  }

  private inside(pos: number, length: number): number {
    if (!(pos >= 0 && pos + length <= this.view.byteLength))
      throw this.corrupt("points outside its bytes");
    return pos;
  }
}
