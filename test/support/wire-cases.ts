/**
 * Hand-built protobuf bodies at the edges of the wire format, each with
 * whether protobuf-go's Unmarshal rejects it (read from
 * google.golang.org/protobuf internal/impl/decode.go and
 * encoding/protowire/wire.go). The wire walk's unit test checks them against
 * the walk; the reliability suite sends them as QueryData requests to our
 * plugin and to a grpc-go one.
 */
import * as pb from "../../output/pluginv2/backend.js";

/** A varint's bytes (non-negative values below 2^53). */
export function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  return [...out, value];
}

export const tag = (field: number, wireType: number): number[] => varint(field * 8 + wireType);

/** A length-delimited field. */
export const delimited = (field: number, content: number[]): number[] => [
  ...tag(field, 2),
  ...varint(content.length),
  ...content,
];

/** A valid QueryDataRequest the cases extend. */
export const QUERY_DATA_SEED = [
  ...pb.QueryDataRequest.encode(
    pb.QueryDataRequest.fromPartial({
      pluginContext: { orgId: 1n, pluginId: "p", user: { login: "admin" } },
      headers: { Authorization: "Bearer x" },
      queries: [
        { refId: "A", json: Buffer.from('{"a":1}'), timeRange: { fromEpochMS: 1n, toEpochMS: 2n } },
      ],
    }),
  ).finish(),
];

export interface WireCase {
  name: string;
  /** A QueryDataRequest body. */
  bytes: number[];
  goRejects: boolean;
}

const nestedGroups = (depth: number) => [
  ...Array<number>(depth).fill(tag(9, 3)[0]!),
  ...Array<number>(depth).fill(tag(9, 4)[0]!),
];
const nineOnes = Array<number>(9).fill(0xff);
/** PluginContext whose pluginId (field 2) claims 5 bytes where the message holds 2. */
const overlongContext = [...tag(2, 2), 5, 0x61, 0x62];

export const QUERY_DATA_WIRE_CASES: WireCase[] = [
  { name: "the seed (control)", bytes: QUERY_DATA_SEED, goRejects: false },
  { name: "a tag 0 after the seed", bytes: [...QUERY_DATA_SEED, 0x00], goRejects: true },
  { name: "field 0, length-delimited", bytes: [0x02, 0x00, ...QUERY_DATA_SEED], goRejects: true },
  { name: "field 2^29 (one too high)", bytes: [...tag(2 ** 29, 0), 1], goRejects: true },
  { name: "field 2^29-1, unknown", bytes: [...tag(2 ** 29 - 1, 0), 1], goRejects: false },
  { name: "a stray end-group tag", bytes: [...QUERY_DATA_SEED, ...tag(9, 4)], goRejects: true },
  { name: "wire type 6", bytes: [...tag(9, 6), 0], goRejects: true },
  { name: "wire type 7", bytes: [...tag(9, 7), 0], goRejects: true },
  {
    name: "a well-formed unknown group with a group inside",
    bytes: [...tag(9, 3), ...tag(1, 0), 5, ...tag(2, 3), ...tag(2, 4), ...tag(9, 4)],
    goRejects: false,
  },
  {
    name: "field 2^31-1 inside an unknown group",
    bytes: [...tag(9, 3), ...tag(2 ** 31 - 1, 0), 5, ...tag(9, 4)],
    goRejects: false,
  },
  {
    name: "an unknown group closed by another field's end tag",
    bytes: [...tag(9, 3), ...tag(1, 0), 5, ...tag(8, 4)],
    goRejects: true,
  },
  {
    name: "an unknown group never closed",
    bytes: [...tag(9, 3), ...tag(1, 0), 5],
    goRejects: true,
  },
  { name: "10,001 nested unknown groups", bytes: nestedGroups(10_001), goRejects: false },
  { name: "10,002 nested unknown groups", bytes: nestedGroups(10_002), goRejects: true },
  {
    name: "a nested message whose last field runs past its length",
    bytes: [...delimited(1, overlongContext), ...delimited(3, []), 0x63],
    goRejects: true,
  },
  {
    name: "the same bytes under an unknown field",
    bytes: [...delimited(11, overlongContext), ...delimited(3, [])],
    goRejects: false,
  },
  {
    name: "field 0 two messages down (PluginContext.user)",
    bytes: delimited(1, delimited(3, [0x00])),
    goRejects: true,
  },
  { name: "an end-group tag in a query", bytes: delimited(3, tag(1, 4)), goRejects: true },
  {
    name: "field 0 in a headers map entry",
    bytes: delimited(2, [...delimited(1, [0x61]), 0x00]),
    goRejects: true,
  },
  { name: "pluginContext as a varint", bytes: [...tag(1, 0), 0x96, 0x01], goRejects: false },
  { name: "a truncated varint", bytes: [...QUERY_DATA_SEED, 0x08, 0x80], goRejects: true },
  { name: "a 10-byte varint", bytes: [...tag(99, 0), ...nineOnes, 0x01], goRejects: false },
  { name: "a varint past 64 bits", bytes: [...tag(99, 0), ...nineOnes, 0x02], goRejects: true },
  { name: "an 11-byte varint", bytes: [...tag(99, 0), ...nineOnes, 0x81, 0x00], goRejects: true },
  { name: "a non-minimal varint", bytes: [...tag(99, 0), 0x80, 0x80, 0x00], goRejects: false },
  {
    name: "unknown fields of every wire type",
    bytes: [
      ...[...tag(20, 0), 1, ...tag(21, 1), 1, 2, 3, 4, 5, 6, 7, 8],
      ...[...delimited(22, [1, 2, 3]), ...tag(23, 5), 1, 2, 3, 4],
    ],
    goRejects: false,
  },
  { name: "a truncated fixed64", bytes: [...tag(21, 1), 1, 2, 3, 4, 5, 6, 7], goRejects: true },
  { name: "a truncated fixed32", bytes: [...tag(3, 5), 1, 2, 3], goRejects: true },
  { name: "a length past the end", bytes: [...tag(22, 2), 4, 1, 2, 3], goRejects: true },
];
