// `grafana-plugin-ts dev` as a developer uses it: the real command in a child
// process on a plugin project, hosts attaching through the plugin's own
// executable (standalone mode, runtime/plugin/standalone.ts), a source edit,
// and the next call answering the new way.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../../output/pluginv2/backend.js";
import { buildPlugin } from "../../packaging/build-plugin.js";
import { startPlugin, type HostedPlugin } from "../../runtime/index.js";
import { REPO_ROOT } from "../support/example-plugin.js";
import { buildGoInterop, goHostFor } from "../support/go-interop.js";
import { exitWithin, waitUntil } from "../support/runtime-helpers.js";

const v18 = await buildGoInterop("1.8.0");

// Inside the repository, so the project imports grafana-plugin-ts by its own name.
const project = join(REPO_ROOT, ".tmp", `dev-loop-${process.pid}`);
const main = join(project, "src", "main.ts");
const executable = join(project, "dist", "gpx_readme_sine_linux_amd64");

/** The plugin's source; `answer` is what CheckHealth says, and resource calls throw. */
function source(answer: string): string {
  return `import { protocol } from "grafana-plugin-ts/output/glue.js";
import { CheckHealthResponse_HealthStatus } from "grafana-plugin-ts/output/pluginv2/backend.js";
import { serve } from "grafana-plugin-ts/runtime";

await serve({
  protocol,
  handlers: {
    diagnostics: {
      checkHealth: () => ({ status: CheckHealthResponse_HealthStatus.OK, message: "${answer}" }),
    },
    resource: {
      callResource: async function* () {
        throw new Error("thrown from main.ts");
      },
    },
  },
});
`;
}

/** The line of the throw in main.ts, as a stack trace should name it. */
const THROW_LINE =
  source("")
    .split("\n")
    .findIndex((l) => l.includes("throw new Error")) + 1;

let dev: ChildProcess;
let early: HostedPlugin;
let output = "";
const said = (text: string) => output.includes(text);

describe("grafana-plugin-ts dev", () => {
  beforeAll(async () => {
    mkdirSync(join(project, "src"), { recursive: true });
    copyFileSync(
      join(REPO_ROOT, "examples", "readme-sine", "src", "plugin.json"),
      join(project, "src", "plugin.json"),
    );
    writeFileSync(main, source("answer v1"));
    // A copy a host started before the dev loop, serving on its own.
    await buildPlugin(project);
    early = await startPlugin({ executable, protocol });
    dev = spawn(
      process.execPath,
      ["bin/grafana-plugin-ts.js", "dev", project, "--inspect-port", "0"],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    dev.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
    dev.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
    expect(await waitUntil(() => said("▶ serving at"), 60_000), output).toBeDefined();
  });

  afterAll(async () => {
    if (dev?.exitCode === null) dev.kill("SIGKILL");
    await Promise.all([early?.kill(500), hosted?.kill(500)]);
    rmSync(project, { recursive: true, force: true });
  });

  let hosted: HostedPlugin<(typeof protocol.pluginSets)[2]>;

  it("stops the copies a host started before it, so the host starts them again, attached", async () => {
    expect(await exitWithin(early.exited, 10_000)).toEqual({ code: 0, signal: null });
    expect(output).toContain(`stopped copies a host had started (pids ${early.pid})`);
  });

  it("serves with the inspector open and writes standalone.txt and pid.txt beside the executable", () => {
    const address = /▶ serving at (\S+)/.exec(output)![1]!;
    expect(readFileSync(join(project, "dist", "standalone.txt"), "utf8")).toBe(address);
    expect(Number(readFileSync(join(project, "dist", "pid.txt"), "utf8"))).toBeGreaterThan(0);
    expect(output).toMatch(/inspector: ws:\/\/127\.0\.0\.1:\d+\//);
  });

  it("a host starting the plugin's executable attaches to the running server", async () => {
    hosted = await startPlugin({ executable, protocol });
    const address = /▶ serving at (\S+)/.exec(output)![1];
    expect(hosted.handshake).toMatchObject({ network: "tcp", address });
    const health = await hosted.clients.diagnostics.checkHealth({});
    expect(health).toMatchObject({
      status: CheckHealthResponse_HealthStatus.OK,
      message: "answer v1",
    });
  });

  it("after a source change, the attached host's next call answers the new way", async () => {
    writeFileSync(main, source("answer v2"));
    expect(await waitUntil(() => said("↻ "), 60_000), output).toBeDefined();
    expect(output).toMatch(/↻ src\/main\.ts: rebuilt and restarted/);
    const health = await hosted.clients.diagnostics.checkHealth({});
    expect(health.message).toBe("answer v2");
  });

  it("logs a handler's stack trace with .ts lines (source maps)", async () => {
    const stream = hosted.clients.resource.callResource({ path: "x", method: "GET" });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/thrown from main.ts/);
    expect(await waitUntil(() => said(`${main}:${THROW_LINE}:`), 10_000), output).toBeDefined();
  });

  it.skipIf(!v18.ok)(
    "go-plugin 1.8 with Grafana's client config attaches the same way",
    async () => {
      const run = await goHostFor("1.8.0")(executable, ["-calls", "check-health"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.lines[0]).toMatchObject({ call: "check-health", ok: true, message: "answer v2" });
    },
  );

  it("Ctrl-C stops the server and removes the files; attached copies then exit", async () => {
    dev.kill("SIGINT");
    expect(await exitWithin(new Promise((r) => dev.once("exit", r)), 10_000)).toBe(0);
    expect(existsSync(join(project, "dist", "standalone.txt"))).toBe(false);
    expect(existsSync(join(project, "dist", "pid.txt"))).toBe(false);
    // The locator sees standalone.txt go and exits, so the host would start the plugin again.
    expect(await exitWithin(hosted.exited, 5_000)).toEqual({ code: 0, signal: null });
  });
});

describe("grafana-plugin-ts dev: mistakes", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["bin/grafana-plugin-ts.js", "dev", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });

  it.each([
    [["--port", "http"], "--port http: expected a port number (1–65535)"],
    [
      ["--no-inspect", "--inspect-port", "9230"],
      "--inspect-port and --no-inspect exclude each other",
    ],
    [["a", "b"], "one project directory at most"],
  ])("%j: exit 2 and what is wrong", (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`grafana-plugin-ts dev: ${message}`);
  });

  it("a directory that is no plugin project: exit 1 naming the missing file", () => {
    const result = run(join(REPO_ROOT, "docs"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(join(REPO_ROOT, "docs", "src", "plugin.json"));
  });
});
