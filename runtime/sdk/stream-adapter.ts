/**
 * Serves a StreamHandler as the generated one. RunStream turns the plugin's
 * push-style sender into the pull-style async iterable the generated adapter
 * writes from: a one-slot hand-over, so a sender waits while Grafana is slow
 * and learns of cancellation through a rejected send.
 */
import type { StreamHandler as GeneratedStreamHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import { streamDataToBytes } from "./convert-to-protobuf.js";
import { messageOf, toRpcError } from "./errors.js";
import { newRequestContext, track, type RequestContext, type SdkCore } from "./request-context.js";
import type { StreamHandler, StreamSender } from "./stream.js";

export function newStreamAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: StreamHandler<J, I>,
): GeneratedStreamHandler {
  const adapter: GeneratedStreamHandler = {};
  const unary =
    <Req extends { pluginContext: pb.PluginContext | undefined }, Res>(
      endpoint: string,
      run: (request: any, ctx: RequestContext<J, I>) => Promise<Res> | Res,
      encode: (result: Res) => unknown,
    ) =>
    (request: Req, call: Parameters<NonNullable<GeneratedStreamHandler["subscribeStream"]>>[1]) =>
      track(core.metrics, endpoint, call.signal, async () => {
        let logger = core.logger.with({ endpoint });
        try {
          const ctx = await newRequestContext(core, endpoint, request.pluginContext, call);
          logger = ctx.logger;
          return encode(await run({ ...request, pluginContext: ctx.pluginContext }, ctx)) as never;
        } catch (error) {
          logger.error(`${endpoint} failed`, {
            path: (request as { path?: string }).path,
            error: messageOf(error),
          });
          throw toRpcError(error);
        }
      });
  const withData = <T extends { data?: unknown }>(result: T) => ({
    ...result,
    data: streamDataToBytes(result.data),
  });
  if (handler.subscribeStream)
    adapter.subscribeStream = unary(
      "subscribeStream",
      handler.subscribeStream.bind(handler),
      withData,
    );
  if (handler.publishStream)
    adapter.publishStream = unary("publishStream", handler.publishStream.bind(handler), withData);
  const runStream = handler.runStream?.bind(handler);
  if (runStream)
    adapter.runStream = (request, call) => {
      const channel = new PacketChannel(call.signal);
      const done = track(core.metrics, "runStream", call.signal, async () => {
        let logger = core.logger.with({ endpoint: "runStream" });
        try {
          const ctx = await newRequestContext(core, "runStream", request.pluginContext, call);
          logger = ctx.logger;
          await runStream({ ...request, pluginContext: ctx.pluginContext }, channel.sender, ctx);
          channel.close();
        } catch (error) {
          if (call.signal.aborted) return channel.close(); // a send rejected because Grafana left
          logger.error("runStream failed", { path: request.path, error: messageOf(error) });
          channel.fail(toRpcError(error));
        }
      });
      void done.catch(() => {});
      return channel;
    };
  return adapter;
}

type Packet = DeepPartial<pb.StreamPacket>;

/** Hands packets from the plugin's sender to the generated writer, one at a time. */
class PacketChannel implements AsyncIterable<Packet> {
  readonly sender: StreamSender;
  #pending: { packet: Packet; delivered: () => void } | undefined;
  #wakeReader: (() => void) | undefined;
  #closed = false;
  #error: unknown;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", () => this.close(), { once: true });
    this.sender = {
      sendFrame: (frame, include) => this.#send(streamDataToBytes(frame, include)),
      sendJSON: (value) => this.#send(streamDataToBytes(value === undefined ? null : value)),
      sendBytes: (data) =>
        this.#send(typeof data === "string" ? Buffer.from(data) : streamDataToBytes(data)),
    };
  }

  close(): void {
    this.#closed = true;
    this.#wakeReader?.();
  }

  fail(error: unknown): void {
    this.#error = error;
    this.close();
  }

  async #send(data: Buffer): Promise<void> {
    while (this.#pending && !this.#closed) await this.#waitDelivered();
    if (this.#closed) throw abortError(this.signal);
    await new Promise<void>((delivered) => {
      this.#pending = { packet: { data }, delivered };
      this.#wakeReader?.();
    });
  }

  #waitDelivered(): Promise<void> {
    const pending = this.#pending!;
    return new Promise((resolve) => {
      const original = pending.delivered;
      pending.delivered = () => {
        original();
        resolve();
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Packet> {
    try {
      for (;;) {
        const pending = this.#pending;
        if (pending) {
          this.#pending = undefined;
          yield pending.packet;
          pending.delivered();
          continue;
        }
        if (this.#closed) break;
        await new Promise<void>((wake) => (this.#wakeReader = wake));
        this.#wakeReader = undefined;
      }
      if (this.#error) throw this.#error;
    } finally {
      // The writer stopped (cancelled or done): release a sender still waiting.
      this.#closed = true;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.delivered();
    }
  }
}

function abortError(signal: AbortSignal): Error {
  const error = new Error(signal.aborted ? "stream cancelled by Grafana" : "stream closed");
  error.name = "AbortError";
  return error;
}
