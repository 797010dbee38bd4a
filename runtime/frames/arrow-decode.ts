/**
 * Arrow IPC file → Frame, reading what the Go SDK writes (see arrow-types.ts) and what its
 * decoder accepts: the file format only (`ARROW1` … `ARROW1`), one or more record batches whose
 * rows are concatenated. Fixed-width columns are adopted as views into `bytes` (no copy), so
 * copy the input first if its buffer will be reused. Everything that can go wrong — not Arrow,
 * truncated, corrupt, an Arrow type without a field type, metadata that is not JSON — becomes a
 * FrameDecodeError.
 */
import type { Data, Field as ArrowField, TimeUnit } from "apache-arrow";
import { arrowLib } from "./arrow-lib.js";
import {
  META_CONFIG,
  META_FRAME_META,
  META_LABELS,
  META_NAME,
  META_REF_ID,
  META_TSTYPE,
  NANOS_PER_UNIT,
  fieldTypeForArrow,
} from "./arrow-types.js";
import { bitmapBytes, sliceBits, unpackBits } from "./bitmap.js";
import { preflightArrowFile } from "./arrow-preflight.js";
import { concatColumns, type Column } from "./columns.js";
import { jsonSyntaxReason } from "../json-syntax.js";
import { FrameDecodeError, describeError } from "./errors.js";
import { Field } from "./field.js";
import type { FieldType } from "./field-type.js";
import { Frame } from "./frame.js";
import type { FieldConfig, FrameMeta, Labels } from "./meta-types.js";

const MAGIC = "ARROW1";
/** Magic (6) + padding (2) in front, footer length (4) + magic (6) at the end. */
const ENVELOPE = 18;

/** Decodes an Arrow IPC file written by the Go SDK (or {@link frameToArrow}) into a Frame. */
export function frameFromArrow(bytes: Uint8Array): Frame {
  checkEnvelope(bytes);
  // Typed-array views need their element alignment; IPC buffers are 8-aligned within the file.
  const input = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  preflightArrowFile(input);
  const { schema, batches } = readIPC(input);
  const name = schema.metadata.get(META_NAME) ?? "";
  const refId = schema.metadata.get(META_REF_ID) ?? "";
  const metaText = schema.metadata.get(META_FRAME_META);
  const meta =
    metaText === undefined ? undefined : (parseObject(metaText, "frame meta") as FrameMeta);
  const fields = schema.fields.map((af, col) =>
    decodeField(
      af,
      batches.map((b) => b.data.children[col]),
      col,
    ),
  );
  try {
    return new Frame({ name, refId, meta }, fields);
  } catch (err) {
    throw new FrameDecodeError(`corrupt Arrow IPC file: ${describeError(err)}`, { cause: err });
  }
}

