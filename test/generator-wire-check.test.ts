// The strict wire walk (generator/templates/wire-check.ts, copied to
// output/) and the tables the generator emits for it (wire-tables.ts), on
// hand-built bytes. What each case expects is what protobuf-go's Unmarshal
// does (internal/impl/decode.go, encoding/protowire/wire.go); the e2e
// reliability suite (test/reliability/malformed-input.test.ts) checks the
// same against a real grpc-go plugin with fuzzed bodies.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireSpecs } from "../generator/generate-wire-tables.js";
import { DataService } from "../output/pluginv2/backend.grpc.js";
import { checkWireFormat, linkWireTables, WireFormatError } from "../output/wire-check.js";
import { wireTables } from "../output/wire-tables.js";
import { buildDescriptors, osTempDir, removeDir } from "./support/generate-helpers.js";
import { delimited, QUERY_DATA_SEED, QUERY_DATA_WIRE_CASES, tag } from "./support/wire-cases.js";

const request = wireTables["pluginv2.QueryDataRequest"];
const seed = QUERY_DATA_SEED;

function check(bytes: number[], table = request): void {
  checkWireFormat(Uint8Array.from(bytes), table);
}
const accepted = (bytes: number[], table = request) =>
  expect(() => check(bytes, table)).not.toThrow();
const rejected = (bytes: number[], reason: RegExp, table = request) =>
  expect(() => check(bytes, table)).toThrow(reason);

describe("the strict wire walk, on the QueryDataRequest edge cases (test/support/wire-cases.ts)", () => {
  it.each(QUERY_DATA_WIRE_CASES)("$name: rejected as protobuf-go does", ({ bytes, goRejects }) => {
    if (goRejects) expect(() => check(bytes)).toThrow(WireFormatError);
    else accepted(bytes);
  });

  it("the generated deserializer decodes what the walk accepts, 10,001 nested unknown groups too", () => {
    for (const { bytes, goRejects } of QUERY_DATA_WIRE_CASES)
      if (!goRejects) DataService.queryData.requestDeserialize(Buffer.from(bytes));
    const decoded = DataService.queryData.requestDeserialize(Buffer.from(seed));
    expect(decoded.queries[0]?.refId).toBe("A");
    expect(decoded.queries[0]?.json.toString()).toBe('{"a":1}');
  });
});

