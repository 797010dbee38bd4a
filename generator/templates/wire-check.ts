/**
 * A strict protobuf wire-format walk, run on every incoming message before
 * ts-proto's decoder. ts-proto's decoders stop quietly at a tag 0 or an
 * end-group tag, accept field number 0 and never check that a nested message
 * ends where its length prefix says; protobuf-go (what grpc-go's codec calls)
 * rejects all of these as "cannot parse invalid wire-format data". This walk
 * rejects exactly what protobuf-go rejects, following
 * google.golang.org/protobuf internal/impl/decode.go (unmarshalPointer),
 * codec_map.go (consumeMap), codec_gen.go (packed slices) and
 * encoding/protowire/wire.go (ConsumeFieldValue, ConsumeVarint).
 *
 * It is table-driven: the generator emits one table per message type an rpc
 * carries (output/wire-tables.ts), and this one function interprets them, so
 * a field added in a new proto revision is covered by regenerating. A table
 * only names the fields whose bytes must hold more than plain wire validity:
 * message and map fields (walked with their own table, to the exact length),
 * groups, and packed repeated scalars. Every other field, known or not, is
 * skipped as protobuf-go skips an unknown field, checking its wire validity.
 * Like protobuf-go, a known field arriving with another wire type is treated
 * as unknown. UTF-8 in string fields is checked by the decoder's reader
 * (rpc-support.ts), which reads those strings anyway.
 *
 * The generator copies this file verbatim into output/ (generated code
 * depends on nothing of ours); it is kept here as real TypeScript so it is
 * typechecked and tested like the rest of the generator.
 */

/** What a field's bytes must hold, for a field that arrives with `wireType`. */
export interface FieldRule {
  /** 2: length-delimited (a message, a map entry, packed scalars); 3: a group. */
  readonly wireType: 2 | 3;
  /** The message (or group) inside, walked with its own table. */
  readonly table?: WireTable;
  /** Packed repeated scalars: 0 for varints, else the element width in bytes. */
  readonly packedWidth?: 0 | 4 | 8;
}

/** The rules of one message type, by field number; fields without a rule are checked for wire validity only. */
export interface WireTable {
  readonly name: string;
  readonly rules: (FieldRule | undefined)[];
}

/** How the generator states one rule: the field's message or group type by name, or its packed element kind. */
export type FieldSpec =
  | { readonly message: string }
  | { readonly group: string }
  | { readonly packed: "varint" | "fixed32" | "fixed64" };

/** Thrown for bytes protobuf-go would not parse; grpc-js answers the call INTERNAL, as grpc-go does. */
export class WireFormatError extends Error {
  override name = "WireFormatError";
}

/** protowire.MaxValidNumber: the highest field number a message may hold. */
const MAX_FIELD_NUMBER = 2 ** 29 - 1;
/** protowire.DecodeTag: inside an unknown group, any number up to MaxInt32 is skipped. */
const MAX_GROUP_FIELD_NUMBER = 2 ** 31 - 1;
/** protowire.DefaultRecursionLimit, for nested messages and for nested unknown groups. */
const RECURSION_LIMIT = 10_000;

const PACKED_WIDTH = { varint: 0, fixed32: 4, fixed64: 8 } as const;

/**
 * Builds the tables from the generator's specs, resolving the message names
 * (types may refer to each other, or to themselves).
 */
export function linkWireTables<K extends string>(
  specs: Record<K, Record<number, FieldSpec>>,
): Record<K, WireTable> {
  const tables = {} as Record<K, WireTable>;
  for (const name of Object.keys(specs) as K[]) tables[name] = { name, rules: [] };
  const tableOf = (name: string): WireTable => {
    const table = (tables as Record<string, WireTable | undefined>)[name];
    if (!table) throw new Error(`wire tables: no table for ${name}`);
    return table;
  };
  for (const name of Object.keys(specs) as K[]) {
    const numbers = Object.keys(specs[name]).map(Number);
    // A packed array of small field numbers reads faster than a holey one.
    const highest = Math.max(0, ...numbers);
    if (highest <= 4096) tables[name].rules.push(...Array<undefined>(highest + 1).fill(undefined));
    for (const [number, spec] of Object.entries(specs[name] as Record<number, FieldSpec>)) {
      tables[name].rules[Number(number)] =
        "message" in spec
          ? { wireType: 2, table: tableOf(spec.message) }
          : "group" in spec
            ? { wireType: 3, table: tableOf(spec.group) }
            : { wireType: 2, packedWidth: PACKED_WIDTH[spec.packed] };
    }
  }
  return tables;
}

/** Throws a WireFormatError unless `bytes` is a message of type `table` protobuf-go would parse; returns `bytes`. */
export function checkWireFormat<T extends Uint8Array>(bytes: T, table: WireTable): T {
  walkMessage(bytes, 0, bytes.length, table, 0, RECURSION_LIMIT);
  return bytes;
}

function fail(reason: string, at: number, table?: WireTable): never {
  const where = table ? ` in ${table.name}` : "";
  throw new WireFormatError(
    `cannot parse invalid wire-format data: ${reason} at byte ${at}${where}`,
  );
}

/** Where the last varint read ended (saves allocating a pair per read). */
let varintEnd = 0;

