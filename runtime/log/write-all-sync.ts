/**
 * A synchronous write that survives a non-blocking file descriptor. The log
 * writes to fd 2 with writeSync, as a Go plugin's hclog writes to its
 * stderr: one whole line at a time, blocking until the host has read enough.
 * But fd 2 is sometimes non-blocking: creating Node's own process.stderr
 * switches it (on Node 24 merely loading node:util does, through
 * internal/util/colors). writeSync then throws EAGAIN, or writes part of a
 * line, whenever the host reads slower than the plugin logs (a burst of
 * errors), and a logger call would throw inside a handler. So a short write
 * continues and EAGAIN waits and retries, up to `maxWaitMs` in all; past
 * that the host is not reading, and the rest is dropped rather than hang the
 * plugin for good.
 */
import { writeSync } from "node:fs";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** How long one write may wait in all for a host that is not reading. */
export const MAX_WRITE_WAIT_MS = 2_000;

/** Writes all of `text` to `fd`; returns false if the rest had to be dropped. */
export function writeAllSync(
  fd: number,
  text: string | Uint8Array,
  maxWaitMs = MAX_WRITE_WAIT_MS,
): boolean {
  if (typeof text === "string") {
    // The common case, a whole line written at once, needs no Buffer copy of the string.
    const written = tryWrite(fd, text);
    if (written === undefined) text = Buffer.from(text);
    else {
      const length = Buffer.byteLength(text);
      if (written === length) return true;
      text = Buffer.from(text).subarray(written);
    }
  }
  let bytes = text;
  let waitedMs = 0;
  let pauseMs = 1;
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      if (waitedMs >= maxWaitMs) return false;
      Atomics.wait(sleeper, 0, 0, pauseMs);
      waitedMs += pauseMs;
      pauseMs = Math.min(pauseMs * 2, 50);
    }
  }
  return true;
}

/** Bytes written, or undefined when the descriptor would block (EAGAIN). */
function tryWrite(fd: number, text: string): number | undefined {
  try {
    return writeSync(fd, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    return undefined;
  }
}
