/**
 * gRPC's length-prefixed messages: a flag byte (1 = compressed), a 4-byte
 * big-endian length, the payload. The reader cuts a request body into them
 * as HTTP/2 DATA chunks arrive, refusing a declared length over the limit as
 * soon as its prefix is seen (not after buffering it), reads the common case,
 * a whole message in one chunk, without copying, and copies each byte of a
 * message split over chunks once, into a buffer of its declared length.
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
  // The prefix of the message being read (flag byte and length), as far as it has arrived.
  private readonly prefix = Buffer.alloc(PREFIX);
  private prefixFilled = 0;
  // Its payload, once the prefix is complete: allocated at its declared length, filled as data
  // arrives. Each byte is copied at most once, however the data is split (one byte per DATA
  // frame included): no list of chunks to join or shift.
  private payload: Buffer | undefined;
  private payloadFilled = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of an incomplete message still waiting for more data. */
  get pendingBytes(): number {
    return this.prefixFilled + this.payloadFilled;
  }

  /** The whole messages `chunk` completes; throws RequestRejected for an oversized one. */
  push(chunk: Buffer): RawMessage[] {
    const messages: RawMessage[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.prefixFilled < PREFIX) {
        // The common case, a whole message inside this chunk: a view, nothing copied.
        if (this.prefixFilled === 0 && chunk.length - at >= PREFIX) {
          const length = this.checkedLength(chunk.readUInt32BE(at + 1));
          if (chunk.length - at - PREFIX >= length) {
            messages.push({
              flag: chunk[at]!,
              payload: chunk.subarray(at + PREFIX, at + PREFIX + length),
            });
            at += PREFIX + length;
            continue;
          }
        }
        const used = chunk.copy(
          this.prefix,
          this.prefixFilled,
          at,
          at + PREFIX - this.prefixFilled,
        );
        this.prefixFilled += used;
        at += used;
        if (this.prefixFilled < PREFIX) break;
        this.payload = Buffer.allocUnsafe(this.checkedLength(this.prefix.readUInt32BE(1)));
        this.payloadFilled = 0;
      }
      const payload = this.payload!;
      const used = chunk.copy(
        payload,
        this.payloadFilled,
        at,
        at + payload.length - this.payloadFilled,
      );
      this.payloadFilled += used;
      at += used;
      if (this.payloadFilled < payload.length) break;
      messages.push({ flag: this.prefix[0]!, payload });
      this.prefixFilled = 0;
      this.payloadFilled = 0;
      this.payload = undefined;
    }
    return messages;
  }

  private checkedLength(length: number): number {
    if (length > this.maxBytes)
      throw new RequestRejected({
        code: Status.RESOURCE_EXHAUSTED,
        details: `grpc: received message larger than max (${length} vs. ${this.maxBytes})`,
      });
    return length;
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
