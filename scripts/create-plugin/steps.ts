/**
 * The check's steps: each runs, is timed and recorded as a row of the final
 * table (step → result → seconds); a failed step keeps its output so the
 * report can show why.
 */
import { spawn } from "node:child_process";

export type StepResult = "ok" | "FAIL" | "cached";

export interface StepRecord {
  name: string;
  result: StepResult;
  seconds: number;
  /** Combined stdout and stderr of a failed step, or what a check found wrong. */
  output?: string;
  /** A short fact worth a column: sizes, versions. */
  note?: string;
}

/** A command's failure, with everything it printed. */
export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

export interface CommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds before the command is killed (default 15 minutes: a cold npm install is slow). */
  timeoutMs?: number;
}

/** Runs a command to completion; resolves with its combined output, rejects with a CommandError. */
export function command(
  file: string,
  args: string[],
  { cwd, env, timeoutMs = 15 * 60_000 }: CommandOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${file}: ${error.message}`, ""));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString("utf8");
      const shown = [file, ...args].join(" ");
      if (code === 0) resolve(output);
      else if (signal === "SIGKILL")
        reject(new CommandError(`${shown}: killed after ${timeoutMs / 1000}s`, output));
      else reject(new CommandError(`${shown}: exit ${code ?? signal}`, output));
    });
  });
}

/** Records steps in order; `run` never throws, so later independent steps still run. */
export class StepLog {
  readonly steps: StepRecord[] = [];

  /** Runs `work`; its string result (if any) becomes the row's note. */
  async run(name: string, work: () => Promise<string | void>): Promise<boolean> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    process.stderr.write(`… ${name}\n`);
    try {
      const note = await work();
      this.steps.push({ name, result: "ok", seconds: seconds(), note: note || undefined });
      return true;
    } catch (error) {
      const output = error instanceof CommandError ? error.output : "";
      const message = (error as Error).message;
      this.steps.push({
        name,
        result: "FAIL",
        seconds: seconds(),
        output: output ? `${message}\n${output}` : message,
      });
      return false;
    }
  }

  /** A step skipped because its result was cached. */
  cached(name: string, note: string): void {
    this.steps.push({ name, result: "cached", seconds: 0, note });
  }

  get failed(): StepRecord[] {
    return this.steps.filter((s) => s.result === "FAIL");
  }

  table(): string {
    const rows = this.steps.map((s) => [s.name, s.result, s.seconds.toFixed(1), s.note ?? ""]);
    const all = [["step", "result", "seconds", "note"], ...rows];
    const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      `| ${r[0]!.padEnd(widths[0]!)} | ${r[1]!.padEnd(widths[1]!)} | ${r[2]!.padStart(widths[2]!)} | ${r[3]} |`.trimEnd();
    const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|------|`;
    return [line(all[0]!), rule, ...rows.map(line)].join("\n");
  }
}