describe("the strict wire walk says what is wrong, and where", () => {
  it("accepts what ts-proto encodes, and returns the same bytes", () => {
    const bytes = Uint8Array.from(seed);
    expect(checkWireFormat(bytes, request)).toBe(bytes);
    accepted([]);
  });

  it("rejects a tag 0 (where ts-proto's decoder would stop quietly), with a WireFormatError", () => {
    expect(() => check([...seed, 0x00])).toThrow(WireFormatError);
    rejected(
      [...seed, 0x00, 0x08, 0x01],
      /field number 0 at byte \d+ in pluginv2.QueryDataRequest/,
    );
  });

  it("rejects field number 0 of every wire type, and numbers past 2^29-1", () => {
    for (const wireType of [0, 1, 2, 5])
      rejected([wireType, 0, 0, 0, 0, 0, 0, 0, 0], /field number 0/);
    rejected([...tag(2 ** 29, 0), 1], /field number 536870912 out of range/);
    accepted([...tag(2 ** 29 - 1, 0), 1]);
  });

  it("rejects a stray end-group tag (ts-proto stops there) and reserved wire types 6 and 7", () => {
    rejected([...seed, ...tag(9, 4)], /unexpected end-group tag \(field 9\)/);
    rejected([...tag(9, 6), 0], /reserved wire type 6/);
    rejected([...tag(9, 7), 0], /reserved wire type 7/);
  });

  it("skips a well-formed unknown group, nested groups included, as protobuf-go does", () => {
    accepted([...tag(9, 3), ...tag(1, 0), 5, ...tag(2, 3), ...tag(2, 4), ...tag(9, 4), ...seed]);
    // Inside an unknown group, field numbers up to 2^31-1 pass (protowire.ConsumeTag).
    accepted([...tag(9, 3), ...tag(2 ** 31 - 1, 0), 5, ...tag(9, 4)]);
    rejected([...tag(9, 3), ...tag(2 ** 31, 0), 5, ...tag(9, 4)], /out of range/);
    rejected([...tag(9, 3), ...tag(1, 0), 5, ...tag(8, 4)], /closes another group/);
    rejected([...tag(9, 3), ...tag(1, 0), 5], /truncated varint/);
    rejected([...tag(9, 3), ...tag(0, 0), 5, ...tag(9, 4)], /field number 0/);
  });

  it("limits nested unknown groups where protobuf-go does (10,001 deep)", () => {
    const nested = (depth: number) => [
      ...Array<number>(depth).fill(tag(9, 3)[0]!),
      ...Array<number>(depth).fill(tag(9, 4)[0]!),
    ];
    accepted(nested(10_001));
    rejected(nested(10_002), /groups nested too deeply/);
  });

  it("holds a nested message to its length prefix", () => {
    // PluginContext (field 1) whose pluginId (field 2) says 5 bytes but the message holds 2:
    // the 3 bytes after it are the request's next field, so only the exact sub-length catches it.
    const context = [...tag(2, 2), 5, 0x61, 0x62];
    const after = delimited(3, []);
    expect(after.length).toBe(2);
    rejected(
      [...delimited(1, context), ...after, 0x63],
      /field 2 runs past the end at byte \d+ in pluginv2.PluginContext/,
    );
    // The same bytes under a field with no message type are only a bytes value.
    accepted([...delimited(11, context), ...after]);
    // Two levels down: User (PluginContext field 3) holding a field 0.
    rejected(delimited(1, delimited(3, [0x00])), /field number 0 at byte 4 in pluginv2.User/);
    // An end-group tag inside a nested message.
    rejected(delimited(3, tag(1, 4)), /unexpected end-group tag.* in pluginv2.DataQuery/);
    // Map entries are messages too: a headers entry (field 2) with a field 0.
    rejected(delimited(2, [...delimited(1, [0x61]), 0x00]), /field number 0 .*\.HeadersEntry/);
  });

  it("treats a known field of another wire type as unknown (skipped, still checked)", () => {
    accepted([...tag(1, 0), 0x96, 0x01]); // pluginContext as a varint
    accepted([...tag(3, 5), 1, 2, 3, 4]); // queries as a fixed32
    rejected([...tag(3, 5), 1, 2, 3], /truncated fixed32 \(field 3\)/);
  });

  it("rejects truncated and overlong varints, and accepts a 10-byte one", () => {
    rejected([...seed, 0x08, 0x80], /truncated varint/);
    rejected([0x80], /truncated varint/);
    const ten = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    accepted([...tag(99, 0), ...ten, 0x01]);
    rejected([...tag(99, 0), ...ten, 0x02], /varint longer than 64 bits/);
    rejected([...tag(99, 0), ...ten, 0x81, 0x00], /varint longer than 64 bits/);
    // A redundant (non-minimal) varint is still a varint.
    accepted([...tag(99, 0), 0x80, 0x80, 0x00]);
  });

  it("checks unknown fields of every wire type for validity", () => {
    // prettier-ignore
    const everyType = [
      ...tag(20, 0), 1,
      ...tag(21, 1), 1, 2, 3, 4, 5, 6, 7, 8,
      ...delimited(22, [1, 2, 3]),
      ...tag(23, 5), 1, 2, 3, 4,
    ];
    accepted(everyType);
    rejected([...tag(21, 1), 1, 2, 3, 4, 5, 6, 7], /truncated fixed64/);
    rejected([...tag(22, 2), 4, 1, 2, 3], /field 22 runs past the end/);
    rejected([...tag(22, 2), 0xff, 0xff, 0xff, 0xff, 0x0f], /field 22 runs past the end/);
  });
});

