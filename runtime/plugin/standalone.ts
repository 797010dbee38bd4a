/**
 * Standalone (debug) mode, as grafana-plugin-sdk-go does it
 * (internal/standalone, backend.Manage): a developer runs the plugin as a
 * long-lived gRPC server outside Grafana (`grafana-plugin-ts dev`, under a
 * debugger) and writes its address to standalone.txt and its pid to pid.txt
 * in the plugin's directory. When Grafana then starts the plugin's executable,
 * the executable finds those files beside it, prints a handshake line that
 * points Grafana at the running server instead of serving itself (the Go
 * SDK's "dummy plugin locator"), and stays up as Grafana's handle on it.
 *
 * Unlike the Go SDK's locator, which runs until Grafana kills it, ours exits
 * when standalone.txt goes away or names another address: the server was
 * stopped, and Grafana, seeing its plugin exit, starts it again in the
 * ordinary way.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLIENT_CERT_ENV } from "../go-plugin/environment.js";
import type { Logger } from "../log/hclog.js";
import { writeHandshakeLine } from "./handshake.js";
import { watchLifecycle } from "./lifecycle.js";
import type { ListenAddress } from "./listener.js";

/** The server's address (host:port), written by the server's supervisor. Same name as the Go SDK's. */
export const STANDALONE_ADDRESS_FILE = "standalone.txt";
/** The server's pid: a locator points only at a server that still runs. Same name as the Go SDK's. */
export const STANDALONE_PID_FILE = "pid.txt";
/**
 * Ours: set to "1" for the standalone server itself. It runs from the same
 * directory as standalone.txt and must serve, not point at itself.
 */
export const STANDALONE_SERVER_ENV = "GF_PLUGIN_TS_STANDALONE_SERVER";

/** How often a locator checks that its server is still the one in standalone.txt. */
const LOCATOR_POLL_MS = 1_000;

/**
 * The directory a plugin's executable lives in: the bundled script's (a dev
 * build runs `node <dir>/<executable>.cjs`) or the single executable's.
 */
export function pluginDirectory(): string {
  return dirname(process.argv[1] ?? process.execPath);
}

/** The address of a standalone server running for the plugin in `dir`, if one is. */
export function runningStandaloneServer(dir: string): string | undefined {
  const address = readTrimmed(join(dir, STANDALONE_ADDRESS_FILE));
  const pid = Number(readTrimmed(join(dir, STANDALONE_PID_FILE)));
  if (!address || !Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return undefined;
  return address;
}

export interface LocatorContext {
  coreProtocolVersion: number;
  protocolVersion: number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  exit: (code: number) => void;
}

/**
 * Locator mode: a handshake line pointing the host at the standalone server
 * at `address`, then nothing but waiting for that server to go away (or for
 * the host to stop or die), and exiting.
 */
export function pointAtStandaloneServer(
  address: string,
  dir: string,
  { coreProtocolVersion, protocolVersion, env, logger, exit }: LocatorContext,
): { listen: ListenAddress; stop: (reason: string) => Promise<void> } {
  if (env[CLIENT_CERT_ENV])
    logger.warn("AutoMTLS is off through a standalone server: the host's certificate is ignored");
  const listen = { network: "tcp", address } as const;
  writeHandshakeLine(
    { coreProtocolVersion, protocolVersion, address: listen, certField: "" },
    env,
    logger,
  );
  logger.info("pointing the host at the standalone server", { address, dir });
  const stop = async (reason: string) => {
    logger.debug("locator stopping", { reason });
    exit(0);
  };
  watchLifecycle(logger, env, (reason) => void stop(reason));
  watchStandaloneServer(dir, address, logger, (reason) => void stop(reason));
  return { listen, stop };
}

/** Calls `gone` once standalone.txt in `dir` no longer names `address`. */
function watchStandaloneServer(
  dir: string,
  address: string,
  logger: Logger,
  gone: (reason: string) => void,
): void {
  const timer = setInterval(() => {
    const now = readTrimmed(join(dir, STANDALONE_ADDRESS_FILE));
    if (now === address) return;
    clearInterval(timer);
    logger.info("standalone server gone: exiting so the host starts the plugin again", {
      address,
    });
    gone(now ? `standalone server moved to ${now}` : "standalone server stopped");
  }, LOCATOR_POLL_MS);
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
