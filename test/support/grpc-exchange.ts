/**
 * One gRPC call over a raw `node:http2` session, keeping everything the
 * server put on the wire: response headers, trailers, each message with its
 * compressed flag. Where test/support/raw-grpc.ts answers "which status",
 * this answers "exactly what was sent", for the server contract suite; it
 * can also read slowly (pause the stream), to exercise flow control.
 */
import { constants, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { grpcRequestHeaders } from "./raw-grpc.js";

export interface Exchange {
  /** The gRPC path, e.g. `/pluginv2.Data/QueryData`. */
  path: string;
  /** The request body, already framed (see raw-grpc.ts grpcFrame). */
  body: Uint8Array;
  /** Extra request headers; these override the defaults (content-type, te). */
  headers?: Record<string, string | string[]>;
  /**
   * Called with each whole message as it arrives (index from 0); while the
   * promise it returns is pending the stream is paused, so the client's
   * flow-control window stays closed.
   */
  onMessage?: (payload: Buffer, index: number) => void | Promise<void>;
  /** Fail the exchange if it has not ended after this long; default 30 s. */
  timeoutMs?: number;
}

export interface ExchangeResult {
  headers: IncomingHttpHeaders;
  /** Undefined for a trailers-only answer (the status is then in `headers`). */
  trailers: IncomingHttpHeaders | undefined;
  /** Each message's payload and its compressed flag. */
  messages: { flag: number; payload: Buffer }[];
  /** grpc-status from the trailers, or from the headers of a trailers-only answer. */
  grpcStatus: number | undefined;
  /** grpc-message exactly as sent (still percent-encoded). */
  rawGrpcMessage: string | undefined;
  /** The stream's RST_STREAM code (0: it ended normally). */
  rstCode: number;
}

export function exchange(session: ClientHttp2Session, call: Exchange): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const stream = session.request(grpcRequestHeaders(call.path, call.headers));
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const messages: ExchangeResult["messages"] = [];
    const chunks: Buffer[] = [];
    let buffered = 0;
    let pending: Promise<void> = Promise.resolve();
    const timer = setTimeout(() => {
      stream.close(constants.NGHTTP2_CANCEL);
      reject(new Error(`${call.path}: no end within ${call.timeoutMs ?? 30_000} ms`));
    }, call.timeoutMs ?? 30_000);
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      // Concatenate only when a whole message is there (a 64 MiB stream arrives in 16 KiB chunks).
      while (buffered >= 5) {
        const head = chunks[0].length >= 5 ? chunks[0] : Buffer.concat(chunks);
        const length = head.readUInt32BE(1);
        if (buffered < 5 + length) break;
        const all = Buffer.concat(chunks);
        chunks.length = 0;
        const rest = all.subarray(5 + length);
        if (rest.length) chunks.push(rest);
        buffered = rest.length;
        const message = { flag: all[0], payload: all.subarray(5, 5 + length) };
        messages.push(message);
        const handled = call.onMessage?.(message.payload, messages.length - 1);
        if (handled) {
          stream.pause();
          pending = pending.then(() => handled).then(() => void stream.resume());
        }
      }
    });
    stream.on("error", () => {}); // the close below reports the outcome
    stream.on("close", () => {
      clearTimeout(timer);
      const status = trailers?.["grpc-status"] ?? headers["grpc-status"];
      const message = trailers?.["grpc-message"] ?? headers["grpc-message"];
      void pending.then(() =>
        resolve({
          headers,
          trailers,
          messages,
          grpcStatus: status === undefined ? undefined : Number(status),
          rawGrpcMessage: message === undefined ? undefined : String(message),
          rstCode: stream.rstCode ?? 0,
        }),
      );
    });
    stream.end(call.body);
  });
}
