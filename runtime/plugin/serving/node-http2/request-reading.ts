/**
 * Reading a call's request messages off its HTTP/2 stream and starting the
 * handler: a single-message request (unary, server streaming) is read whole
 * first and must hold exactly one message, as grpc-go requires; a request
 * stream delivers each message as it completes, pausing HTTP/2 while the
 * handler is behind.
 */
import { status as Status } from "@grpc/grpc-js";
import { statusOfError } from "./grpc-status.js";
import {
  StreamingCallSurface,
  UnaryCallSurface,
  unaryCallback,
  type ServedMethod,
} from "./handler-calls.js";
import {
  MessageReader,
  RequestRejected,
  messagePayload,
  type RawMessage,
} from "./message-frames.js";
import type { ServerCall } from "./server-call.js";

export function startCall(call: ServerCall, method: ServedMethod, maxBytes: number): void {
  if (method.requestStream) readRequestStream(call, method, maxBytes);
  else readSingleRequest(call, method, maxBytes);
}

function readSingleRequest(call: ServerCall, method: ServedMethod, maxBytes: number): void {
  const reader = new MessageReader(maxBytes);
  let only: RawMessage | undefined;
  const { stream } = call;
  stream.on("data", (chunk: Buffer) => {
    if (call.done) return;
    try {
      for (const message of reader.push(chunk)) {
        // Refused at the second message, not at the end of the body: a peer that keeps sending
        // must not make the plugin hold every message (grpc-go and grpc-js stop there too).
        if (only) throw tooManyMessages();
        only = message;
      }
    } catch (error) {
      failRead(call, error);
    }
  });
  stream.once("end", () => {
    if (call.done) return;
    let request: unknown;
    try {
      if (!only)
        throw new RequestRejected({
          code: Status.UNKNOWN,
          details: "EOF: the request ended before a whole message",
        });
      if (reader.pendingBytes > 0) throw tooManyMessages();
      request = decode(call, method, only, maxBytes);
    } catch (error) {
      return failRead(call, error);
    }
    runHandler(call, () => {
      if (method.responseStream) method.handler(new StreamingCallSurface(call, method, request));
      else method.handler(new UnaryCallSurface(call, request), unaryCallback(call, method));
    });
  });
}

function readRequestStream(call: ServerCall, method: ServedMethod, maxBytes: number): void {
  const reader = new MessageReader(maxBytes);
  const surface = new StreamingCallSurface(call, method);
  const { stream } = call;
  stream.on("data", (chunk: Buffer) => {
    if (call.done) return;
    try {
      for (const message of reader.push(chunk))
        if (!surface.deliver(decode(call, method, message, maxBytes))) stream.pause();
    } catch (error) {
      failRead(call, error);
    }
  });
  // A partial message left at the end is dropped, as grpc-js does.
  stream.once("end", () => {
    if (!call.done) surface.deliver(null);
  });
  if (method.responseStream) runHandler(call, () => method.handler(surface));
  else runHandler(call, () => method.handler(surface, unaryCallback(call, method)));
}

function decode(call: ServerCall, method: ServedMethod, message: RawMessage, maxBytes: number) {
  const payload = messagePayload(message, call.encoding, maxBytes);
  try {
    return method.deserialize(payload);
  } catch (error) {
    throw new RequestRejected({
      code: Status.INTERNAL,
      details: `grpc: error unmarshalling request: ${(error as Error)?.message ?? String(error)}`,
    });
  }
}

function tooManyMessages(): RequestRejected {
  return new RequestRejected({
    code: Status.INTERNAL,
    details: "grpc: too many request messages for a non-streaming request",
  });
}

function failRead(call: ServerCall, error: unknown): void {
  call.reject(
    error instanceof RequestRejected
      ? error.status
      : { code: Status.INTERNAL, details: `reading the request failed: ${String(error)}` },
  );
}

/** A handler that throws synchronously fails its call, not the server. */
function runHandler(call: ServerCall, run: () => void): void {
  try {
    run();
  } catch (error) {
    call.sendStatus(statusOfError(error));
  }
}
