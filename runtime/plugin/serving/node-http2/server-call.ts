/**
 * One gRPC call on one HTTP/2 stream, as the server side of the protocol
 * sees it: the request's deadline, encoding and metadata, sending response
 * messages and exactly one status, and noticing when the caller goes away.
 * The handler-facing objects (handler-calls.ts) are built on it.
 *
 * Cancellation is what grpc-js and grpc-go call it: the stream closed before
 * the status was sent (the caller reset it, the connection dropped, or the
 * deadline passed, in which case the caller first gets DEADLINE_EXCEEDED).
 */
import {
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { status as Status, type Metadata } from "@grpc/grpc-js";
import { RESPONSE_HEADERS, statusTrailers, trailersOnly, type GrpcStatus } from "./grpc-status.js";
import { parseGrpcTimeout } from "./grpc-timeout.js";
import { acceptsEncoding } from "./message-frames.js";
import { malformedBinaryHeader, requestMetadata } from "./request-metadata.js";

/** Node's setTimeout overflows above this (and fires after 1 ms): longer deadlines get no timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ServerCall {
  /** Absolute deadline in ms since the epoch; Infinity without grpc-timeout. */
  readonly deadline: number = Infinity;
  /** The request's grpc-encoding ("identity" when absent). */
  readonly encoding: string;
  private metadataCache: Metadata | undefined;
  private headersSent = false;
  private finished = false;
  private cancelled = false;
  private timer: NodeJS.Timeout | undefined;
  private cancelListener: (() => void) | undefined;
  /** What the trailers will say once the response messages are out. */
  private trailersStatus: GrpcStatus = { code: Status.OK, details: "" };
  /** Set when the request headers alone make the call fail (checked before any body byte, as grpc-go does). */
  private rejection: GrpcStatus | undefined;

  constructor(
    readonly stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    /** Header names and values as received (metadata keeps repeated ones apart). */
    private readonly rawHeaders: readonly string[],
    readonly peer: string,
  ) {
    const encoding = headers["grpc-encoding"];
    this.encoding = typeof encoding === "string" && encoding !== "" ? encoding : "identity";
    stream.once("close", () => {
      if (!this.finished) this.notifyCancelled();
    });
    const timeout = headers["grpc-timeout"];
    if (timeout === undefined) return;
    const ms = typeof timeout === "string" ? parseGrpcTimeout(timeout) : undefined;
    if (ms === undefined) {
      this.rejection = {
        code: Status.INTERNAL,
        details: `malformed grpc-timeout: ${String(timeout)}`,
      };
      return;
    }
    this.deadline = Date.now() + ms;
    if (ms <= MAX_TIMER_MS) {
      this.timer = setTimeout(() => this.deadlinePassed(), ms);
      // A call's timer must not keep a stopping plugin alive.
      this.timer.unref();
    }
  }

  /** Checks the headers once the constructor has run; returns false if the call was answered. */
  acceptHeaders(): boolean {
    if (!this.rejection && !acceptsEncoding(this.encoding))
      this.rejection = {
        code: Status.UNIMPLEMENTED,
        details: `grpc: Decompressor is not installed for grpc-encoding "${this.encoding}"`,
      };
    if (!this.rejection) {
      const malformed = malformedBinaryHeader(this.rawHeaders);
      if (malformed) this.rejection = { code: Status.INTERNAL, details: malformed };
    }
    if (!this.rejection) return true;
    this.reject(this.rejection);
    return false;
  }

  /** Request metadata as grpc-js gives it to handlers; built on first use (most calls never read it). */
  get metadata(): Metadata {
    return (this.metadataCache ??= requestMetadata(this.rawHeaders));
  }

  /** True once the status was sent or the caller went away: nothing more goes out. */
  get done(): boolean {
    return this.finished || this.cancelled;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** The one listener the handler adapter registers (rpc-support.ts callContext). */
  onCancelled(listener: (() => void) | undefined): void {
    this.cancelListener = listener;
  }

  /** Writes one framed response message; the callback runs once HTTP/2 has taken it. */
  sendMessage(frame: Buffer, callback?: (error?: Error | null) => void): boolean {
    // respond() and write() throw on a stream the peer already closed, before "close" fires.
    if (this.done || this.stream.destroyed || this.stream.closed) {
      callback?.();
      return true;
    }
    this.sendHeaders();
    return this.stream.write(frame, callback);
  }

  /** The unary answer: headers, the one message and the OK trailers in one go. */
  sendUnaryAnswer(frame: Buffer): void {
    if (this.done) return;
    this.finish();
    if (this.stream.destroyed || this.stream.closed) return;
    this.sendHeaders();
    this.stream.end(frame);
  }

  sendStatus(status: GrpcStatus): void {
    if (this.done) return;
    this.finish();
    if (this.stream.destroyed || this.stream.closed) return;
    if (this.headersSent) {
      this.trailersStatus = status;
      this.stream.end();
    } else {
      this.sendGuarded(
        (headers) => this.stream.respond(headers, { endStream: true }),
        trailersOnly(status),
        () => trailersOnly(unsendable(status)),
      );
    }
  }

  /**
   * Sends headers or trailers Node may still refuse (metadata the handler
   * chose): then a plain INTERNAL status, and if even that fails, a reset,
   * so the caller always hears an end and nothing escapes as an exception.
   */
  private sendGuarded(
    send: (headers: OutgoingHttpHeaders) => void,
    headers: OutgoingHttpHeaders,
    fallback: () => OutgoingHttpHeaders,
  ): void {
    try {
      send(headers);
    } catch {
      try {
        send(fallback());
      } catch {
        this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      }
    }
  }

  /** The server refuses the request (oversized, malformed): status out, handler told as on a cancel. */
  reject(status: GrpcStatus): void {
    this.sendStatus(status);
    this.notifyCancelled();
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    this.stream.once("wantTrailers", () =>
      this.sendGuarded(
        (trailers) => this.stream.sendTrailers(trailers),
        statusTrailers(this.trailersStatus),
        () => statusTrailers(unsendable(this.trailersStatus)),
      ),
    );
  }

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private deadlinePassed(): void {
    // A handler still running is told as on any cancellation.
    this.reject({ code: Status.DEADLINE_EXCEEDED, details: "Deadline exceeded" });
  }

  private notifyCancelled(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.timer) clearTimeout(this.timer);
    // Drop whatever the caller still sends.
    this.stream.resume();
    const listener = this.cancelListener;
    if (listener) process.nextTick(listener);
  }

  /**
   * grpc-go's answer to a request that is not gRPC: HTTP 415 with
   * INVALID_ARGUMENT naming the content-type (grpc-js sends a bare 415).
   */
  static refuseContentType(stream: ServerHttp2Stream, contentType: string | undefined): void {
    stream.respond(
      {
        [constants.HTTP2_HEADER_STATUS]: constants.HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE,
        ...statusTrailers({
          code: Status.INVALID_ARGUMENT,
          details: `invalid gRPC request content-type "${contentType ?? ""}"`,
        }),
      },
      { endStream: true },
    );
    // The body is never read: let it drain instead of holding the stream open.
    stream.resume();
  }
}

/** The status to send instead when Node refused the one the handler chose. */
function unsendable(status: GrpcStatus): GrpcStatus {
  return {
    code: Status.INTERNAL,
    details: `the plugin's status (code ${status.code}) could not be sent: its metadata holds a header HTTP/2 refuses`,
  };
}
