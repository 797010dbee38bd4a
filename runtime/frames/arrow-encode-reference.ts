/**
 * Frame → Arrow IPC file through apache-arrow's writer: the reference encoding. Its bytes are the
 * layout the Go SDK's `Frame.MarshalArrow` produces (the `ARROW1` file format: magic, schema
 * message, one record batch, end-of-stream marker, footer, magic), with the schema and field
 * metadata described in arrow-types.ts, proven against Go's golden file by
 * test/frames-golden.test.ts. arrow-encode.ts encodes the first frame of each shape here and
 * then writes the same bytes without apache-arrow's object graph (see arrow-file-template.ts).
 */
import type { Data, DataType, RecordBatch, Schema, Vector } from "apache-arrow";
import { arrowLib, type ArrowLib } from "./arrow-lib.js";
import { uninitializedBytes } from "./alloc.js";
import { utf8Column } from "./arrow-body.js";
import { fieldMetadata, schemaMetadata } from "./arrow-metadata.js";
import { arrowTypeFor } from "./arrow-types.js";
import { bitmapBytes, packBytes } from "./bitmap.js";
import type { Field } from "./field.js";
import type { Frame } from "./frame.js";

/**
 * Encodes `frame` as an Arrow IPC file that the Go SDK's `data.UnmarshalArrowFrame` reads back into
 * the same frame. Throws FrameShapeError if the fields differ in length.
 */
export function frameToArrowReference(frame: Frame): Uint8Array {
  const arrow = arrowLib();
  const rows = frame.rowCount();
  const schema = arrowSchema(arrow, frame);
  const writer = new (goLayoutFileWriter())();
  if (rows === 0) {
    // Go's table reader yields no record batch for an empty table: schema and footer only.
    return writer.writeAll(new arrow.Table(schema)).joined();
  }
  const children = frame.fields.map((f, i) => columnData(arrow, f, schema.fields[i].type, rows));
  const type = new arrow.Struct(schema.fields);
  const data = arrow.makeData({ type, length: rows, nullCount: 0, children });
  return writer.writeAll([new arrow.RecordBatch(schema, data)]).joined();
}

let writerClass: ReturnType<typeof defineGoLayoutFileWriter> | undefined;

/** The writer class, defined on first use: it extends a class of apache-arrow (arrow-lib.ts). */
function goLayoutFileWriter() {
  return (writerClass ??= defineGoLayoutFileWriter(arrowLib()));
}

/**
 * apache-arrow's file writer leaves the schema message out of the stream part of the file (readers
 * take it from the footer). Go's writer, like the Arrow format description (magic, then the stream
 * format, then the footer), writes it right after the magic, so streaming readers that skip the
 * magic can read the file too. This writer does the same.
 */
function defineGoLayoutFileWriter({ Message, RecordBatch, RecordBatchFileWriter, Type }: ArrowLib) {
  return class GoLayoutFileWriter extends RecordBatchFileWriter {
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
      const bitmapRows =
        batch instanceof RecordBatch ? bitmapBufferRows(Type, batch.data.children) : [];
      if (bitmapRows.length !== assembled.buffers.length) return assembled; // not a layout we know
      assembled.bufferRegions.forEach((region, i) => {
        const rows = bitmapRows[i];
        const exact = assembled.buffers[i].byteLength;
        region.length = rows === undefined ? exact : Math.min(exact, bitmapBytes(rows));
      });
      return assembled;
    }
  };
}

/**
 * For each buffer apache-arrow assembles (validity first, then the type's buffers, per column):
 * the row count if it is a bitmap, whose assembled copy is padded to 8 bytes, else undefined.
 */
function bitmapBufferRows(
  Type: ArrowLib["Type"],
  columns: readonly Data[],
): Array<number | undefined> {
  return columns.flatMap((d) => {
    const validity = d.nullCount > 0 ? d.length : 0;
    if (d.typeId === Type.Bool) return [validity, d.length];
    if (d.typeId === Type.Utf8 || d.typeId === Type.Binary) return [validity, undefined, undefined];
    return [validity, undefined];
  });
}

function arrowSchema(arrow: ArrowLib, frame: Frame): Schema {
  const fields = frame.fields.map(
    (f) => new arrow.Field(f.name, arrowTypeFor(f.type), f.nullable, fieldMetadata(f)),
  );
  return new arrow.Schema(fields, schemaMetadata(frame));
}

function columnData({ makeData }: ArrowLib, field: Field, type: DataType, rows: number): Data {
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
