/**
 * Support code shared by the generated handler adapters and typed clients.
 * The generator copies this file verbatim into output/ (so generated code
 * depends on nothing of ours); it is kept here as real TypeScript so it is
 * typechecked and tested like the rest of the generator.
 */
import {
  Metadata,
  status,
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { Readable } from "node:stream";
import { checkWireFormat, unknownGroupEnd, type WireTable } from "./wire-check.js";

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf8Strictly(bytes: Uint8Array): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new Error("string field contains invalid UTF-8");
  }
}

/** The binary codec ts-proto gives every message. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: BinaryReader): T;
}

/**
 * One grpc-js method definition, as the generated `<file>.grpc.ts` lists
 * them. Deserializers reject what protobuf-go would not parse, as grpc-go
 * does (INTERNAL): first the strict wire walk with the message's table
 * (wire-check.ts), then ts-proto's decoder with a reader that rejects invalid
 * UTF-8 in string fields instead of silently replacing it (a refId could come
 * back different from the one sent).
 */
export function grpcMethod<Req, Res>(
  path: string,
  originalName: string,
  requestStream: boolean,
  responseStream: boolean,
  request: MessageCodec<Req>,
  response: MessageCodec<Res>,
  requestWire: WireTable,
  responseWire: WireTable,
) {
  return {
    path,
    originalName,
    requestStream,
    responseStream,
    requestSerialize: (value: Req): Buffer => bufferOf(request.encode(value).finish()),
    requestDeserialize: (value: Buffer): Req =>
      request.decode(strictReader(checkWireFormat(value, requestWire))),
    responseSerialize: (value: Res): Buffer => bufferOf(response.encode(value).finish()),
    responseDeserialize: (value: Buffer): Res =>
      response.decode(strictReader(checkWireFormat(value, responseWire))),
  };
}

/** The writer's fresh bytes as a Buffer, without copying them (grpc-js wants a Buffer). */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The reader ts-proto's decoders get for bytes the wire walk has checked:
 * strict UTF-8, and unknown groups skipped as deep as protobuf-go accepts
 * them (BinaryReader.skip stops at 100).
 */
class CheckedReader extends BinaryReader {
  // Not `bytes`: BinaryReader has a bytes() method ts-proto reads bytes fields with.
  private readonly checked: Uint8Array;

  constructor(checked: Uint8Array) {
    super(checked, decodeUtf8Strictly);
    this.checked = checked;
  }

  override skip(wireType: WireType, fieldNo?: number): Uint8Array {
    if (wireType !== WireType.StartGroup) return super.skip(wireType, fieldNo);
    const start = this.pos;
    this.pos = unknownGroupEnd(this.checked, start);
    return this.checked.subarray(start, this.pos);
  }
}

function strictReader(bytes: Uint8Array): BinaryReader {
  return new CheckedReader(bytes);
}

/**
 * The part of a server call the context needs: grpc-js's call objects have it
 * (grpc-js does not export a name for it), and so do the runtime's node:http2
 * server's (runtime/plugin/serving/node-http2/handler-calls.ts).
 */
interface ServerSurfaceCall {
  readonly metadata: Metadata;
  getPeer(): string;
  getDeadline(): Date | number;
  once(event: "cancelled", listener: () => void): unknown;
  removeListener(event: "cancelled", listener: () => void): unknown;
}

type Builtin = Date | Function | Uint8Array | string | number | boolean | bigint | undefined;

/**
 * What a handler may return for a message: any subset of its fields. The
 * adapter fills the rest with proto3 defaults, so a field added by a newer
 * protocol revision never breaks a plugin that does not set it.
 */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends globalThis.Array<infer U>
    ? globalThis.Array<DeepPartial<U>>
    : T extends ReadonlyArray<infer U>
      ? ReadonlyArray<DeepPartial<U>>
      : T extends {}
        ? { [K in keyof T]?: DeepPartial<T[K]> }
        : Partial<T>;

/** Per-call information handed to every handler. */
export interface CallContext {
  /** The gRPC path of the call, e.g. `/pluginv2.Data/QueryData`. */
  readonly rpc: string;
  /** Aborted when the caller cancels, the deadline passes or the server shuts down. */
  readonly signal: AbortSignal;
  /** Request metadata (gRPC headers), e.g. `traceparent`. */
  readonly metadata: Metadata;
  /** The caller's deadline, if it set one. */
  readonly deadline: Date | undefined;
  /** The caller's address, as grpc-js reports it ("host:port", or "unknown" on a unix socket). */
  readonly peer: string;
}