function checkEnvelope(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array))
    throw new FrameDecodeError("Arrow input must be a Uint8Array");
  const head = ascii(bytes, 0, 6);
  if (head !== MAGIC) {
    const stream = bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff;
    throw new FrameDecodeError(
      stream
        ? "not an Arrow IPC file: this is the Arrow stream format; Grafana frames use the file format (ARROW1)"
        : `not an Arrow IPC file: it does not start with the ARROW1 magic (${bytes.length} bytes)`,
    );
  }
  if (bytes.length < ENVELOPE || ascii(bytes, bytes.length - 6, 6) !== MAGIC) {
    throw new FrameDecodeError(
      `truncated Arrow IPC file: it does not end with the ARROW1 magic (${bytes.length} bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getInt32(bytes.length - 10, true);
  if (footerLength <= 0 || footerLength > bytes.length - ENVELOPE) {
    throw new FrameDecodeError(
      `corrupt Arrow IPC file: footer length ${footerLength} does not fit in ${bytes.length} bytes`,
    );
  }
}

function readIPC(bytes: Uint8Array) {
  try {
    const reader = arrowLib().RecordBatchReader.from(bytes);
    reader.open();
    const schema = reader.schema;
    if (!schema) throw new Error("no schema in the footer");
    const batches = reader.readAll();
    return { schema, batches };
  } catch (err) {
    throw new FrameDecodeError(`corrupt Arrow IPC file: ${describeError(err)}`, { cause: err });
  }
}

function decodeField(af: ArrowField, chunks: Data[], col: number): Field {
  const label = `field "${af.name}" (column ${col})`;
  const type = fieldTypeForArrow(af.type, af.metadata.get(META_TSTYPE));
  if (type === undefined) {
    throw new FrameDecodeError(
      `${label} has Arrow type ${String(af.type)}, which no Grafana field type matches`,
    );
  }
  const labelsText = af.metadata.get(META_LABELS);
  const configText = af.metadata.get(META_CONFIG);
  const labels = labelsText === undefined ? undefined : parseLabels(labelsText, label);
  const config =
    configText === undefined
      ? undefined
      : (parseObject(configText, `${label} config`) as FieldConfig);
  const columns = chunks.map((data) => {
    if (data === undefined)
      throw new FrameDecodeError(`corrupt Arrow IPC file: ${label} has no data`);
    return readColumn(type, data, af.nullable, label);
  });
  const { values, validity } = concatColumns(type, columns);
  return new Field(af.name, type, values, { nullable: af.nullable, validity, labels, config });
}

/**
 * One record batch's column in field storage. Lengths are checked against the buffers before
 * anything is allocated, so corrupt row counts cannot make the decoder allocate beyond the input.
 */
function readColumn(type: FieldType, data: Data, nullable: boolean, label: string): Column {
  const { offset, length } = data;
  const corrupt = (what: string) =>
    new FrameDecodeError(`corrupt Arrow IPC file: ${label} ${what}`);
  let validity: Uint8Array | null = null;
  // Go ignores the validity of columns its schema calls non-nullable; so does this decoder.
  if (nullable && data.nullCount > 0) {
    const bitmap = data.nullBitmap;
    if (!bitmap || bitmap.length < bitmapBytes(offset + length))
      throw corrupt("has a short validity bitmap");
    validity = sliceBits(bitmap, offset, length); // a copy: appending must not write into the input
  }
  switch (type) {
    case "bool": {
      const bits = data.values as Uint8Array;
      if (bits.length < bitmapBytes(offset + length))
        throw corrupt(`has ${bits.length} value bytes for ${length} rows`);
      return { values: unpackBits(bits, offset, length), validity };
    }
    case "string":
    case "json":
      return { values: readUtf8(data, validity, type === "json" ? "null" : "", corrupt), validity };
    case "time":
      return { values: readTimestamps(data, corrupt), validity };
    default: {
      const values = data.values as Exclude<Column["values"], string[]>;
      if (values.length < offset + length)
        throw corrupt(`has ${values.length} values for ${length} rows`);
      const exact =
        offset === 0 && values.length === length
          ? values
          : values.subarray(offset, offset + length);
      return { values: exact, validity };
    }
  }
}

function readTimestamps(data: Data, corrupt: (what: string) => Error): BigInt64Array {
  const { offset, length } = data;
  const raw = data.values as BigInt64Array;
  if (raw.length < offset + length) throw corrupt(`has ${raw.length} values for ${length} rows`);
  const values = raw.subarray(offset, offset + length);
  const unit = (data.type as unknown as { unit: TimeUnit }).unit;
  const factor = NANOS_PER_UNIT[unit] ?? 1n;
  if (factor === 1n) return values;
  // Go assumes nanoseconds whatever the unit says; converting is the faithful reading.
  const ns = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const v = values[i] * factor;
    if (BigInt.asIntN(64, v) !== v)
      throw corrupt(`has a ${arrowLib().TimeUnit[unit]} timestamp beyond int64 nanoseconds`);
    ns[i] = v;
  }
  return ns;
}

const utf8 = new TextDecoder("utf-8");

function readUtf8(
  data: Data,
  validity: Uint8Array | null,
  nullText: string,
  corrupt: (what: string) => Error,
): string[] {
  const { offset, length } = data;
  if (length === 0) return []; // writers may leave out the offsets of an empty column
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  if (!offsets || offsets.length < offset + length + 1)
    throw corrupt(`has too few offsets for ${length} rows`);
  const at = (i: number) => Number(offsets[offset + i]);
  const first = at(0);
  const last = at(length);
  if (!(first >= 0 && first <= last && last <= bytes.length))
    throw corrupt("has offsets outside its data");
  const out = new Array<string>(length);
  // All-ASCII columns (the common case) decode in one call and are sliced by offset.
  const whole = isAscii(bytes, first, last) ? utf8.decode(bytes.subarray(first, last)) : null;
  for (let i = 0; i < length; i++) {
    const start = at(i);
    const end = at(i + 1);
    if (!(start >= first && start <= end && end <= last))
      throw corrupt(`has bad offsets at row ${i}`);
    if (validity && (validity[i >> 3] & (1 << (i & 7))) === 0) out[i] = nullText;
    else
      out[i] =
        whole !== null
          ? whole.slice(start - first, end - first)
          : utf8.decode(bytes.subarray(start, end));
  }
  return out;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

function parseLabels(text: string, label: string): Labels {
  const labels = parseObject(text, `${label} labels`);
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== "string") {
      throw new FrameDecodeError(`${label} labels: value of "${key}" is not a string`);
    }
  }
  return labels as Labels;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FrameDecodeError(`${what} metadata is not valid JSON: ${jsonSyntaxReason(err)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FrameDecodeError(`${what} metadata is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
