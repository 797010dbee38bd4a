/** Idle memory of a plugin, as the QueryData and packaged sections report it. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { protocol } from "../output/glue.js";
import { startPlugin } from "../runtime/index.js";

/** VmRSS in MiB of `executable` started by our host, 1 s after its handshake. */
export async function idleRssMiB(executable: string, env: NodeJS.ProcessEnv): Promise<number> {
  return (await idleMemoryMiB(executable, env)).rss;
}

/** VmRSS split as the kernel counts it, MiB: private memory and pages of mapped files. */
export interface IdleMemory {
  rss: number;
  /** RssAnon: heap, stacks, compiled code; what each process pays on its own. */
  anon: number;
  /** RssFile: pages of the executable and libraries, shared with every process mapping them. */
  file: number;
}

/** Like idleRssMiB, with the anonymous and file-backed parts of VmRSS. */
export async function idleMemoryMiB(
  executable: string,
  env: NodeJS.ProcessEnv,
): Promise<IdleMemory> {
  const plugin = await startPlugin({
    executable,
    protocol,
    env,
    onLog: () => {},
    onStdio: () => {},
  });
  try {
    await new Promise((done) => setTimeout(done, 1_000));
    return processMemoryMiB(plugin.pid);
  } finally {
    await plugin.kill();
  }
}

/**
 * Idle memory of an executable that only prints a line and waits (no gRPC server to talk to,
 * such as Node's floor in package-startup.ts): 1 s after its first stdout line.
 */
export async function idleMemoryAfterFirstLineMiB(
  executable: string,
  env: NodeJS.ProcessEnv,
): Promise<IdleMemory> {
  const child = spawn(executable, [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    await new Promise<void>((done, fail) => {
      child.once("error", fail);
      child.once("exit", (code) => fail(new Error(`${executable} exited (${code}) before a line`)));
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        if (chunk.includes("\n")) done();
      });
    });
    await new Promise((done) => setTimeout(done, 1_000));
    return processMemoryMiB(child.pid!);
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGKILL");
  }
}

function processMemoryMiB(pid: number): IdleMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => {
    const kB = new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1];
    if (kB === undefined) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(kB) / 1024;
  };
  return { rss: field("VmRSS"), anon: field("RssAnon"), file: field("RssFile") };
}
