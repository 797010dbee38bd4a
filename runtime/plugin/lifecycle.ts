/**
 * Process lifecycle around a serving plugin:
 * - SIGINT is ignored, as go-plugin does (a terminal's Ctrl-C reaches the
 *   whole process group; the host decides when its plugins stop);
 * - SIGTERM stops gracefully;
 * - the host's death stops the plugin, so no orphan outlives it (go-plugin
 *   plugins do not do this). We poll our parent pid (a dead parent means we
 *   are re-parented), and, when our own host says stdin is its pipe
 *   (PARENT_PIPE_ENV), stdin's end. Other hosts pass their own stdin, whose
 *   end says nothing about them, so it is not watched then.
 */
import { fstatSync } from "node:fs";
import { PARENT_PIPE_ENV } from "../go-plugin/environment.js";
import type { Logger } from "../log/hclog.js";

const PARENT_POLL_MS = 500;

export function watchLifecycle(
  logger: Logger,
  env: NodeJS.ProcessEnv,
  stop: (reason: string) => void,
): () => void {
  const onInt = () => logger.trace("plugin received interrupt signal, ignoring");
  const onTerm = () => stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop(`parent process ${parent} exited`);
  }, PARENT_POLL_MS);
  timer.unref();
  const stdinIsPipe = env[PARENT_PIPE_ENV] === "1" && isPipe(0);
  const onStdinEnd = () => stop("stdin closed: the host is gone");
  if (stdinIsPipe) {
    process.stdin.on("end", onStdinEnd);
    process.stdin.on("error", onStdinEnd);
    process.stdin.resume();
    // Do not let a quiet stdin keep the process alive on its own.
    (process.stdin as unknown as { unref?: () => void }).unref?.();
  }
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    clearInterval(timer);
    if (stdinIsPipe) process.stdin.off("end", onStdinEnd);
  };
}

function isPipe(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}