export type UnaryHandler<Req, Res> = (
  request: Req,
  ctx: CallContext,
) => Promise<DeepPartial<Res>> | DeepPartial<Res>;
export type ServerStreamingHandler<Req, Res> = (
  request: Req,
  ctx: CallContext,
) => AsyncIterable<DeepPartial<Res>> | Iterable<DeepPartial<Res>>;
export type ClientStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: CallContext,
) => Promise<DeepPartial<Res>> | DeepPartial<Res>;
export type BidiStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: CallContext,
) => AsyncIterable<DeepPartial<Res>> | Iterable<DeepPartial<Res>>;

/** Options for the generated `create<Service>Service` adapters. */
export interface AdapterOptions {
  /** Sees every error a handler throws (before it becomes a gRPC status), e.g. to log it. */
  onError?(error: unknown, rpc: string): void;
}

/**
 * Throw this from a handler to choose the gRPC status the caller sees. Any
 * other error becomes UNKNOWN with the error's message.
 */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: status,
    message: string,
    readonly metadata?: Metadata,
  ) {
    super(message);
  }
}

/** The subset of a ts-proto message codec the adapters need. */
export interface PartialCodec<T> {
  fromPartial(object: any): T;
}

/** Converts anything a handler threw into the status the caller will see. */
export function toServiceError(error: unknown, rpc: string): Partial<ServiceError> {
  const code = (error as { code?: unknown } | null)?.code;
  const valid = typeof code === "number" && Number.isInteger(code) && code > 0 && code <= 16;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: valid ? (code as status) : status.UNKNOWN,
    details: valid ? message : `${rpc}: handler failed: ${message}`,
    metadata: (error as { metadata?: Metadata } | null)?.metadata,
  };
}

function unimplemented(rpc: string): Partial<ServiceError> {
  return { code: status.UNIMPLEMENTED, details: `${rpc} is not implemented by this plugin` };
}

/** A cancel this close to the deadline is the deadline passing (see callContext). */
const DEADLINE_SLACK_MS = 100;

function callContext(rpc: string, call: ServerSurfaceCall): { ctx: CallContext; done(): void } {
  // The signal is built on first use: most unary handlers never read it, and
  // an AbortController per call cost ~5% of the plugin's CPU on a small QueryData.
  // The deadline is read on first use too, for the same reason.
  let controller: AbortController | undefined;
  let reason: RpcError | undefined;
  const onCancel = () => {
    // A passed deadline is reported as "cancelled" too; tell the two apart
    // so handlers (and Grafana's error source) see DEADLINE_EXCEEDED, not CANCELLED.
    // Our deadline started when the request arrived, a little after the
    // caller's: a caller whose own timer fires first (grpc-go's and grpc-js's
    // clients then reset the stream) is seen cancelling just before it.
    const deadlineMs = deadlineMillis(call.getDeadline());
    reason =
      Number.isFinite(deadlineMs) && Date.now() >= deadlineMs - DEADLINE_SLACK_MS
        ? new RpcError(status.DEADLINE_EXCEEDED, `${rpc} passed its deadline`)
        : new RpcError(status.CANCELLED, `${rpc} was cancelled by the caller`);
    controller?.abort(reason);
  };
  call.once("cancelled", onCancel);
  const ctx: CallContext = {
    rpc,
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (reason) controller.abort(reason);
      }
      return controller.signal;
    },
    // On first use too: the node:http2 server builds it from the headers only when asked.
    get metadata() {
      return call.metadata;
    },
    get deadline() {
      const deadlineMs = deadlineMillis(call.getDeadline());
      return Number.isFinite(deadlineMs) ? new Date(deadlineMs) : undefined;
    },
    // Eager: grpc-js forgets the peer once the call has ended.
    peer: call.getPeer(),
  };
  return { ctx, done: () => call.removeListener("cancelled", onCancel) };
}

function deadlineMillis(deadline: Date | number): number {
  return deadline instanceof Date ? deadline.getTime() : Number(deadline);
}

function reportError(
  options: AdapterOptions | undefined,
  error: unknown,
  rpc: string,
): Partial<ServiceError> {
  try {
    options?.onError?.(error, rpc);
  } catch {
    // A failing error hook must not hide the original error from the caller.
  }
  return toServiceError(error, rpc);
}

export function unaryMethod<Req, Res>(
  rpc: string,
  handler: UnaryHandler<Req, Res> | undefined,
  codec: PartialCodec<Res>,
  options?: AdapterOptions,
) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void =>
    answerOnce(
      rpc,
      call,
      callback,
      handler && ((ctx) => handler(call.request, ctx)),
      codec,
      options,
    );
}

export function clientStreamingMethod<Req, Res>(
  rpc: string,
  handler: ClientStreamingHandler<Req, Res> | undefined,
  codec: PartialCodec<Res>,
  options?: AdapterOptions,
) {
  return (call: ServerReadableStream<Req, Res>, callback: sendUnaryData<Res>): void =>
    answerOnce(
      rpc,
      call,
      callback,
      handler && ((ctx) => handler(requestsOf<Req>(call), ctx)),
      codec,
      options,
    );
}

