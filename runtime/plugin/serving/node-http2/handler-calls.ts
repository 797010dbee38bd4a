/**
 * The call objects a grpc-js service implementation receives, built on a
 * ServerCall, so the generated adapters (output/rpc-support.ts) serve
 * unchanged on this server. They carry what the adapters and grpc-js's
 * documented call API use: `request`, `metadata`, `getPeer()`,
 * `getDeadline()`, `cancelled` and the "cancelled" event, and on streams
 * `write`/`end`/"drain"/`emit("error", status)` and the request messages as
 * an object-mode Readable.
 *
 * A unary call is a plain object with a single "cancelled" listener slot
 * (the adapter registers at most one): no EventEmitter, no stream per call.
 */
import { Duplex } from "node:stream";
import { status as Status, type Metadata } from "@grpc/grpc-js";
import { statusOfError, type GrpcStatus } from "./grpc-status.js";
import { frameMessage } from "./message-frames.js";
import type { ServerCall } from "./server-call.js";

/** What the server needs of a method: grpc-js's MethodDefinition, less the client half. */
export interface ServedMethod {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  deserialize(payload: Buffer): unknown;
  serialize(value: unknown): Uint8Array;
  handler: (...args: any[]) => void;
}

type Listener = () => void;

export class UnaryCallSurface {
  constructor(
    private readonly call: ServerCall,
    readonly request: unknown,
  ) {}

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get cancelled(): boolean {
    return this.call.isCancelled;
  }

  getPeer(): string {
    return this.call.peer;
  }

  getDeadline(): number {
    return this.call.deadline;
  }

  once(event: string, listener: Listener): this {
    if (event === "cancelled") this.call.onCancelled(listener);
    return this;
  }

  on(event: string, listener: Listener): this {
    return this.once(event, listener);
  }

  removeListener(event: string, _listener: Listener): this {
    if (event === "cancelled") this.call.onCancelled(undefined);
    return this;
  }

  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }
}

/** The response serialized and framed, or the status to fail with if serializing throws. */
export function framedResponse(method: ServedMethod, value: unknown): Buffer | GrpcStatus {
  try {
    return frameMessage(method.serialize(value));
  } catch (error) {
    return {
      code: Status.INTERNAL,
      details: `Error serializing response: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

/** grpc-js's sendUnaryData: the answer or the error, once. */
export function unaryCallback(call: ServerCall, method: ServedMethod) {
  return (error: unknown, value?: unknown): void => {
    if (error) return call.sendStatus(statusOfError(error));
    const framed = framedResponse(method, value);
    if (Buffer.isBuffer(framed)) call.sendUnaryAnswer(framed);
    else call.sendStatus(framed);
  };
}

/**
 * A streaming call as grpc-js hands it to handlers: an object-mode Duplex
 * whose writable side sends response messages (back-pressure from HTTP/2's
 * flow control through the write callbacks) and whose `end()` sends the
 * status; emitting "error" with a status ends the call with it.
 */
export class StreamingCallSurface extends Duplex {
  private pendingStatus: GrpcStatus | undefined;
  private requestsEnded = false;

  constructor(
    private readonly call: ServerCall,
    private readonly method: ServedMethod,
    readonly request?: unknown,
  ) {
    // One request message waiting for the handler before HTTP/2 is paused (Node's default, 16,
    // would let a fast client park 16 messages of up to 16 MiB each per stream).
    super({ objectMode: true, readableHighWaterMark: 1 });
    call.onCancelled(() => {
      this.emit("cancelled", "cancelled");
      // A handler reading the requests must not wait for messages that will never come.
      this.deliver(null);
    });
    this.on("error", (error) => {
      this.pendingStatus = statusOfError(error);
      this.end();
    });
  }

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get cancelled(): boolean {
    return this.call.isCancelled;
  }

  getPeer(): string {
    return this.call.peer;
  }

  getDeadline(): number {
    return this.call.deadline;
  }

  /** A request message for the handler (null: no more); false asks to pause the HTTP/2 stream. */
  deliver(message: unknown): boolean {
    if (this.requestsEnded) return true;
    if (message === null) this.requestsEnded = true;
    return this.push(message);
  }

  override _read(): void {
    if (!this.call.done) this.call.stream.resume();
  }

  override _write(value: unknown, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    if (this.call.done) return done();
    const framed = framedResponse(this.method, value);
    if (!Buffer.isBuffer(framed)) {
      this.call.sendStatus(framed);
      return done();
    }
    // HTTP/2 write errors surface as the stream closing (a cancellation), not as a write failure.
    this.call.sendMessage(framed, () => done());
  }

  override _final(done: (error?: Error) => void): void {
    this.call.sendStatus(this.pendingStatus ?? { code: Status.OK, details: "" });
    done();
  }
}
