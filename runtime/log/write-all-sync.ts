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

/**
 * What Atomics.wait sleeps on between retries. Made on the first EAGAIN, not at load: a
 * SharedArrayBuffer made while the bundle loads keeps it out of a V8 startup snapshot.
 */
let sleeper: Int32Array | undefined;

/** How long one write may wait in all for a host that is not reading. */
export const MAX_WRITE_WAIT_MS = 2_000;

/** Writes all of `text` to `fd`; returns false if the rest had to be dropped. */
export function writeAllSync(
  fd: number,
  text: string | Uint8Array,
  maxWaitMs = MAX_WRITE_WAIT_MS,
): boolean {
  // A string goes to writeSync as it is: the common case, a whole line in one
  // write, then needs no Buffer copy of it.
  let pending: string | Uint8Array = text;
  let waitedMs = 0;
  let pauseMs = 1;
  while (pending.length > 0) {
    try {
      pending =
        typeof pending === "string"
          ? unwritten(pending, writeSync(fd, pending))
          : pending.subarray(writeSync(fd, pending));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      if (waitedMs >= maxWaitMs) return false;
      Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, pauseMs);
      waitedMs += pauseMs;
      pauseMs = Math.min(pauseMs * 2, 50);
    }
  }
  return true;
}

/** What is left of `text` after its first `written` bytes. */
function unwritten(text: string, written: number): Uint8Array {
  if (written === Buffer.byteLength(text)) return new Uint8Array(0);
  return Buffer.from(text).subarray(written);
}
