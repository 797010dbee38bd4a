/**
 * Node's HTTP/2 server guards against "rapid reset" floods (CVE-2023-44487)
 * by allowing 1,000 RST_STREAM frames in a burst and 33 per second after
 * that; past it, the session is closed with GOAWAY(INTERNAL_ERROR) and every
 * call on the connection fails. A plugin has exactly one peer, the host that
 * started it, over a socket only that host can reach, and Grafana cancels
 * calls all the time (users leaving a dashboard, live subscriptions
 * dropped): thousands of resets are normal traffic here, as they are for a
 * Go plugin. The limits are raised, not removed, so a runaway host still hits
 * a ceiling.
 *
 * grpc-js has no option for these http2 settings; it keeps the options it
 * passes to http2.createServer in `commonServerOptions`, set in its
 * constructor and read when it binds, so they are added there.
 */
import type { Server } from "@grpc/grpc-js";

export const STREAM_RESET_BURST = 100_000;
export const STREAM_RESET_RATE_PER_SECOND = 10_000;

/** Node 22 and later honour streamResetBurst/streamResetRate; Node 20 ignores them. */
export function nodeHonoursStreamResetLimits(version = process.versions.node): boolean {
  return Number(version.split(".")[0]) >= 22;
}

export const NODE_20_RESET_WARNING =
  "this Node.js cannot raise HTTP/2's stream reset limit: more than 1000 cancelled calls in a burst (or 33/s sustained) make it close the connection to Grafana; run the plugin on Node.js 22 or later (`package` embeds the Node.js it runs on)";

export function raiseStreamResetLimits(server: Server): void {
  const options = (server as unknown as { commonServerOptions?: Record<string, unknown> })
    .commonServerOptions;
  if (!options || typeof options !== "object")
    throw new Error(
      "@grpc/grpc-js no longer exposes commonServerOptions: cannot raise the HTTP/2 stream reset limits (see runtime/plugin/stream-reset-limits.ts)",
    );
  // Node applies them only when both are set.
  options.streamResetBurst = STREAM_RESET_BURST;
  options.streamResetRate = STREAM_RESET_RATE_PER_SECOND;
}
