/**
 * Frame → Arrow IPC file, in the layout the Go SDK's `Frame.MarshalArrow` produces: the `ARROW1`
 * file format (magic, schema message, one record batch, end-of-stream marker, footer, magic), the
 * schema and field metadata described in arrow-types.ts, and the columns handed to apache-arrow
 * without copying (typed-array storage and validity bitmaps are used as they are; only bool,
 * string and json columns are packed).
 */
import type { Data, DataType, Vector } from "apache-arrow";
import {
  Field as ArrowField,
  Message,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Table,
  Type,
  makeData,
} from "apache-arrow";
import {
  META_CONFIG,
  META_FRAME_META,
  META_LABELS,
  META_NAME,
  META_REF_ID,
  META_TSTYPE,
  arrowTypeFor,
} from "./arrow-types.js";
import { uninitializedBytes } from "./alloc.js";
import { bitmapBytes, getBit, packBytes } from "./bitmap.js";
import type { Field } from "./field.js";
import { TYPE_INFO } from "./field-type.js";
import type { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import { canonicalFieldConfig, canonicalFrameMeta } from "./go-order.js";

/**
 * Encodes `frame` as an Arrow IPC file that the Go SDK's `data.UnmarshalArrowFrame` reads back into
 * the same frame. Throws FrameShapeError if the fields differ in length.
 */
export function frameToArrow(frame: Frame): Uint8Array {
  const rows = frame.rowCount();
  const schema = arrowSchema(frame);
  const writer = new GoLayoutFileWriter();
  if (rows === 0) {
    // Go's table reader yields no record batch for an empty table: schema and footer only.
    return writer.writeAll(new Table(schema)).joined();
  }
  const children = frame.fields.map((f, i) => columnData(f, schema.fields[i].type, rows));
  const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
  return writer.writeAll([new RecordBatch(schema, data)]).joined();
}

/**
 * apache-arrow's file writer leaves the schema message out of the stream part of the file (readers
 * take it from the footer). Go's writer, like the Arrow format description (magic, then the stream
 * format, then the footer), writes it right after the magic, so streaming readers that skip the
 * magic can read the file too. This writer does the same.
 */
class GoLayoutFileWriter extends RecordBatchFileWriter {
  #chunks: Uint8Array[] = [];

  /**
   * Keeps the written pieces (views of the columns, no copies) instead of queueing them in
   * apache-arrow's stream sink; {@link joined} then copies each byte once into the output.
   */
  protected override _write(chunk: ArrayBufferView): this {
    if (this._started && chunk.byteLength > 0) {
      this.#chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this._position += chunk.byteLength;
    }
    return this;
  }

  /**
   * The whole file in one buffer, allocated without zero-filling: every byte is written below
   * (padding too, which apache-arrow writes as chunks of zeros), so encoding costs one memcpy.
   */
  joined(): Uint8Array {
    const length = this.#chunks.reduce((n, c) => n + c.length, 0);
    const out = uninitializedBytes(length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.#chunks = [];
    return out;
  }

  protected override _writeSchema(schema: Schema): this {
    this._writeMagic()._writePadding(2);
    return this._writeMessage(Message.from(schema));
  }

  /**
   * Buffer lengths as Go records them: the bytes the buffer holds, not rounded up to the 8-byte
   * padding that follows it. Offsets and body bytes are the same either way; only the recorded
   * length of bitmaps and of buffers whose size is not a multiple of 8 changes.
   */
  protected override _assembleRecordBatch(batch: RecordBatch | Vector) {
    const assembled = super._assembleRecordBatch(batch);
    const bitmapRows = batch instanceof RecordBatch ? bitmapBufferRows(batch.data.children) : [];
    if (bitmapRows.length !== assembled.buffers.length) return assembled; // not a layout we know
    assembled.bufferRegions.forEach((region, i) => {
      const rows = bitmapRows[i];
      const exact = assembled.buffers[i].byteLength;
      region.length = rows === undefined ? exact : Math.min(exact, bitmapBytes(rows));
    });
    return assembled;
  }
}

/**
 * For each buffer apache-arrow assembles (validity first, then the type's buffers, per column):
 * the row count if it is a bitmap, whose assembled copy is padded to 8 bytes, else undefined.
 */
function bitmapBufferRows(columns: readonly Data[]): Array<number | undefined> {
  return columns.flatMap((d) => {
    const validity = d.nullCount > 0 ? d.length : 0;
    if (d.typeId === Type.Bool) return [validity, d.length];
    if (d.typeId === Type.Utf8 || d.typeId === Type.Binary) return [validity, undefined, undefined];
    return [validity, undefined];
  });
}

function arrowSchema(frame: Frame): Schema {
  const metadata = new Map<string, string>();
  if (frame.meta !== undefined)
    metadata.set(META_FRAME_META, goJSON(canonicalFrameMeta(frame.meta)));
  metadata.set(META_NAME, frame.name);
  metadata.set(META_REF_ID, frame.refId);
  const fields = frame.fields.map(
    (f) => new ArrowField(f.name, arrowTypeFor(f.type), f.nullable, fieldMetadata(f)),
  );
  return new Schema(fields, metadata);
}

function fieldMetadata(field: Field): Map<string, string> {
  const metadata = new Map<string, string>();
  if (field.config !== undefined)
    metadata.set(META_CONFIG, goJSON(canonicalFieldConfig(field.config)));
  if (field.labels !== undefined)
    metadata.set(META_LABELS, goJSON(field.labels, { sortKeys: true }));
  metadata.set(META_TSTYPE, TYPE_INFO[field.type].tstype);
  return metadata;
}

function columnData(field: Field, type: DataType, rows: number): Data {
  const nullCount = field.nullCount;
  const nullBitmap = nullCount > 0 ? field.validity! : undefined;
  const common = { type, length: rows, nullCount, nullBitmap };
  switch (field.type) {
    case "string":
    case "json": {
      const { offsets, bytes } = utf8Column(field.values as string[], rows, nullBitmap);
      return makeData({ ...common, valueOffsets: offsets, data: bytes } as never);
    }
    case "bool":
      return makeData({ ...common, data: packBytes(field.values as Uint8Array, rows) } as never);
    default:
      return makeData({ ...common, data: field.values } as never);
  }
}

const encoder = new TextEncoder();

/** UTF-8 bytes and Int32 offsets of a string column; null rows are empty, as Go writes them. */
function utf8Column(values: string[], rows: number, validity: Uint8Array | undefined) {
  const offsets = new Int32Array(rows + 1);
  let bytes = new Uint8Array(Math.max(64, rows * 8));
  let end = 0;
  for (let i = 0; i < rows; i++) {
    if (validity === undefined || getBit(validity, i)) {
      const s = values[i];
      for (;;) {
        const { read, written } = encoder.encodeInto(s, bytes.subarray(end));
        if (read === s.length) {
          end += written;
          break;
        }
        const grown = new Uint8Array(Math.max(bytes.length * 2, end + s.length * 3));
        grown.set(bytes.subarray(0, end));
        bytes = grown;
      }
    }
    offsets[i + 1] = end;
  }
  return { offsets, bytes: bytes.subarray(0, end) };
}