export function serverStreamingMethod<Req, Res>(
  rpc: string,
  handler: ServerStreamingHandler<Req, Res> | undefined,
  codec: PartialCodec<Res>,
  options?: AdapterOptions,
) {
  return (call: ServerWritableStream<Req, Res>): void =>
    answerStream(rpc, call, handler && ((ctx) => handler(call.request, ctx)), codec, options);
}

export function bidiStreamingMethod<Req, Res>(
  rpc: string,
  handler: BidiStreamingHandler<Req, Res> | undefined,
  codec: PartialCodec<Res>,
  options?: AdapterOptions,
) {
  return (call: ServerDuplexStream<Req, Res>): void =>
    answerStream(
      rpc,
      call,
      handler && ((ctx) => handler(requestsOf<Req>(call), ctx)),
      codec,
      options,
    );
}

/** One response: the handler's result, or its error as a status; UNIMPLEMENTED without a handler. */
function answerOnce<Res>(
  rpc: string,
  call: ServerSurfaceCall,
  callback: sendUnaryData<Res>,
  run: ((ctx: CallContext) => Promise<DeepPartial<Res>> | DeepPartial<Res>) | undefined,
  codec: PartialCodec<Res>,
  options: AdapterOptions | undefined,
): void {
  if (!run) return callback(unimplemented(rpc));
  const { ctx, done } = callContext(rpc, call);
  const fail = (error: unknown): void => {
    done();
    answer(callback, reportError(options, error, rpc), undefined, options, rpc);
  };
  // Converting the result is part of answering: if it throws (a getter, a
  // value of the wrong type), the caller gets that error as a status.
  const succeed = (result: DeepPartial<Res> | undefined): void => {
    let response: Res;
    try {
      response = codec.fromPartial(result ?? {});
    } catch (error) {
      return fail(error);
    }
    done();
    answer(callback, null, response, options, rpc);
  };
  // A handler that answers synchronously is answered in the same turn: no
  // promise, no microtask (a small QueryData's promise chain was ~4 allocations).
  let result: Promise<DeepPartial<Res>> | DeepPartial<Res>;
  try {
    result = run(ctx);
  } catch (error) {
    return fail(error);
  }
  if (isThenable(result)) result.then(succeed, fail);
  else succeed(result as DeepPartial<Res>);
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Hands the answer to the server; a throw there must not become a stray rejection or crash. */
function answer<Res>(
  callback: sendUnaryData<Res>,
  error: Partial<ServiceError> | null,
  response: Res | undefined,
  options: AdapterOptions | undefined,
  rpc: string,
): void {
  try {
    callback(error, response);
  } catch (thrown) {
    reportError(options, thrown, rpc);
  }
}

/** A response stream: everything the handler yields, then OK, or its error as a status. */
function answerStream<Res>(
  rpc: string,
  call: ServerWritableStream<any, Res> | ServerDuplexStream<any, Res>,
  run:
    | ((ctx: CallContext) => AsyncIterable<DeepPartial<Res>> | Iterable<DeepPartial<Res>>)
    | undefined,
  codec: PartialCodec<Res>,
  options: AdapterOptions | undefined,
): void {
  if (!run) return failStream(call, unimplemented(rpc));
  const { ctx, done } = callContext(rpc, call);
  pump(call, () => run(ctx), codec, ctx.signal)
    .then(
      () => call.end(),
      (error) => {
        if (!ctx.signal.aborted) failStream(call, reportError(options, error, rpc));
      },
    )
    .finally(done);
}

/**
 * Ends a server stream with an error status. grpc-js sends the status from
 * its own "error" listener (which ends the stream); destroy() would skip that
 * and leave the caller waiting for a status forever.
 */
function failStream(
  call: ServerWritableStream<any, any> | ServerDuplexStream<any, any>,
  error: Partial<ServiceError>,
): void {
  call.emit("error", error);
}

/**
 * The request stream as a handler sees it. Node's default stream iterator
 * destroys the stream when the handler's loop ends; on a bidi call that also
 * destroys the response side before grpc-js sends the status, and the caller
 * waits forever. The adapter ends the call itself, so the loop must not.
 */
function requestsOf<Req>(call: NodeJS.ReadableStream & Readable): AsyncIterable<Req> {
  return { [Symbol.asyncIterator]: () => call.iterator({ destroyOnReturn: false }) };
}

/** Writes every item the handler yields, honouring back-pressure, until done or cancelled. */
async function pump<Res>(
  call: ServerWritableStream<any, Res> | ServerDuplexStream<any, Res>,
  start: () => AsyncIterable<DeepPartial<Res>> | Iterable<DeepPartial<Res>>,
  codec: PartialCodec<Res>,
  signal: AbortSignal,
): Promise<void> {
  for await (const item of start()) {
    if (signal.aborted) return;
    if (!call.write(codec.fromPartial(item))) await drained(call, signal);
  }
}

function drained(stream: NodeJS.EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      stream.removeListener("drain", finish);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    stream.once("drain", finish);
    signal.addEventListener("abort", finish, { once: true });
  });
}

