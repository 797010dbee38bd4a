/**
 * Benchmark peer: the floor for any Node.js plugin. go-plugin's handshake
 * (peer-basics.ts), then `node:http2` directly: one server on the unix
 * socket, gRPC's length-prefixed messages framed by hand, the generated
 * ts-proto codec, `grpc-status: 0` trailers. It answers QueryData with the
 * same fixed payload as the ts-echo fixture and the Go plugin.
 *
 * What it is: the least work a Node.js process can do to answer the go-plugin
 * host correctly for this benchmark, so "ours / floor" says how much our
 * runtime (grpc-js, adapters, context, logging, metrics) costs per call.
 *
 * What it is not: a gRPC server. No deadlines (grpc-timeout is ignored), no
 * cancellation, no compression (a compressed message is refused), no size
 * limits, no metadata, no streaming RPCs, no TLS/AutoMTLS, no flow-control
 * tuning, no graceful GOAWAY, no logging. Besides QueryData it serves only what
 * a go-plugin host calls on its own: GRPCController/Shutdown (reply, then
 * exit, so the host's Kill does not wait 2 s for SIGKILL) and grpc.health.v1
 * Check (SERVING for "plugin" and "", what go-plugin's Ping asks). The
 * broker's StartStream and 1.8's GRPCStdio/StreamStdio get UNIMPLEMENTED,
 * which go-plugin's client takes as "not supported" and carries on.
 * Never use it as a plugin.
 */
import { constants, createServer, type ServerHttp2Stream } from "node:http2";
import { Empty } from "../../output/plugin/grpc_controller.js";
import {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
} from "../../output/grpc/health/v1/health.js";
import { QueryDataRequest, QueryDataResponse } from "../../output/pluginv2/backend.js";
import { percentEncode } from "../../runtime/plugin/serving/node-http2/percent-encoding.js";
import {
  bindPrivately,
  fixedAnswer,
  printHandshake,
  requireMagicCookie,
  unixSocketPath,
} from "./peer-basics.js";

/** gRPC status codes used here (grpc/doc/statuscodes.md). */
const GRPC_OK = "0";
const GRPC_NOT_FOUND = "5";
const GRPC_UNIMPLEMENTED = "12";
const GRPC_INTERNAL = "13";

/** A unary method: request bytes in, response bytes out. */
type Unary = (request: Uint8Array) => Uint8Array;

const unary = new Map<string, Unary>([
  [
    "/pluginv2.Data/QueryData",
    (bytes) => QueryDataResponse.encode(fixedAnswer(QueryDataRequest.decode(bytes))).finish(),
  ],
  ["/grpc.health.v1.Health/Check", healthCheck],
  ["/plugin.GRPCController/Shutdown", () => Empty.encode(Empty.create()).finish()],
]);

requireMagicCookie();
const server = createServer();
server.on("stream", (stream, headers) => {
  const path = String(headers[constants.HTTP2_HEADER_PATH]);
  const method = unary.get(path);
  // A call the host resets must not become an unhandled error event.
  stream.on("error", () => {});
  // Streaming and unknown methods: trailers-only, without reading the request.
  if (!method) return trailersOnly(stream, GRPC_UNIMPLEMENTED, `${path} is not served`);
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("end", () => {
    const request = unframe(Buffer.concat(chunks));
    if (typeof request === "string") return trailersOnly(stream, GRPC_INTERNAL, request);
    let response: Uint8Array;
    try {
      response = method(request);
    } catch (error) {
      const status = error instanceof NotFound ? GRPC_NOT_FOUND : GRPC_INTERNAL;
      return trailersOnly(stream, status, (error as Error).message);
    }
    stream.respond(
      { [constants.HTTP2_HEADER_STATUS]: 200, "content-type": "application/grpc" },
      { waitForTrailers: true },
    );
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": GRPC_OK }));
    stream.end(frame(response));
    // Reply first (go-plugin's Kill waits for it), exit once the host hangs up.
    if (path === "/plugin.GRPCController/Shutdown") server.close(() => process.exit(0));
  });
});
// A host that goes away must not leave an error event unhandled.
server.on("sessionError", () => {});

const socketPath = unixSocketPath();
await bindPrivately(
  () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, resolve);
    }),
);
printHandshake(socketPath);

/** One gRPC message: flag byte, 4-byte big-endian length, payload. */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** The one message of a unary request, or why there is none. */
function unframe(body: Buffer): Uint8Array | string {
  if (body.length < 5) return "request has no complete gRPC message";
  if (body[0] !== 0) return "compressed messages are not supported";
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) return "a unary request must hold exactly one message";
  return body.subarray(5);
}

function trailersOnly(stream: ServerHttp2Stream, status: string, message: string): void {
  stream.respond(
    {
      [constants.HTTP2_HEADER_STATUS]: 200,
      "content-type": "application/grpc",
      "grpc-status": status,
      "grpc-message": percentEncode(message),
    },
    { endStream: true },
  );
}

class NotFound extends Error {}

function healthCheck(bytes: Uint8Array): Uint8Array {
  const { service } = HealthCheckRequest.decode(bytes);
  if (service !== "plugin" && service !== "") throw new NotFound(`unknown service ${service}`);
  return HealthCheckResponse.encode(
    HealthCheckResponse.fromPartial({ status: HealthCheckResponse_ServingStatus.SERVING }),
  ).finish();
}
