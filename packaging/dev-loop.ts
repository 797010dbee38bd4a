/**
 * The `dev` loop: build the plugin with source maps, run it as a standalone
 * server (runtime/plugin/standalone.ts) under the Node inspector, and rebuild
 * and restart it whenever src/ changes. A host that starts the plugin's
 * executable meanwhile (Grafana, with dist/ in its plugins directory) attaches
 * to that server; the server keeps its address across restarts, so an
 * attached host's next call reaches the new code.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { protocol } from "../output/glue.js";
import {
  MAX_PORT_ENV,
  MIN_PORT_ENV,
  PARENT_PIPE_ENV,
  TRANSPORT_ENV,
} from "../runtime/go-plugin/environment.js";
import { spawnPlugin, type PluginLogEntry } from "../runtime/host/plugin-process.js";
import {
  STANDALONE_ADDRESS_FILE,
  STANDALONE_PID_FILE,
  STANDALONE_SERVER_ENV,
} from "../runtime/plugin/standalone.js";
import { buildPlugin, type BuiltPlugin } from "./build-plugin.js";
import { processesRunning } from "./plugin-processes.js";
import { PLUGIN_NODE_OPTIONS } from "./plugin-node-options.js";

export interface DevLoopOptions {
  projectDir: string;
  /** The server's TCP port on 127.0.0.1; default: a free one, kept across restarts. */
  port?: number;
  /** Node inspector port (0: any free one); null: no inspector. Default 9229, Node's. */
  inspectPort?: number | null;
  /** What happens, for the command to print. */
  onEvent(event: DevEvent): void;
  /** The server's log lines (hclog JSON on stderr, parsed; Node's own lines as debug). */
  onLog(entry: PluginLogEntry): void;
}

export type DevEvent =
  | { kind: "serving"; address: string; pluginDir: string; ms: number; inspector?: string }
  | { kind: "stopped-host-copies"; pids: number[] }
  | { kind: "restarted"; changed: string[]; ms: number; inspector?: string }
  | { kind: "build-failed"; changed: string[]; error: string }
  | { kind: "server-exited"; code: number | null; signal: string | null };

export interface DevLoop {
  /** host:port of the standalone server. */
  address: string;
  /** dist/: where standalone.txt and pid.txt are. */
  pluginDir: string;
  /** Stops watching and the server, and removes standalone.txt and pid.txt. */
  stop(): Promise<void>;
}

/** How long file changes settle before a rebuild (editors write a file in several steps). */
const SETTLE_MS = 150;
/** How long the server gets to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 3_000;

export async function startDevLoop(options: DevLoopOptions): Promise<DevLoop> {
  const started = performance.now();
  let built = await buildPlugin(options.projectDir, { sourcemap: true });
  const port = options.port ?? (await freePort());
  let server = await startServer(built, port, options);
  const address = `127.0.0.1:${port}`;
  const addressFile = join(built.distDir, STANDALONE_ADDRESS_FILE);
  const pidFile = join(built.distDir, STANDALONE_PID_FILE);
  writeFileSync(addressFile, address, { mode: 0o600 });
  writeFileSync(pidFile, String(server.child.pid), { mode: 0o600 });
  options.onEvent({
    kind: "serving",
    address,
    pluginDir: built.distDir,
    ms: performance.now() - started,
    inspector: server.inspector,
  });
  // Copies the host started before us serve the old code on their own: stop them, the host restarts them.
  const hostCopies = processesRunning(built.script, [server.child.pid!]);
  for (const pid of hostCopies) process.kill(pid, "SIGTERM");
  if (hostCopies.length > 0) options.onEvent({ kind: "stopped-host-copies", pids: hostCopies });

  const src = join(options.projectDir, "src");
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> = Promise.resolve();
  let stopping = false;
  const rebuild = async () => {
    // Editors' temporary files come and go; name what is still there (or everything, if nothing is).
    const existing = [...changed].filter((file) => existsSync(join(options.projectDir, file)));
    const files = existing.length > 0 ? existing : [...changed];
    changed.clear();
    const begun = performance.now();
    try {
      built = await buildPlugin(options.projectDir, { sourcemap: true });
    } catch (error) {
      options.onEvent({ kind: "build-failed", changed: files, error: (error as Error).message });
      return;
    }
    await stopServer(server);
    if (stopping) return;
    server = await startServer(built, port, options);
    writeFileSync(pidFile, String(server.child.pid), { mode: 0o600 });
    options.onEvent({
      kind: "restarted",
      changed: files,
      ms: performance.now() - begun,
      inspector: server.inspector,
    });
  };
  const watcher: FSWatcher = watch(src, { recursive: true }, (_event, file) => {
    if (stopping) return;
    changed.add(relative(options.projectDir, join(src, String(file ?? ""))));
    clearTimeout(timer);
    // One rebuild at a time; changes during one make the next.
    timer = setTimeout(() => (cycle = cycle.then(rebuild)), SETTLE_MS);
  });

  return {
    address,
    pluginDir: built.distDir,
    async stop() {
      stopping = true;
      watcher.close();
      clearTimeout(timer);
      await cycle;
      await stopServer(server);
      // Only our own files: another dev loop may have taken the directory over.
      if (readOrEmpty(addressFile) === address) rmSync(addressFile, { force: true });
      if (readOrEmpty(pidFile) === String(server.child.pid)) rmSync(pidFile, { force: true });
    },
  };
}

interface RunningServer {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** The inspector's WebSocket URL, when Node printed it before the handshake. */
  inspector?: string;
  stopping: boolean;
}

async function startServer(
  built: BuiltPlugin,
  port: number,
  options: DevLoopOptions,
): Promise<RunningServer> {
  const inspectPort = options.inspectPort === undefined ? 9229 : options.inspectPort;
  const nodeOptions = [...PLUGIN_NODE_OPTIONS, "--enable-source-maps"];
  if (inspectPort !== null) nodeOptions.push(`--inspect=127.0.0.1:${inspectPort}`);
  let inspector: string | undefined;
  const { magicCookieKey, magicCookieValue } = protocol.handshake;
  const spawned = await spawnPlugin(
    process.execPath,
    [...nodeOptions, built.script],
    {
      ...process.env,
      [magicCookieKey]: magicCookieValue,
      [STANDALONE_SERVER_ENV]: "1",
      [TRANSPORT_ENV]: "tcp",
      [MIN_PORT_ENV]: String(port),
      [MAX_PORT_ENV]: String(port),
      // Stops with us, even if we are killed.
      [PARENT_PIPE_ENV]: "1",
    },
    30_000,
    (entry) => {
      inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(entry.raw)?.[1];
      options.onLog(entry);
    },
    options.projectDir,
  );
  const running: RunningServer = {
    child: spawned.child,
    exited: spawned.exited,
    inspector,
    stopping: false,
  };
  void spawned.exited.then(({ code, signal }) => {
    if (!running.stopping) options.onEvent({ kind: "server-exited", code, signal });
  });
  return running;
}

async function stopServer(server: RunningServer): Promise<void> {
  server.stopping = true;
  server.child.kill("SIGTERM");
  const killer = setTimeout(() => server.child.kill("SIGKILL"), STOP_GRACE_MS);
  await server.exited;
  clearTimeout(killer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}
