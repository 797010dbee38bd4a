/**
 * Helpers for the runtime tests: bundle the small plugins in
 * test/fixtures/plugins/ into real executables, spawn them with a go-plugin
 * environment, and wait on processes, ports and sockets.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { bundleSeaScript } from "../../packaging/sea-script.js";
import { REPO_ROOT } from "./example-plugin.js";

export const FIXTURES_DIR = join(REPO_ROOT, "test", "fixtures", "plugins");

/**
 * Bundles fixtures (from `sourceDir`, default test/fixtures/plugins) on
 * demand into one temp dir per test file; cleanup() removes it.
 */
export function fixtureBundler(sourceDir: string = FIXTURES_DIR): {
  bundle(name: string): Promise<string>;
  cleanup(): Promise<void>;
} {
  let dir: Promise<string> | undefined;
  const built = new Map<string, Promise<string>>();
  const build = async (name: string) => {
    dir ??= mkdtemp(join(tmpdir(), "gpts-fixtures-"));
    const outFile = join(await dir, name);
    // The same CommonJS script `build` ships (outside any package, so Node reads it as CommonJS).
    await bundleSeaScript({ entry: join(sourceDir, `${name}.ts`), outFile });
    await writeFile(outFile, "#!/usr/bin/env node\n" + (await readFile(outFile, "utf8")));
    await chmod(outFile, 0o755);
    return outFile;
  };
  return {
    bundle(name) {
      if (!built.has(name)) built.set(name, build(name));
      return built.get(name)!;
    },
    async cleanup() {
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}

/** What a Grafana-like host puts in a plugin's environment (cookie, offered versions). */
export function pluginEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    grafana_plugin_type: "datasource",
    PLUGIN_PROTOCOL_VERSIONS: "2",
    ...extra,
  };
}

export interface RawPlugin {
  child: ChildProcess;
  /** The first stdout line (the handshake), or undefined if stdout closed first. */
  firstLine: Promise<string | undefined>;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Every stdout line after the first. */
  laterStdout: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns an executable with exactly `env`, collecting its stdout lines and stderr. */
export function spawnRaw(
  executable: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): RawPlugin {
  const child = spawn(executable, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const laterStdout: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string | undefined>((resolve) => {
    lines.once("line", (line) => {
      resolve(line);
      lines.on("line", (l) => laterStdout.push(l));
    });
    lines.once("close", () => resolve(undefined));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, firstLine, stderr: () => stderr, laterStdout, exited };
}

/** Resolves with the exit, or with "timeout" if the process is still running after `ms`. */
export function exitWithin<T>(exited: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([exited, sleep(ms).then(() => "timeout" as const)]);
}

/**
 * Whether `pid` still runs. process.kill(pid, 0) alone also succeeds for a
 * zombie, and an orphaned plugin stays one until PID 1 reaps it (in
 * containers that can take seconds), so on Linux a zombie counts as exited.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

/** Polls `check` every `everyMs` until it holds; returns how long that took, or undefined. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  everyMs = 25,
): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (check()) return performance.now() - start;
    await sleep(everyMs);
  }
  return check() ? performance.now() - start : undefined;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Parses every hclog JSON line of a stderr text (other lines are skipped). */
export function hclogLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
