// `grafana-plugin-ts call` as a user runs it: the real CLI launcher in a
// child process, against the example plugin, our behaviour fixture and (when
// Go is there) the Go go-plugin plugin.

import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleExecutable, REPO_ROOT } from "./support/example-plugin.js";
import { buildGoInterop } from "./support/go-interop.js";
import { fixtureBundler } from "./support/runtime-helpers.js";

const built = await buildGoInterop();
if (!built.ok) console.warn(`[call-cli] Go plugin cases SKIPPED: ${built.reason}`);

const fixtures = fixtureBundler();
let behaviour = "";
beforeAll(async () => {
  behaviour = await fixtures.bundle("behaviour-plugin");
});
afterAll(() => fixtures.cleanup());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function call(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "bin", "grafana-plugin-ts.js"), "call", ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("grafana-plugin-ts call: the example plugin", () => {
  it("check-health prints the status and the plugin's logs", async () => {
    const run = await call(exampleExecutable(), "check-health");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^status: OK\nmessage: .+\n/);
    expect(run.stderr).toMatch(/^\[plugin\] DEBUG plugin: plugin serving protocol_version=2 /m);
  });

  it("query answers every refId", async () => {
    const run = await call(
      exampleExecutable(),
      "query",
      "--json",
      '[{"refId":"A"},{"refId":"B"}]',
      "--log-level",
      "warn",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^refId A: status 200, \d+ frame\(s\)$/m);
    expect(run.stdout).toMatch(/^refId B: status 200, \d+ frame\(s\)$/m);
    expect(run.stderr).not.toContain("DEBUG");
  });

  it("resource GET /hello prints status, headers and body", async () => {
    const run = await call(exampleExecutable(), "resource", "GET", "/hello");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^HTTP 200\n/);
  });
});

describe("grafana-plugin-ts call: exact behaviour (fixture plugin)", () => {
  it("stream prints N packets, then cancels", async () => {
    const run = await call(behaviour, "stream", "live/1", "--packets", "2");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('packet 1: {"i":0}\npacket 2: {"i":1}\n');
  });

  it("resource shows the plugin's console output among its logs, at its level", async () => {
    const run = await call(behaviour, "resource", "get", "log", "--header", "X-Test: 1");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('HTTP 200\n\n{"path":"log"}\n');
    expect(run.stderr).toContain(
      "[plugin] INFO plugin.console: console.log from a resource call\n",
    );
    expect(run.stderr).toContain(
      "[plugin] ERROR plugin.console: console.error from a resource call\n",
    );
  });

  it("sends the query object itself as the query JSON, as Grafana does", async () => {
    const run = await call(behaviour, "query", "--json", '{"refId":"Q","behaviour":"throw"}');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "grafana-plugin-ts call: the call failed: UNKNOWN: /pluginv2.Data/QueryData: handler failed: query exploded: Q\n",
    );
    expect(run.stderr).toMatch(/^\[plugin\] ERROR plugin: \/pluginv2.Data\/QueryData failed /m);
  });

  it("accepts a whole QueryDataRequest", async () => {
    const run = await call(
      behaviour,
      "query",
      "--json",
      '{"queries":[{"refId":"X","json":{"behaviour":"echo"}}]}',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("refId X: status 200, 0 frame(s)\n");
  });
});

describe("grafana-plugin-ts call: failures", () => {
  it("exits 1 naming the executable that cannot start", async () => {
    const run = await call("/nonexistent/gpx_plugin", "check-health");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^grafana-plugin-ts call: cannot start \/nonexistent\/gpx_plugin: .*ENOENT/,
    );
  });

  it.each([
    [["check-health"], "a call is required (or --interactive to make several)"],
    [["x", "frobnicate"], 'unknown call "frobnicate"'],
    [["x", "query"], "query needs --json"],
    [["x", "query", "--json", "{oops"], "--json is not valid JSON"],
    [["x", "stream", "p", "--packets", "0"], "--packets 0: expected a positive integer"],
    [["x", "resource", "GET"], "resource takes METHOD PATH"],
  ])("exits 2 on bad usage: %j", async (args, message) => {
    const run = await call(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`grafana-plugin-ts call: ${message}`);
    expect(run.stderr).toContain("usage: grafana-plugin-ts call");
  });
});

describe.skipIf(!built.ok)("grafana-plugin-ts call: the Go plugin", () => {
  const goPlugin = built.ok ? built.pluginPath : "";

  it("check-health over AutoMTLS", async () => {
    const run = await call(goPlugin, "check-health", "--automtls");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("status: OK\nmessage: go plugin ok\n");
  });

  it("query shows frames that are not Arrow by their size", async () => {
    const run = await call(goPlugin, "query", "--json", '{"refId":"A"}');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^refId A: status 200, 1 frame\(s\)\n {2}frame 0: 22 bytes/);
  });
});
