/**
 * Request framing that grpc-js's server lets through or answers with the
 * wrong code, answered here as grpc-go's server does (grpc-go 1.64,
 * rpc_util.go checkRecvPayload and server.go processUnaryRPC):
 *
 * - compressed flag set with grpc-encoding identity or none: grpc-js reads
 *   the bytes as uncompressed; grpc-go answers INTERNAL;
 * - a flag byte other than 0 or 1: grpc-js treats it as 0; grpc-go answers
 *   INTERNAL "received unexpected payload format";
 * - a grpc-encoding it cannot decompress, even on uncompressed messages:
 *   grpc-go answers UNIMPLEMENTED before reading anything;
 * - a unary or server-streaming call whose request ends without a whole
 *   message, or carries a second one: grpc-js answers UNIMPLEMENTED, which
 *   Grafana reads as "the plugin does not implement this method"; grpc-go
 *   answers UNKNOWN (EOF) for the first, and here a second message is an
 *   INTERNAL error (grpc-go 1.64 silently drops it).
 *
 * The flag byte never reaches an interceptor through grpc-js's API: it is
 * read in the base call's `decompressMessage(framedMessage, encoding)`, which
 * is replaced on each call's own instance (not on grpc-js's prototype); the
 * request's grpc-encoding is the base call's `incomingEncoding`. If a grpc-js
 * release renames them, the checks that need them are skipped and `onDrift`
 * says so once; the others still run.
 */
import {
  ServerInterceptingCall,
  status,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type StatusObject,
} from "@grpc/grpc-js";

/** What grpc-js's server decompresses (server-interceptors.js decompressMessage). */
const DECOMPRESSED_ENCODINGS = new Set(["identity", "gzip", "deflate"]);

/** The two grpc-js internals of BaseServerInterceptingCall these checks read. */
interface BaseCallInternals {
  incomingEncoding?: unknown;
  decompressMessage?: (framed: Buffer, encoding: string) => Buffer | Promise<Buffer>;
}

type Rejection = Pick<StatusObject, "code" | "details">;

export function grpcFramingChecks(onDrift: (message: string) => void): ServerInterceptor {
  let driftReported = false;
  const reportDrift = () => {
    if (driftReported) return;
    driftReported = true;
    onDrift(
      "@grpc/grpc-js changed its server call internals: compressed-flag and grpc-encoding checks are off (see runtime/plugin/grpc-framing-checks.ts)",
    );
  };
  return (method, call) => {
    const base = call as unknown as BaseCallInternals;
    const readable = typeof base.incomingEncoding === "string" && !!base.decompressMessage;
    if (readable) checkFlagByte(base);
    else reportDrift();
    const early = readable ? unsupportedEncoding(String(base.incomingEncoding)) : undefined;
    return checkMessageCount(call, early, !method.requestStream);
  };
}

function unsupportedEncoding(encoding: string): Rejection | undefined {
  if (encoding === "" || DECOMPRESSED_ENCODINGS.has(encoding)) return undefined;
  return {
    code: status.UNIMPLEMENTED,
    details: `grpc: Decompressor is not installed for grpc-encoding "${encoding}"`,
  };
}

function checkFlagByte(base: BaseCallInternals): void {
  const decompress = base.decompressMessage!.bind(base);
  base.decompressMessage = (framed, encoding) => {
    const flag = framed[0];
    if (flag === 1 && (encoding === "identity" || encoding === ""))
      return Promise.reject({
        code: status.INTERNAL,
        details: "grpc: compressed flag set with identity or empty encoding",
      });
    if (flag !== 0 && flag !== 1)
      return Promise.reject({
        code: status.INTERNAL,
        details: `grpc: received unexpected payload format ${flag}`,
      });
    return decompress(framed, encoding);
  };
}

/** Rejects before the handler starts, or once a single-message request turns out malformed. */
function checkMessageCount(
  call: ServerInterceptingCallInterface,
  early: Rejection | undefined,
  singleRequest: boolean,
): ServerInterceptingCall {
  let messages = 0;
  let rejected = false;
  const reject = (rejection: Rejection) => {
    rejected = true;
    call.sendStatus({ ...rejection, metadata: null });
  };
  return new ServerInterceptingCall(call, {
    start: (next) => {
      if (early) return reject(early);
      next({
        onReceiveMessage: (message, pass) => {
          if (rejected) return;
          if (singleRequest && ++messages > 1)
            return reject({
              code: status.INTERNAL,
              details: "grpc: too many request messages for a non-streaming request",
            });
          pass(message);
        },
        onReceiveHalfClose: (pass) => {
          if (rejected) return;
          if (singleRequest && messages === 0)
            return reject({
              code: status.UNKNOWN,
              details: "EOF: the request ended before a whole message",
            });
          pass();
        },
      });
    },
  });
}
