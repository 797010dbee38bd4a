/**
 * Where the plugin listens. Like go-plugin on Linux and macOS: a unix socket
 * in PLUGIN_UNIX_SOCKET_DIR (or the temp dir), optionally owned by
 * PLUGIN_UNIX_SOCKET_GROUP. Unlike go-plugin's default umask permissions, the
 * socket is never world-accessible: 0600, or 0660 with a group. TCP (bound to
 * 127.0.0.1 only, never 0.0.0.0) within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when
 * the host asks for it or on Windows, as go-plugin does.
 */
import { chmodSync, chownSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MAX_PORT_ENV,
  MIN_PORT_ENV,
  TRANSPORT_ENV,
  UNIX_SOCKET_DIR_ENV,
  UNIX_SOCKET_GROUP_ENV,
} from "../go-plugin/environment.js";
import { DEFAULT_PORT_RANGE } from "../go-plugin/constants.js";
import type { GrpcServing } from "./serving/grpc-serving.js";

export interface ListenAddress {
  network: "unix" | "tcp";
  /** Socket path, or host:port. */
  address: string;
}

export class ListenerError extends Error {
  override name = "ListenerError";
}

type Bind = GrpcServing["bind"];

export async function listen(bind: Bind, env: NodeJS.ProcessEnv): Promise<ListenAddress> {
  const transport = (
    env[TRANSPORT_ENV] ?? (process.platform === "win32" ? "tcp" : "unix")
  ).toLowerCase();
  if (transport === "tcp") return listenTcp(bind, env);
  if (transport !== "unix")
    throw new ListenerError(`${TRANSPORT_ENV}="${env[TRANSPORT_ENV]}": expected "unix" or "tcp"`);
  return listenUnix(bind, env);
}

async function listenUnix(bind: Bind, env: NodeJS.ProcessEnv): Promise<ListenAddress> {
  const dir = env[UNIX_SOCKET_DIR_ENV] || tmpdir();
  const path = join(dir, `plugin${randomBytes(6).toString("hex")}`);
  const group = env[UNIX_SOCKET_GROUP_ENV];
  // bind() creates the socket with the process umask; chmod afterwards would
  // leave a window in which another local user can connect. So the socket is
  // born with its final mode: 0600, or 0660 for a group (owner set below).
  const previousUmask = process.umask(group ? 0o117 : 0o177);
  try {
    await bind(`unix:${path}`);
  } catch (error) {
    throw new ListenerError(
      `cannot listen on unix socket ${path} (${UNIX_SOCKET_DIR_ENV}=${env[UNIX_SOCKET_DIR_ENV] ?? "unset"}): ${(error as Error).message}`,
    );
  } finally {
    process.umask(previousUmask);
  }
  if (group) {
    const gid = resolveGroup(group);
    chownSync(path, -1, gid);
    chmodSync(path, 0o660);
  } else {
    chmodSync(path, 0o600);
  }
  return { network: "unix", address: path };
}

async function listenTcp(bind: Bind, env: NodeJS.ProcessEnv): Promise<ListenAddress> {
  const min = portFrom(env, MIN_PORT_ENV, DEFAULT_PORT_RANGE.min);
  const max = portFrom(env, MAX_PORT_ENV, DEFAULT_PORT_RANGE.max);
  if (min > max) throw new ListenerError(`${MIN_PORT_ENV}=${min} is above ${MAX_PORT_ENV}=${max}`);
  let last: unknown;
  for (let port = min; port <= max; port++) {
    try {
      const bound = await bind(`127.0.0.1:${port}`);
      return { network: "tcp", address: `127.0.0.1:${bound}` };
    } catch (error) {
      last = error;
    }
  }
  throw new ListenerError(
    `no free TCP port on 127.0.0.1 in ${min}..${max}: ${(last as Error)?.message ?? "range empty"}`,
  );
}

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new ListenerError(`${name}="${raw}" is not a port number`);
  return port;
}

/** Group name or numeric gid → gid, via /etc/group (Node has no getgrnam). */
export function resolveGroup(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  let text = "";
  try {
    text = readFileSync("/etc/group", "utf8");
  } catch {
    // fall through to the error below
  }
  for (const line of text.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group && gid !== undefined) return Number(gid);
  }
  throw new ListenerError(`${UNIX_SOCKET_GROUP_ENV}="${group}": no such group`);
}
