/**
 * Keeps stdout clean after the handshake line. go-plugin redirects a
 * plugin's stdout/stderr into pipes and streams them to the host over
 * `plugin.GRPCStdio`; we do the same by taking over process.stdout.write and
 * process.stderr.write (console.log and friends go through them). Output is
 * buffered until the host opens the stream. Hosts without a stdio client
 * (go-plugin < 1.5) never open it: after a grace period the output goes to
 * fd 2 instead, where the host logs it — nothing is lost, stdout stays clean.
 */
import { StdioData, StdioData_Channel } from "../../output/plugin/grpc_stdio.js";
import { writeStderr } from "../log/hclog.js";

type Write = typeof process.stdout.write;

/** Output kept while waiting for the host (beyond this the oldest chunks are dropped, with a note). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class StdioRelay {
  private queue: StdioData[] = [];
  private queuedBytes = 0;
  private dropped = 0;
  private wake: (() => void) | undefined;
  private mode: "buffer" | "stream" | "stderr" = "buffer";
  private ending = false;
  private restore: (() => void) | undefined;

  /** Takes over process.stdout / process.stderr writes. */
  capture(): void {
    const original = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = this.writer(StdioData_Channel.STDOUT) as Write;
    process.stderr.write = this.writer(StdioData_Channel.STDERR) as Write;
    this.restore = () => {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    };
  }

  /** Undoes capture() (for tests and shutdown) and flushes anything left to fd 2. */
  release(): void {
    this.restore?.();
    this.restore = undefined;
    this.flushToStderr();
  }

  /**
   * Ends the host's stream once what is queued has been sent. Called when the
   * plugin stops: an open stdio stream would otherwise hold up the graceful
   * server shutdown until the host loses patience and SIGKILLs us.
   */
  endStream(): void {
    this.ending = true;
    this.wake?.();
  }

  /** Called when no host has opened the stdio stream in time. */
  fallBackToStderr(): void {
    if (this.mode !== "buffer") return;
    this.mode = "stderr";
    this.flushToStderr();
  }

  /** The StreamStdio handler body: yields captured output until the call ends. */
  async *stream(signal: AbortSignal): AsyncGenerator<StdioData> {
    this.mode = "stream";
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const next = this.queue.shift();
        if (next) {
          this.queuedBytes -= next.data.length;
          yield next;
          continue;
        }
        if (this.ending) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.mode = "stderr";
      this.flushToStderr();
    }
  }

  private writer(channel: StdioData_Channel) {
    return (
      chunk: string | Uint8Array,
      encoding?: BufferEncoding | ((e?: Error | null) => void),
      cb?: (e?: Error | null) => void,
    ): boolean => {
      const data =
        typeof chunk === "string"
          ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8")
          : Buffer.from(chunk);
      this.push(StdioData.create({ channel, data }));
      const callback = typeof encoding === "function" ? encoding : cb;
      if (callback) queueMicrotask(() => callback(null));
      return true;
    };
  }

  private push(item: StdioData): void {
    if (this.mode === "stderr") return void writeStderr(item.data);
    this.queue.push(item);
    this.queuedBytes += item.data.length;
    while (this.queuedBytes > MAX_BUFFERED_BYTES && this.queue.length > 1) {
      this.queuedBytes -= this.queue.shift()!.data.length;
      this.dropped++;
    }
    this.wake?.();
  }

  private flushToStderr(): void {
    if (this.dropped > 0)
      writeStderr(
        `[grafana-plugin-ts] ${this.dropped} chunk(s) of plugin output were dropped while no host read them\n`,
      );
    this.dropped = 0;
    for (const item of this.queue.splice(0)) writeStderr(item.data);
    this.queuedBytes = 0;
  }
}
