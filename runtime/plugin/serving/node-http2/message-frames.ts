/**
 * gRPC's length-prefixed messages: a flag byte (1 = compressed), a 4-byte
 * big-endian length, the payload. The reader cuts a request body into them
 * as HTTP/2 DATA chunks arrive, refusing a declared length over the limit as
 * soon as its prefix is seen (not after buffering it), and reads the common
 * case, a whole message in one chunk, without copying.
 */
import { gunzipSync, inflateSync } from "node:zlib";
import { status as Status } from "@grpc/grpc-js";
import type { GrpcStatus } from "./grpc-status.js";

export interface RawMessage {
  flag: number;
  payload: Buffer;
}

/** A request the server must refuse with this status. */
export class RequestRejected extends Error {
  constructor(readonly status: GrpcStatus) {
    super(status.details);
  }
}

const PREFIX = 5;

export class MessageReader {
  private pending: Buffer | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of an incomplete message still waiting for more data. */
  get pendingBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** The whole messages `chunk` completes; throws RequestRejected for an oversized one. */
  push(chunk: Buffer): RawMessage[] {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const messages: RawMessage[] = [];
    while (data.length >= PREFIX) {
      const length = data.readUInt32BE(1);
      if (length > this.maxBytes)
        throw new RequestRejected({
          code: Status.RESOURCE_EXHAUSTED,
          details: `grpc: received message larger than max (${length} vs. ${this.maxBytes})`,
        });
      if (data.length < PREFIX + length) break;
      messages.push({ flag: data[0]!, payload: data.subarray(PREFIX, PREFIX + length) });
      data = data.subarray(PREFIX + length);
    }
    // Copy the remainder: the chunk it points into may be large and otherwise retained.
    if (data.length > 0) this.pending = Buffer.from(data);
    return messages;
  }
}

/** The encodings a request may declare: what grpc-js's server decompresses. */
export function acceptsEncoding(encoding: string): boolean {
  return encoding === "identity" || encoding === "gzip" || encoding === "deflate";
}

/** The payload as the deserializer needs it, checked as grpc-go's server checks it. */
export function messagePayload(message: RawMessage, encoding: string, maxBytes: number): Buffer {
  if (message.flag === 0) return message.payload;
  if (message.flag !== 1)
    throw new RequestRejected({
      code: Status.INTERNAL,
      details: `grpc: received unexpected payload format ${message.flag}`,
    });
  if (encoding === "identity")
    throw new RequestRejected({
      code: Status.INTERNAL,
      details: "grpc: compressed flag set with identity or empty encoding",
    });
  try {
    const options = { maxOutputLength: Math.max(1, maxBytes) };
    return encoding === "gzip"
      ? gunzipSync(message.payload, options)
      : inflateSync(message.payload, options);
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new RequestRejected({
        code: Status.RESOURCE_EXHAUSTED,
        details: `grpc: received message after decompression larger than max (${maxBytes})`,
      });
    throw new RequestRejected({
      code: Status.INTERNAL,
      details: `grpc: failed to decompress the received message: ${(error as Error).message}`,
    });
  }
}

/** One response message, framed (responses are never compressed). */
export function frameMessage(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX + payload.length);
  out[0] = 0;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, PREFIX);
  return out;
}
