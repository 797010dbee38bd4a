/**
 * A gRPC server on `node:http2` for the go-plugin connection: it serves
 * grpc-js service definitions and implementations (what the generated
 * adapters produce), so plugins keep their handlers and the adapters stay
 * the same; only the layer between HTTP/2 and the adapters is ours. It does
 * per call what grpc-go's server does and no more: no interceptor chain, no
 * channelz, no per-call stream objects for unary calls, metadata built only
 * when a handler reads it.
 *
 * What it serves: unary and streaming methods, grpc-timeout deadlines,
 * cancellation, status and trailing metadata, the receive size limit,
 * gzip/deflate requests, HTTP/2 flow control (Node's), graceful GOAWAY on
 * shutdown, unix sockets and TCP, TLS with client certificates (AutoMTLS).
 */
import {
  constants,
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Session,
  type Http2Server,
  type IncomingHttpHeaders,
  type SecureServerOptions,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import { status as Status } from "@grpc/grpc-js";
import { STREAM_RESET_BURST, STREAM_RESET_RATE_PER_SECOND } from "../../stream-reset-limits.js";
import type { GrpcServing, TlsIdentity } from "../grpc-serving.js";
import type { ServedMethod } from "./handler-calls.js";
import { trailersOnly } from "./grpc-status.js";
import { startCall } from "./request-reading.js";
import { ServerCall } from "./server-call.js";

export interface NodeHttp2ServerOptions {
  /** Largest request message accepted (after decompression); negative: no limit. */
  maxReceiveMessageBytes: number;
  /** Serve TLS and require a client certificate signed by `clientCaPem`. */
  tls?: TlsIdentity;
}

export class NodeHttp2GrpcServer implements GrpcServing {
  readonly kind = "node-http2";
  private readonly methods = new Map<string, ServedMethod>();
  private readonly servers: (Http2Server | Http2SecureServer)[] = [];
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly peers = new WeakMap<Http2Session, string>();
  private readonly maxBytes: number;
  private shuttingDown = false;

  constructor(private readonly options: NodeHttp2ServerOptions) {
    this.maxBytes =
      options.maxReceiveMessageBytes < 0 ? Number.MAX_SAFE_INTEGER : options.maxReceiveMessageBytes;
  }

  addService(service: ServiceDefinition, implementation: UntypedServiceImplementation): void {
    for (const [key, definition] of Object.entries(service)) {
      const handler = implementation[key] ?? implementation[definition.originalName ?? ""];
      if (typeof handler !== "function")
        throw new Error(`addService: no implementation for ${definition.path} (key "${key}")`);
      if (this.methods.has(definition.path))
        throw new Error(`addService: ${definition.path} is already served`);
      this.methods.set(definition.path, {
        path: definition.path,
        requestStream: definition.requestStream,
        responseStream: definition.responseStream,
        deserialize: definition.requestDeserialize,
        serialize: definition.responseSerialize,
        handler: handler as ServedMethod["handler"],
      });
    }
  }

  /** Listens on `unix:<path>` or `<host>:<port>` (port 0: any); resolves the port (0 for unix). */
  async bind(target: string): Promise<number> {
    const server = this.createHttp2Server();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        const listening = () => {
          server.removeListener("error", reject);
          resolve();
        };
        if (target.startsWith("unix:")) server.listen(target.slice("unix:".length), listening);
        else {
          const colon = target.lastIndexOf(":");
          server.listen(Number(target.slice(colon + 1)), target.slice(0, colon), listening);
        }
      });
    } catch (error) {
      server.close();
      throw error;
    }
    // A listening server's later errors have no caller to go to; connections report their own.
    server.on("error", () => {});
    this.servers.push(server);
    const address = server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  /** Stops accepting, sends GOAWAY, lets in-flight calls finish; `done` once all have. */
  tryShutdown(done: (error?: Error) => void): void {
    this.shuttingDown = true;
    let pending = 1;
    const settle = () => {
      if (--pending === 0) done();
    };
    for (const server of this.servers) {
      pending++;
      server.close(() => settle());
    }
    for (const session of this.sessions) {
      pending++;
      if (session.closed || session.destroyed) settle();
      else session.close(settle);
    }
    settle();
  }

  /** Cuts every connection now (RST_STREAM CANCEL on calls still running). */
  forceShutdown(): void {
    this.shuttingDown = true;
    for (const server of this.servers) server.close();
    for (const session of this.sessions) session.destroy(undefined, constants.NGHTTP2_CANCEL);
    this.sessions.clear();
  }

  private createHttp2Server(): Http2Server | Http2SecureServer {
    const common = {
      // grpc-js's settings: no header-block or session-memory ceiling below the host's own.
      maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER,
      maxSessionMemory: Number.MAX_SAFE_INTEGER,
      // Cancelled calls are normal traffic from the one host (see stream-reset-limits.ts).
      streamResetBurst: STREAM_RESET_BURST,
      streamResetRate: STREAM_RESET_RATE_PER_SECOND,
    };
    const tls = this.options.tls;
    const server = tls
      ? createSecureServer({
          ...common,
          ca: tls.clientCaPem,
          key: tls.keyPem,
          cert: tls.certPem,
          requestCert: true,
          rejectUnauthorized: true,
        } as SecureServerOptions)
      : createServer(common);
    if (tls) {
      // A client with the wrong certificate fails its own handshake; the server carries on.
      server.on("tlsClientError", () => {});
      server.on("secureConnection", (socket) => socket.on("error", () => {}));
    }
    server.setTimeout(0);
    server.on("session", (session) => this.openSession(session));
    server.on(
      "stream",
      (
        stream: ServerHttp2Stream,
        headers: IncomingHttpHeaders,
        _flags: number,
        rawHeaders: string[],
      ) => this.onStream(stream, headers, rawHeaders),
    );
    return server;
  }

  private openSession(session: ServerHttp2Session): void {
    this.sessions.add(session);
    session.once("close", () => this.sessions.delete(session));
    // A host that goes away mid-frame must not become an unhandled error.
    session.on("error", () => {});
    if (this.shuttingDown) session.close();
  }

  private onStream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
  ): void {
    // Errors on a stream show up as its closing, which cancels the call.
    stream.on("error", () => {});
    const contentType = headers[constants.HTTP2_HEADER_CONTENT_TYPE] as string | undefined;
    if (!isGrpcContentType(contentType)) return ServerCall.refuseContentType(stream, contentType);
    const path = String(headers[constants.HTTP2_HEADER_PATH]);
    const method = this.methods.get(path);
    if (!method) {
      stream.respond(
        trailersOnly({
          code: Status.UNIMPLEMENTED,
          details: `The server does not implement the method ${path}`,
        }),
        { endStream: true },
      );
      // The body is never read: let it drain instead of holding the stream open.
      return void stream.resume();
    }
    const call = new ServerCall(stream, headers, rawHeaders, this.peerOf(stream.session));
    if (call.acceptHeaders()) startCall(call, method, this.maxBytes);
  }

  /** The caller's address as grpc-js reports it; one lookup per connection. */
  private peerOf(session: Http2Session | undefined): string {
    if (!session) return "unknown";
    let peer = this.peers.get(session);
    if (peer === undefined) {
      const socket = session.socket;
      peer = socket?.remoteAddress
        ? socket.remotePort
          ? `${socket.remoteAddress}:${socket.remotePort}`
          : socket.remoteAddress
        : "unknown";
      this.peers.set(session, peer);
    }
    return peer;
  }
}

/** application/grpc, application/grpc+<codec> or application/grpc;<params>, as grpc-go accepts. */
function isGrpcContentType(contentType: string | undefined): boolean {
  if (typeof contentType !== "string" || !contentType.startsWith("application/grpc")) return false;
  const next = contentType.charAt("application/grpc".length);
  return next === "" || next === "+" || next === ";";
}
