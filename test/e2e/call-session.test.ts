// `grafana-plugin-ts call` with instance settings and as a session: the real
// CLI launcher in a child process against the example data source, settings
// from --settings / --secure, several calls on one running plugin fed
// through standard input.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleExecutable, REPO_ROOT } from "../support/example-plugin.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function call(args: string[], stdin = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(REPO_ROOT, "bin/grafana-plugin-ts.js"),
      "call",
      ...args,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("call --settings", () => {
  it("gives every call the data source's jsonData", async () => {
    const run = await call([
      exampleExecutable(),
      "check-health",
      "--settings",
      '{"jsonData": {"maxSeriesCount": 7}, "name": "my source"}',
      "--log-level",
      "warn",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"maxSeriesCount":7');
  });

  it("shows the plugin's verdict on settings it rejects", async () => {
    const run = await call([
      exampleExecutable(),
      "check-health",
      "--settings",
      '{"jsonData": {"maxSeriesCount": 500}}',
      "--log-level",
      "error",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("status: ERROR");
    expect(run.stdout).toContain("maxSeriesCount must be a whole number from 1 to 100 (got 500)");
  });

  it("refuses an unknown setting before starting the plugin, naming it", async () => {
    const run = await call([exampleExecutable(), "check-health", "--settings", '{"jsondata": {}}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown data source setting jsondata (known: ");
    expect(run.stderr).not.toContain("[plugin]");
  });
});

describe("call --interactive", () => {
  it("makes one call per input line on the same plugin, reporting each, until exit", async () => {
    const lines = [
      "check-health",
      "# a comment",
      `query --json '{"refId":"A","seriesCount":2}'`,
      "resource get /nope",
      "frobnicate",
      "query --json '{unterminated",
      "exit",
      "check-health",
    ];
    const run = await call(
      [
        exampleExecutable(),
        "--interactive",
        "--settings",
        '{"jsonData":{"maxSeriesCount":3}}',
        "--log-level",
        "error",
      ],
      lines.join("\n") + "\n",
    );
    // One plugin for the whole session: it starts and stops once.
    const outcomes = run.stdout.split("\n").filter((l) => l.startsWith("→ "));
    expect(outcomes).toEqual(["→ ok", "→ ok", "→ failed"]);
    expect(run.stdout).toMatch(/^refId A: status 200, \d+ frame\(s\)$/m);
    expect(run.stdout).toContain("HTTP 404");
    expect(run.stderr).toContain('unknown call "frobnicate"');
    expect(run.stderr).toContain("unterminated ' at column 14");
    // A failed call or a mistyped line makes the exit status 1.
    expect(run.code).toBe(1);
  });

  it("refuses a call on the command line together with --interactive", async () => {
    const run = await call([exampleExecutable(), "check-health", "--interactive"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--interactive reads its calls from standard input");
  });
});
