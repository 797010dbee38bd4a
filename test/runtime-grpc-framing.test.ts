// The node:http2 server's pure pieces: cutting request bodies into gRPC
// messages however HTTP/2 splits them, grpc-timeout as grpc-go parses it,
// and grpc-message's percent-encoding. The server itself is exercised by
// test/reliability/grpc-server-contract.test.ts against real clients.
import { status } from "@grpc/grpc-js";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseGrpcTimeout } from "../runtime/plugin/serving/node-http2/grpc-timeout.js";
import {
  MessageReader,
  RequestRejected,
  messagePayload,
} from "../runtime/plugin/serving/node-http2/message-frames.js";
import { percentEncode } from "../runtime/plugin/serving/node-http2/percent-encoding.js";
import { malformedBinaryHeader } from "../runtime/plugin/serving/node-http2/request-metadata.js";
import { grpcFrame } from "./support/raw-grpc.js";

const payloads = [Buffer.from("first message"), Buffer.alloc(0), Buffer.from([0, 1, 2, 255])];
const body = Buffer.concat(payloads.map((p) => grpcFrame(p)));

function rejectionOf(run: () => unknown): { code: number; details: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestRejected) return error.status;
    throw error;
  }
  return undefined;
}

describe("MessageReader", () => {
  it("reads the same messages whatever the chunk boundaries", () => {
    for (let size = 1; size <= body.length; size++) {
      const reader = new MessageReader(1024);
      const read: Buffer[] = [];
      for (let at = 0; at < body.length; at += size)
        for (const message of reader.push(body.subarray(at, at + size))) read.push(message.payload);
      expect(read, `chunks of ${size} bytes`).toEqual(payloads);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it("reads a 16 MiB message that arrives in 16 KiB chunks, byte for byte", () => {
    const payload = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4093) payload[i] = i % 251;
    const framed = grpcFrame(payload);
    const reader = new MessageReader(payload.length);
    const read: Buffer[] = [];
    for (let at = 0; at < framed.length; at += 16 * 1024)
      for (const message of reader.push(framed.subarray(at, at + 16 * 1024)))
        read.push(message.payload);
    expect(read).toHaveLength(1);
    expect(read[0]!.equals(payload)).toBe(true);
    expect(reader.pendingBytes).toBe(0);
  });

  it("reads a message sent one byte per chunk (a peer sending 1-byte DATA frames)", () => {
    const payload = Buffer.alloc(512 * 1024, 7);
    const framed = grpcFrame(payload);
    const reader = new MessageReader(payload.length);
    const read: Buffer[] = [];
    for (let at = 0; at < framed.length; at++)
      for (const message of reader.push(framed.subarray(at, at + 1))) read.push(message.payload);
    expect(read).toHaveLength(1);
    expect(read[0]!.equals(payload)).toBe(true);
  });

  it("keeps an incomplete message pending", () => {
    const reader = new MessageReader(1024);
    expect(reader.push(body.subarray(0, body.length - 1))).toHaveLength(2);
    expect(reader.pendingBytes).toBe(grpcFrame(payloads[2]!).length - 1);
  });

  it("refuses a declared length over the limit as soon as the prefix arrives", () => {
    const reader = new MessageReader(10);
    const prefixOnly = grpcFrame(Buffer.alloc(0), { length: 11 });
    expect(rejectionOf(() => reader.push(prefixOnly))).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      details: "grpc: received message larger than max (11 vs. 10)",
    });
  });
});

describe("messagePayload", () => {
  const payload = Buffer.from("a payload long enough to compress ".repeat(4));

  it("decompresses gzip and deflate, and limits the decompressed size", () => {
    const gz = { flag: 1, payload: gzipSync(payload) };
    expect(messagePayload(gz, "gzip", 1024)).toEqual(payload);
    expect(rejectionOf(() => messagePayload(gz, "gzip", 16))?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(rejectionOf(() => messagePayload(gz, "deflate", 1024))?.code).toBe(status.INTERNAL);
  });

  it("answers a compressed flag without an encoding, and an unknown flag, as grpc-go", () => {
    expect(rejectionOf(() => messagePayload({ flag: 1, payload }, "identity", 1024))).toEqual({
      code: status.INTERNAL,
      details: "grpc: compressed flag set with identity or empty encoding",
    });
    expect(rejectionOf(() => messagePayload({ flag: 2, payload }, "gzip", 1024))).toEqual({
      code: status.INTERNAL,
      details: "grpc: received unexpected payload format 2",
    });
  });
});

describe("parseGrpcTimeout", () => {
  it.each([
    ["1H", 3_600_000],
    ["2M", 120_000],
    ["3S", 3_000],
    ["4m", 4],
    ["5000u", 5],
    ["6000000n", 6],
    ["99999999S", 99_999_999_000],
  ])("%s → %d ms", (header, ms) => expect(parseGrpcTimeout(header)).toBe(ms));

  it.each(["", "S", "1", "1.5S", "123456789S", " 1S", "1 S", "1SS", "-1S", "1X"])(
    "%j is malformed",
    (header) => expect(parseGrpcTimeout(header)).toBeUndefined(),
  );
});

describe("percentEncode", () => {
  it("leaves printable ASCII alone and encodes the rest as UTF-8 %XX", () => {
    expect(percentEncode("plain text ~!")).toBe("plain text ~!");
    expect(percentEncode("100% naïve\n")).toBe("100%25 na%C3%AFve%0A");
    const message = "日本語 %41 \t end";
    expect(decodeURIComponent(percentEncode(message))).toBe(message);
  });
});

describe("malformedBinaryHeader", () => {
  it.each(["", "AQI=", "AQI", "AQID", "AQ==", "AQ", "+/+/"])("accepts %j as grpc-go does", (v) =>
    expect(malformedBinaryHeader(["x-data-bin", v])).toBeUndefined(),
  );

  it.each(["!!!", "AQI==", "A", "AQ=", "AQ=I", "AQ I=", "AQ-_"])("refuses %j, naming it", (v) =>
    expect(malformedBinaryHeader([":path", "/a/b", "x-data-bin", v])).toBe(
      `malformed binary metadata ${JSON.stringify(v)} in header "x-data-bin"`,
    ),
  );

  it("looks only at -bin headers", () =>
    expect(malformedBinaryHeader(["x-text", "!!!", "user-agent", "=="])).toBeUndefined());
});
