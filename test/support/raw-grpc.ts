/**
 * A gRPC client with nothing between the test and the wire: `node:http2`
 * straight onto a plugin's unix socket, so a test can send what no gRPC
 * library would (a truncated message, a length of 0xFFFFFFFF, a compressed
 * flag without an encoding, a bad grpc-timeout) and read exactly which
 * status the server answered.
 */
import {
  connect as http2Connect,
  constants,
  type ClientHttp2Session,
  type OutgoingHttpHeaders,
} from "node:http2";
import { connect as netConnect } from "node:net";

export interface RawCall {
  /** The gRPC path, e.g. `/pluginv2.Data/QueryData`. */
  path: string;
  /** The request body exactly as sent (frame the messages yourself, see `grpcFrame`). */
  body: Uint8Array;
  /** Extra request headers (grpc-encoding, grpc-timeout, …); these override the defaults. */
  headers?: Record<string, string>;
  /**
   * Reset the stream once this many response messages have arrived: a server
   * stream that decoded its request and keeps sending has accepted it.
   */
  resetAfterMessages?: number;
}

export interface RawAnswer {
  /** HTTP status of the response headers (200 for every gRPC answer). */
  httpStatus: number;
  /** grpc-status from the trailers (or trailers-only headers); undefined if there was none. */
  grpcStatus: number | undefined;
  grpcMessage: string;
  /** Whole response messages received before the status. */
  messages: number;
  /** True when the test reset the stream after `resetAfterMessages`. */
  reset: boolean;
  /** The stream's HTTP/2 RST_STREAM code (0 = ended normally). */
  rstCode: number;
}

/** One 5-byte gRPC message header (flag, big-endian length) and the payload. */
export function grpcFrame(payload: Uint8Array, options: { flag?: number; length?: number } = {}) {
  const header = Buffer.alloc(5);
  header.writeUInt8(options.flag ?? 0, 0);
  header.writeUInt32BE(options.length ?? payload.length, 1);
  return Buffer.concat([header, payload]);
}

export interface RawGrpcConnection {
  call(call: RawCall, timeoutMs?: number): Promise<RawAnswer>;
  close(): Promise<void>;
  /** The HTTP/2 session, to check it is still usable. */
  session: ClientHttp2Session;
}

/** The request headers of a gRPC call; `extra` overrides the defaults. */
export function grpcRequestHeaders(
  path: string,
  extra: Record<string, string | string[]> = {},
): OutgoingHttpHeaders {
  return {
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
    ...extra,
  };
}

/**
 * An HTTP/2 session onto a plugin's unix socket. Node counts a request body
 * still being written against the session's memory (10 MB by default) and
 * refuses new streams with ENHANCE_YOUR_CALM beyond it, so a session that
 * sends requests past the server's size limit needs more.
 */
export async function openSession(socketPath: string): Promise<ClientHttp2Session> {
  const session = http2Connect("http://localhost", {
    createConnection: () => netConnect(socketPath),
    maxSessionMemory: 256,
  });
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  session.on("error", () => {}); // a failed session shows up as failed exchanges
  return session;
}

/** One HTTP/2 connection to a plugin's unix socket. */
export async function connectRawGrpc(socketPath: string): Promise<RawGrpcConnection> {
  const session = await openSession(socketPath);
  return {
    session,
    call: (call, timeoutMs = 10_000) => rawCall(session, call, timeoutMs),
    close: () => new Promise((resolve) => session.close(() => resolve())),
  };
}

function rawCall(
  session: ClientHttp2Session,
  call: RawCall,
  timeoutMs: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(grpcRequestHeaders(call.path, call.headers));
    let httpStatus = 0;
    let grpcStatus: number | undefined;
    let grpcMessage = "";
    let received = Buffer.alloc(0);
    let messages = 0;
    let reset = false;
    const readStatus = (headers: Record<string, unknown>) => {
      if (headers["grpc-status"] !== undefined) grpcStatus = Number(headers["grpc-status"]);
      if (headers["grpc-message"] !== undefined)
        grpcMessage = decodeURIComponent(String(headers["grpc-message"]));
    };
    const timer = setTimeout(() => {
      stream.close(constants.NGHTTP2_CANCEL);
      reject(new Error(`${call.path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on("response", (headers) => {
      httpStatus = Number(headers[":status"]);
      readStatus(headers);
    });
    stream.on("trailers", readStatus);
    stream.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 5 && received.length >= 5 + received.readUInt32BE(1)) {
        received = received.subarray(5 + received.readUInt32BE(1));
        messages++;
      }
      if (call.resetAfterMessages !== undefined && messages >= call.resetAfterMessages && !reset) {
        reset = true;
        stream.close(constants.NGHTTP2_CANCEL);
      }
    });
    stream.on("error", () => {}); // the close below reports the outcome
    stream.on("close", () => {
      clearTimeout(timer);
      resolve({
        httpStatus,
        grpcStatus,
        grpcMessage,
        messages,
        reset,
        rstCode: stream.rstCode ?? 0,
      });
    });
    stream.end(call.body);
  });
}
