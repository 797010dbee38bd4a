/**
 * gRPC's length-prefixed messages: a flag byte (1 = compressed), a 4-byte
 * big-endian length, the payload. The reader cuts a request body into them
 * as HTTP/2 DATA chunks arrive, refusing a declared length over the limit as
 * soon as its prefix is seen (not after buffering it), reads the common case,
 * a whole message in one chunk, without copying, and copies a message split
 * over chunks once, when its last byte has arrived.
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
  // Chunks not yet cut into messages, in order; the first may be partly consumed already.
  private readonly chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of an incomplete message still waiting for more data. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** The whole messages `chunk` completes; throws RequestRejected for an oversized one. */
  push(chunk: Buffer): RawMessage[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: RawMessage[] = [];
    while (this.buffered >= PREFIX) {
      const length = this.declaredLength();
      if (length > this.maxBytes)
        throw new RequestRejected({
          code: Status.RESOURCE_EXHAUSTED,
          details: `grpc: received message larger than max (${length} vs. ${this.maxBytes})`,
        });
      // Nothing is copied until a whole message is there (a 16 MiB request arrives in
      // thousands of chunks: joining on every chunk would copy it thousands of times).
      if (this.buffered < PREFIX + length) break;
      const framed = this.take(PREFIX + length);
      messages.push({ flag: framed[0]!, payload: framed.subarray(PREFIX) });
    }
    return messages;
  }

  /** The big-endian length after the flag byte, wherever the chunk boundaries fall. */
  private declaredLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= PREFIX) return first.readUInt32BE(1);
    return this.peek(PREFIX).readUInt32BE(1);
  }

  /** The first `n` buffered bytes, without consuming them. */
  private peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, n - filled));
      if (filled === n) break;
    }
    return out;
  }

  /** Consumes the first `n` buffered bytes: a view when one chunk holds them, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.chunks[0]!;
        const used = Math.min(chunk.length, n - filled);
        chunk.copy(out, filled, 0, used);
        filled += used;
        if (used === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(used);
      }
    }
    this.buffered -= n;
    return out;
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
