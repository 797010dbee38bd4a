/**
 * Startup-to-handshake time: how long a plugin executable takes from
 * spawn until the go-plugin handshake line on stdout, which is what a
 * Grafana user waits for when the plugin is first used. The process is
 * started as a host would start it (magic cookie, offered versions) and
 * killed as soon as the line arrives.
 */
import { spawn } from "node:child_process";

export interface HandshakeTiming {
  ms: number;
  line: string;
}

export interface HandshakeTimeOptions {
  /** The magic cookie and versions a host sets, e.g. { grafana_plugin_type: "datasource", PLUGIN_PROTOCOL_VERSIONS: "2" }. */
  env: NodeJS.ProcessEnv;
  /** Start from this environment only (default: process.env + env). */
  inheritEnv?: boolean;
  cwd?: string;
  /** Default 15 s. */
  timeoutMs?: number;
}

export function timeToHandshake(
  executable: string,
  options: HandshakeTimeOptions,
): Promise<HandshakeTiming> {
  const started = performance.now();
  const child = spawn(executable, [], {
    env: { ...(options.inheritEnv === false ? {} : process.env), ...options.env },
    cwd: options.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  return new Promise<HandshakeTiming>((resolve, reject) => {
    const finish = (error?: Error, timing?: HandshakeTiming) => {
      clearTimeout(timer);
      child.stdout.removeAllListeners("data");
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      if (error) reject(error);
      else resolve(timing!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`${executable}: no handshake line within ${options.timeoutMs ?? 15_000} ms`),
        ),
      options.timeoutMs ?? 15_000,
    );
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf("\n");
      if (end >= 0)
        finish(undefined, { ms: performance.now() - started, line: stdout.slice(0, end) });
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) => finish(error));
    child.once("exit", (code, signal) =>
      finish(
        new Error(
          `${executable}: exited (${signal ?? `code ${code}`}) before the handshake line\n${stderr.slice(-2000)}`,
        ),
      ),
    );
  });
}