/** Options for the generated typed clients' calls. */
export interface ClientCallOptions {
  /** Request metadata (gRPC headers). */
  metadata?: Metadata;
  /** Absolute deadline, or milliseconds from now when a number below 1e12. */
  deadline?: Date | number;
  /** Aborting cancels the call; the promise or iterator then fails with CANCELLED. */
  signal?: AbortSignal;
}

function grpcOptions(options: ClientCallOptions | undefined): Partial<CallOptions> {
  const deadline = options?.deadline;
  if (deadline === undefined) return {};
  if (typeof deadline === "number" && deadline < 1e12) return { deadline: Date.now() + deadline };
  return { deadline };
}

function linkSignal(call: { cancel(): void }, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    call.cancel();
    return () => {};
  }
  const onAbort = () => call.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

type RawMethod = (...args: any[]) => any;

function method(client: Client, key: string): RawMethod {
  const fn = (client as unknown as Record<string, RawMethod>)[key];
  if (typeof fn !== "function") throw new TypeError(`client has no method ${key}`);
  return fn.bind(client);
}

export function unaryCall<Req, Res>(
  client: Client,
  key: string,
  request: Req,
  options?: ClientCallOptions,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    let unlink = () => {};
    const call: ClientUnaryCall = method(client, key)(
      request,
      options?.metadata ?? new Metadata(),
      grpcOptions(options),
      (error: ServiceError | null, response: Res) => {
        unlink();
        if (error) reject(error);
        else resolve(response);
      },
    );
    unlink = linkSignal(call, options?.signal);
  });
}

export function clientStreamingCall<Req, Res>(
  client: Client,
  key: string,
  requests: AsyncIterable<Req> | Iterable<Req>,
  options?: ClientCallOptions,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    let unlink = () => {};
    const call = method(client, key)(
      options?.metadata ?? new Metadata(),
      grpcOptions(options),
      (error: ServiceError | null, response: Res) => {
        unlink();
        if (error) reject(error);
        else resolve(response);
      },
    );
    unlink = linkSignal(call, options?.signal);
    void writeAll(call, requests);
  });
}

/** A server's response stream: iterate it, or cancel it early. */
export interface ResponseStream<Res> extends AsyncIterable<Res> {
  /** Cancels the call; iteration then ends quietly. */
  cancel(): void;
}

export function serverStreamingCall<Req, Res>(
  client: Client,
  key: string,
  request: Req,
  options?: ClientCallOptions,
): ResponseStream<Res> {
  const call: ClientReadableStream<Res> = method(client, key)(
    request,
    options?.metadata ?? new Metadata(),
    grpcOptions(options),
  );
  return responseStream(call, options?.signal);
}

export function bidiStreamingCall<Req, Res>(
  client: Client,
  key: string,
  requests: AsyncIterable<Req> | Iterable<Req>,
  options?: ClientCallOptions,
): ResponseStream<Res> {
  const call = method(client, key)(options?.metadata ?? new Metadata(), grpcOptions(options));
  void writeAll(call, requests);
  return responseStream(call, options?.signal);
}

async function writeAll<Req>(
  call: NodeJS.WritableStream & { cancel(): void },
  requests: AsyncIterable<Req> | Iterable<Req>,
): Promise<void> {
  try {
    for await (const request of requests) {
      if (!call.write(request as any)) await new Promise((r) => call.once("drain", r));
    }
    call.end();
  } catch {
    call.cancel();
  }
}

function responseStream<Res>(
  call: ClientReadableStream<Res>,
  signal: AbortSignal | undefined,
): ResponseStream<Res> {
  let cancelledByUs = false;
  const cancel = () => {
    cancelledByUs = true;
    call.cancel();
  };
  const unlink = linkSignal({ cancel: () => call.cancel() }, signal);
  async function* iterate(): AsyncGenerator<Res> {
    let ended = false;
    try {
      for await (const message of call) yield message as Res;
      ended = true;
    } catch (error) {
      if (!(cancelledByUs && (error as ServiceError).code === status.CANCELLED)) throw error;
    } finally {
      unlink();
      if (!ended && !cancelledByUs) cancel();
    }
  }
  const iterator = iterate();
  return { [Symbol.asyncIterator]: () => iterator, cancel };
}
