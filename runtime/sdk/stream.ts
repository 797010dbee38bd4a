/**
 * Grafana Live streams in SDK terms. SubscribeStream and PublishStream decide
 * whether a browser may join or publish to a channel path; RunStream produces
 * the channel's data through a StreamSender until Grafana cancels it (the
 * signal aborts when the last subscriber has left).
 */
import type { DeepPartial } from "../../output/rpc-support.js";
import {
  PublishStreamResponse_Status as PublishStreamStatus,
  SubscribeStreamResponse_Status as SubscribeStreamStatus,
} from "../../output/pluginv2/backend.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { Frame } from "../frames/index.js";
import type { PluginContext } from "./context.js";
import type { FrameInclude } from "./convert-to-protobuf.js";
import type { RequestContext } from "./request-context.js";

export { PublishStreamStatus, SubscribeStreamStatus };
export type { FrameInclude };

type WithContext<T extends { pluginContext: unknown }, J> = Omit<T, "pluginContext"> & {
  pluginContext: PluginContext<J>;
};
export type SubscribeStreamRequest<J = unknown> = WithContext<pb.SubscribeStreamRequest, J>;
export type PublishStreamRequest<J = unknown> = WithContext<pb.PublishStreamRequest, J>;
export type RunStreamRequest<J = unknown> = WithContext<pb.RunStreamRequest, J>;

/**
 * `data` (initial data for a subscriber, or what to publish instead): a Frame
 * (sent as frame JSON with schema and data), bytes as they are, or any JSON value.
 */
export interface SubscribeStreamResult extends Omit<
  DeepPartial<pb.SubscribeStreamResponse>,
  "data"
> {
  data?: unknown;
}
export interface PublishStreamResult extends Omit<DeepPartial<pb.PublishStreamResponse>, "data"> {
  data?: unknown;
}

/**
 * Sends packets of one RunStream call. Each promise resolves once the packet
 * is queued for Grafana (so a fast producer waits for a slow consumer) and
 * rejects with an AbortError after the stream was cancelled, which ends a
 * sending loop; the SDK treats that as a normal end.
 */
export interface StreamSender {
  /** A Frame as frame JSON: "all" (default) carries schema and data, "data" only values. */
  sendFrame(frame: Frame, include?: FrameInclude): Promise<void>;
  /** Any JSON value. */
  sendJSON(value: unknown): Promise<void>;
  /** Raw packet bytes. */
  sendBytes(data: Uint8Array | string): Promise<void>;
}

/** Each method is optional: one left out answers UNIMPLEMENTED, as the generated handler does. */
export interface StreamHandler<J = unknown, I = unknown> {
  subscribeStream?(
    request: SubscribeStreamRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<SubscribeStreamResult> | SubscribeStreamResult;
  publishStream?(
    request: PublishStreamRequest<J>,
    ctx: RequestContext<J, I>,
  ): Promise<PublishStreamResult> | PublishStreamResult;
  runStream?(
    request: RunStreamRequest<J>,
    sender: StreamSender,
    ctx: RequestContext<J, I>,
  ): Promise<void> | void;
}

/** Let the browser subscribe, optionally with initial data (e.g. a schema-only frame). */
export function subscribeOk(data?: unknown): SubscribeStreamResult {
  return { status: SubscribeStreamStatus.OK, ...(data !== undefined ? { data } : {}) };
}
