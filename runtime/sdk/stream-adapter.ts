/**
 * Serves a StreamHandler as the generated one. RunStream turns the plugin's
 * push-style sender into the pull-style async iterable the generated adapter
 * writes from (hand-over.ts): a sender waits while Grafana is slow and learns
 * of cancellation through a rejected send.
 */
import type { StreamHandler as GeneratedStreamHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import { streamDataToBytes } from "./convert-to-protobuf.js";
import { toRpcError } from "./errors.js";
import { HandOver } from "./hand-over.js";
import type { Endpoint } from "./middleware/handler-middleware.js";
import { runHandler } from "./middleware/handler-chain.js";
import type { RequestContext, SdkCore } from "./request-context.js";
import type { StreamHandler, StreamSender } from "./stream.js";

export function newStreamAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: StreamHandler<J, I>,
): GeneratedStreamHandler {
  const adapter: GeneratedStreamHandler = {};
  const unary =
    <Req extends { pluginContext: pb.PluginContext | undefined }, Res>(
      endpoint: Endpoint,
      run: (request: any, ctx: RequestContext<J, I>) => Promise<Res> | Res,
      encode: (result: Res) => unknown,
    ) =>
    (request: Req, call: Parameters<NonNullable<GeneratedStreamHandler["subscribeStream"]>>[1]) =>
      runHandler(
        core,
        { endpoint, request, pluginContext: request.pluginContext, call },
        async (step) => {
          const ctx = await step.requestContext();
          return encode(await run({ ...request, pluginContext: ctx.pluginContext }, ctx)) as never;
        },
      ).catch((error: unknown) => {
        throw toRpcError(error); // the request log has reported it
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
      const channel = packetChannel(call.signal);
      runHandler(
        core,
        { endpoint: "runStream", request, pluginContext: request.pluginContext, call },
        async (step) => {
          const ctx = await step.requestContext();
          await runStream({ ...request, pluginContext: ctx.pluginContext }, channel.sender, ctx);
        },
      ).then(
        () => channel.close(),
        (error: unknown) => {
          if (call.signal.aborted)
            channel.close(); // a send rejected because Grafana left
          else channel.fail(toRpcError(error)); // the request log has reported it
        },
      );
      return channel;
    };
  return adapter;
}

type Packet = DeepPartial<pb.StreamPacket>;

/** The plugin's sender over a hand-over of packets. */
function packetChannel(signal: AbortSignal): HandOver<Packet> & { sender: StreamSender } {
  const channel = new HandOver<Packet>(signal, () => abortError(signal));
  const send = (data: Buffer) => channel.send({ data });
  return Object.assign(channel, {
    sender: {
      sendFrame: (frame, include) => send(streamDataToBytes(frame, include)),
      sendJSON: (value) => send(streamDataToBytes(value === undefined ? null : value)),
      sendBytes: (data) =>
        send(typeof data === "string" ? Buffer.from(data) : streamDataToBytes(data)),
    } satisfies StreamSender,
  });
}

function abortError(signal: AbortSignal): Error {
  const error = new Error(signal.aborted ? "stream cancelled by Grafana" : "stream closed");
  error.name = "AbortError";
  return error;
}
