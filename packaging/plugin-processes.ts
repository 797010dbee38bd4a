/**
 * Processes running a given plugin script, found through /proc (Linux, where
 * packaging runs). The `dev` loop stops the copies a host started before it,
 * as the Go SDK's standalone mode does (FindAndKillCurrentPlugin, with pgrep):
 * the host then starts the plugin again, and the new copy attaches to the
 * standalone server.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/**
 * Pids whose command line has `script` as an argument, by its file name (a
 * host may reach dist/ through a symlink in its plugins directory), other than `except`.
 */
export function processesRunning(script: string, except: number[] = []): number[] {
  const name = basename(script);
  const runs = (arg: string) => arg === script || basename(arg) === name;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || except.includes(pid) || pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv.slice(1).some(runs)) pids.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}