/** A varint's value (exact below 2^53, which is all any check needs); sets varintEnd. */
function readVarint(b: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) fail("truncated varint", pos);
    const byte = b[pos++]!;
    // The tenth byte holds bit 63 only (protowire errCodeOverflow).
    if (i === 9 && byte > 1) fail("varint longer than 64 bits", pos - 1);
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 128;
  }
  varintEnd = pos;
  return value;
}

/**
 * Walks the fields from `pos` to `end`: a whole message when `group` is 0,
 * else the group of that field number, up to and including its end tag.
 * Returns where it stopped.
 */
function walkMessage(
  b: Uint8Array,
  pos: number,
  end: number,
  table: WireTable,
  group: number,
  depth: number,
): number {
  if (--depth < 0) fail("messages nested too deeply", pos, table);
  const rules = table.rules;
  while (pos < end) {
    const at = pos;
    let tag = b[pos]!;
    if (tag < 0x80) pos++;
    else {
      tag = readVarint(b, pos, end);
      pos = varintEnd;
    }
    const number = Math.floor(tag / 8);
    if (number < 1 || number > MAX_FIELD_NUMBER)
      fail(number < 1 ? "field number 0" : `field number ${number} out of range`, at, table);
    const wireType = tag & 7;
    if (wireType === 4) {
      if (number !== group) fail(`unexpected end-group tag (field ${number})`, at, table);
      return pos;
    }
    // Only length-delimited fields and groups have rules: look up no others.
    const rule = wireType >= 2 && number < rules.length ? rules[number] : undefined;
    if (rule === undefined || rule.wireType !== wireType) {
      pos = skipField(b, pos, end, number, wireType, table);
    } else if (wireType === 3) {
      pos = walkMessage(b, pos, end, rule.table!, number, depth);
    } else {
      const length = readVarint(b, pos, end);
      pos = varintEnd;
      if (length > end - pos) fail(`field ${number} runs past the end`, at, table);
      if (rule.table) walkMessage(b, pos, pos + length, rule.table, 0, depth);
      else checkPacked(b, pos, pos + length, rule.packedWidth!, number, table);
      pos += length;
    }
  }
  if (group !== 0) fail(`group (field ${group}) not closed`, pos, table);
  return pos;
}

function checkPacked(
  b: Uint8Array,
  pos: number,
  end: number,
  width: 0 | 4 | 8,
  number: number,
  table: WireTable,
): void {
  if (width !== 0) {
    if ((end - pos) % width !== 0)
      fail(`packed field ${number} is not a whole number of elements`, pos, table);
    return;
  }
  while (pos < end) {
    readVarint(b, pos, end);
    pos = varintEnd;
  }
}

/** protowire.ConsumeFieldValue: the end of one field's value, however it is typed. */
function skipField(
  b: Uint8Array,
  pos: number,
  end: number,
  number: number,
  wireType: number,
  table?: WireTable,
): number {
  switch (wireType) {
    case 0:
      readVarint(b, pos, end);
      return varintEnd;
    case 1:
      if (end - pos < 8) fail(`truncated fixed64 (field ${number})`, pos, table);
      return pos + 8;
    case 5:
      if (end - pos < 4) fail(`truncated fixed32 (field ${number})`, pos, table);
      return pos + 4;
    case 2: {
      const length = readVarint(b, pos, end);
      if (length > end - varintEnd) fail(`field ${number} runs past the end`, pos, table);
      return varintEnd + length;
    }
    case 3:
      return skipGroup(b, pos, end, number, table);
    case 4:
      return fail(`unexpected end-group tag (field ${number})`, pos, table);
    default:
      return fail(`reserved wire type ${wireType} (field ${number})`, pos, table);
  }
}

/**
 * Where the unknown group whose start tag ends at `pos` ends, past its end
 * tag: for a decoder skipping a group the walk has already checked.
 * bufbuild's BinaryReader.skip (ts-proto's decoders call it) recurses and
 * gives up at 100 nested groups, where protobuf-go accepts 10,000.
 */
export function unknownGroupEnd(bytes: Uint8Array, pos: number): number {
  for (let depth = 1; ;) {
    const tag = readVarint(bytes, pos, bytes.length);
    pos = varintEnd;
    const wireType = tag % 8;
    if (wireType === 4) {
      if (--depth === 0) return pos;
    } else if (wireType === 3) depth++;
    else pos = skipField(bytes, pos, bytes.length, Math.floor(tag / 8), wireType);
  }
}

/** Skips an unknown group and every group nested in it (a stack, not recursion: nesting may be deep). */
function skipGroup(
  b: Uint8Array,
  pos: number,
  end: number,
  number: number,
  table: WireTable | undefined,
): number {
  const open = [number];
  while (open.length > 0) {
    const at = pos;
    const tag = readVarint(b, pos, end);
    pos = varintEnd;
    const inner = Math.floor(tag / 8);
    if (inner < 1 || inner > MAX_GROUP_FIELD_NUMBER)
      fail(inner < 1 ? "field number 0" : `field number ${inner} out of range`, at, table);
    const wireType = tag % 8;
    if (wireType === 4) {
      if (open.pop() !== inner)
        fail(`end-group tag (field ${inner}) closes another group`, at, table);
    } else if (wireType === 3) {
      if (open.length > RECURSION_LIMIT) fail("groups nested too deeply", at, table);
      open.push(inner);
    } else {
      pos = skipField(b, pos, end, inner, wireType, table);
    }
  }
  return pos;
}
