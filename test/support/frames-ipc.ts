// Splits an Arrow IPC file into its parts (magic, messages, body, end-of-stream marker, footer,
// trailer) so tests can say which parts of our output are byte-identical to the Go SDK's and
// which are not. Message metadata is decoded with apache-arrow's own Message class.

import { Message, tableFromIPC } from "apache-arrow";
import type { Schema } from "apache-arrow";

export interface ArrowFileParts {
  /** "ARROW1" + two padding bytes. */
  head: Uint8Array;
  messages: Array<{ prefix: Uint8Array; metadata: Uint8Array; body: Uint8Array; message: Message }>;
  /** 0xFFFFFFFF 00000000 after the last message. */
  eos: Uint8Array;
  footer: Uint8Array;
  /** Footer length (int32) + "ARROW1". */
  tail: Uint8Array;
}

export function splitArrowFile(bytes: Uint8Array): ArrowFileParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: ArrowFileParts["messages"] = [];
  let at = 8;
  while (view.getInt32(at + 4, true) !== 0) {
    const length = view.getInt32(at + 4, true);
    const metadata = bytes.subarray(at + 8, at + 8 + length);
    const message = Message.decode(metadata);
    const bodyStart = at + 8 + length;
    const body = bytes.subarray(bodyStart, bodyStart + Number(message.bodyLength));
    messages.push({ prefix: bytes.subarray(at, at + 8), metadata, body, message });
    at = bodyStart + body.length;
  }
  const footerLength = view.getInt32(bytes.length - 10, true);
  return {
    head: bytes.subarray(0, 8),
    messages,
    eos: bytes.subarray(at, at + 8),
    footer: bytes.subarray(at + 8, at + 8 + footerLength),
    tail: bytes.subarray(bytes.length - 10),
  };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A schema as comparable data: metadata, and per field name, type, nullability, metadata. */
export function describeSchema(schema: Schema) {
  return {
    metadata: [...schema.metadata.entries()],
    fields: schema.fields.map((f) => ({
      name: f.name,
      type: String(f.type),
      typeId: f.type.typeId,
      nullable: f.nullable,
      metadata: [...f.metadata.entries()],
    })),
  };
}

/** The schema apache-arrow reads from an IPC file. */
export function schemaOf(bytes: Uint8Array): Schema {
  return tableFromIPC(bytes).schema;
}

/** Record-batch metadata of the file's first record batch: nodes and buffer regions. */
export function recordBatchLayout(parts: ArrowFileParts) {
  const batch = parts.messages.find((m) => m.message.isRecordBatch());
  if (!batch) throw new Error("no record batch");
  const header = batch.message.header() as unknown as {
    length: number;
    nodes: Array<{ length: number; nullCount: number }>;
    buffers: Array<{ offset: number; length: number }>;
  };
  return {
    length: Number(header.length),
    nodes: header.nodes.map((n) => ({ length: Number(n.length), nullCount: Number(n.nullCount) })),
    buffers: header.buffers.map((b) => ({ offset: Number(b.offset), length: Number(b.length) })),
  };
}