describe("packed and group rules (hand-built tables)", () => {
  const tables = linkWireTables({
    "t.Numbers": { 1: { packed: "varint" }, 2: { packed: "fixed32" }, 3: { packed: "fixed64" } },
    "t.Grouped": { 1: { group: "t.Inner" } },
    "t.Inner": { 2: { message: "t.Grouped" } },
  });
  const numbers = tables["t.Numbers"];
  const grouped = tables["t.Grouped"];

  it("packed elements must be whole; an element of the wire type is one element", () => {
    accepted(
      [...delimited(1, [1, 0x96, 0x01]), ...delimited(2, [1, 2, 3, 4]), ...delimited(3, [])],
      numbers,
    );
    rejected(delimited(1, [1, 0x96]), /truncated varint/, numbers);
    rejected(delimited(2, [1, 2, 3, 4, 5]), /packed field 2 is not a whole number/, numbers);
    rejected(delimited(3, [1, 2, 3, 4]), /packed field 3 is not a whole number/, numbers);
    accepted([...tag(1, 0), 7, ...tag(2, 5), 1, 2, 3, 4], numbers);
  });

  it("a known group is walked with its table and must close with its own number", () => {
    accepted([...tag(1, 3), ...delimited(2, []), ...tag(1, 4)], grouped);
    rejected(
      [...tag(1, 3), ...delimited(2, [0x00]), ...tag(1, 4)],
      /field number 0 .* in t.Grouped/,
      grouped,
    );
    rejected(
      [...tag(1, 3), ...tag(2, 4)],
      /unexpected end-group tag \(field 2\) .* in t.Inner/,
      grouped,
    );
    rejected(tag(1, 3), /group \(field 1\) not closed/, grouped);
  });

  it("refuses a table that names a message it does not define", () => {
    expect(() => linkWireTables({ "t.A": { 1: { message: "t.B" } } })).toThrow(/no table for t.B/);
  });
});

describe("the tables the generator emits, from descriptors", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await osTempDir("gen-wire");
  });
  afterAll(() => removeDir(tmp));

  async function messages(files: Record<string, string>): Promise<DescMessage[]> {
    for (const [name, source] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tmp, name)), { recursive: true });
      await writeFile(path.join(tmp, name), source);
    }
    const registry = createFileRegistry(await buildDescriptors(tmp));
    const service = registry.getService("acme.Store")!;
    return service.methods.flatMap((m) => [m.input, m.output]);
  }

  it("covers every message reachable from an rpc: nested, repeated, map values, groups, packed numbers", async () => {
    const specs = wireSpecs(
      await messages({
        "acme/store.proto": `syntax = "proto2";
package acme;
service Store { rpc Put(Item) returns (Empty); }
message Empty {}
message Item {
  optional Item parent = 1;
  repeated Tag tags = 2;
  map<string, Tag> by_name = 3;
  map<string, int64> counts = 4;
  repeated int64 ids = 5 [packed = true];
  repeated double weights = 6;
  repeated fixed32 codes = 7;
  repeated string names = 8;
  optional group Extra = 9 { optional Tag tag = 1; }
  optional string note = 10;
  repeated Kind kinds = 11;
}
message Tag { optional string name = 1; }
message Unused { optional Item item = 1; }
enum Kind { A = 0; }
`,
      }),
    );
    expect(Object.fromEntries(specs)).toEqual({
      "acme.Item": {
        1: { message: "acme.Item" },
        2: { message: "acme.Tag" },
        3: { message: "acme.Item.ByNameEntry" },
        4: { message: "acme.Item.CountsEntry" },
        5: { packed: "varint" },
        6: { packed: "fixed64" },
        7: { packed: "fixed32" },
        9: { group: "acme.Item.Extra" },
        11: { packed: "varint" },
      },
      "acme.Item.ByNameEntry": { 2: { message: "acme.Tag" } },
      "acme.Item.CountsEntry": {},
      "acme.Item.Extra": { 1: { message: "acme.Tag" } },
      "acme.Tag": {},
      "acme.Empty": {},
    });
    // The specs link into tables (a self-reference included) and walk a recursive message.
    const tables = linkWireTables(Object.fromEntries(specs));
    accepted(delimited(1, delimited(1, delimited(2, delimited(1, [0x61])))), tables["acme.Item"]);
    rejected(delimited(1, delimited(1, delimited(2, [0x00]))), /in acme.Tag/, tables["acme.Item"]);
  });
});
