// The two benchmark peers of bench/peers/ answer what the benchmark asks of
// them, for real: bundled as the runtime's fixtures are, started by the Go
// go-plugin host (1.0.1 and 1.8.0), they handshake, answer QueryData with the
// fixed payload (also under concurrent calls, as the bench runs them) and
// exit on GRPCController/Shutdown. The floor peer frames gRPC by hand, so it
// is also checked against grpc-js's client: health, NOT_FOUND, UNIMPLEMENTED.

import { credentials, status, type ServiceError } from "@grpc/grpc-js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HealthClient } from "../../output/grpc/health/v1/health.grpc.js";
import {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
} from "../../output/grpc/health/v1/health.js";
import { DiagnosticsClient } from "../../output/pluginv2/backend.grpc.js";
import { CheckHealthRequest } from "../../output/pluginv2/backend.js";
import { REPO_ROOT } from "../support/example-plugin.js";
import { buildEveryGoInterop, GO_PLUGIN_VERSIONS, goHostFor } from "../support/go-interop.js";
import { fixtureBundler, pluginEnv, spawnRaw, type RawPlugin } from "../support/runtime-helpers.js";

const builds = await buildEveryGoInterop("bench-peers");
const peers = fixtureBundler(join(REPO_ROOT, "bench", "peers"));
const PEERS = ["floor-plugin", "naive-plugin"] as const;
/** What the Go plugin and the ts-echo fixture answer for refId "A". */
const FIXED_FRAME_BYTES = "goplugin-frame:refId=A".length;

afterAll(() => peers.cleanup());

describe.each(GO_PLUGIN_VERSIONS)("bench peers under the Go host (go-plugin %s)", (version) => {
  const built = builds[version];
  const runGoHost = goHostFor(version);
  beforeEach((ctx) => {
    if (!built.ok) ctx.skip(built.reason);
  });

  it.each(PEERS)("%s handshakes, answers QueryData and exits on Shutdown", async (peer) => {
    const run = await runGoHost(await peers.bundle(peer), ["-calls", "query"]);
    expect(run.code, run.stderr).toBe(0);
    const [query, kill] = run.lines;
    expect(query).toMatchObject({
      call: "query",
      ok: true,
      responses: { A: { frames: 1, error: "" } },
    });
    expect(query.responses.A.frameBytes).toEqual([FIXED_FRAME_BYTES]);
    // Under go-plugin's 2 s Kill grace: the peer exited on Shutdown, not by SIGKILL.
    expect(kill).toMatchObject({ call: "kill", ok: true });
    expect(kill.ms).toBeLessThan(2000);
  });

  it.each(PEERS)("%s answers concurrent QueryData calls without errors", async (peer) => {
    const run = await runGoHost(await peers.bundle(peer), [
      "-bench-query",
      "200",
      "-concurrency",
      "8",
      "-warmup",
      "5",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines[0]).toMatchObject({ call: "bench-query", ok: true, calls: 200, errors: 0 });
  });
});

describe("floor peer against grpc-js's client", () => {
  let socketDir: string;
  let plugin: RawPlugin;
  let address: string;

  beforeAll(async () => {
    socketDir = await mkdtemp(join(tmpdir(), "gpts-floor-"));
    plugin = spawnRaw(
      await peers.bundle("floor-plugin"),
      pluginEnv({ PLUGIN_UNIX_SOCKET_DIR: socketDir }),
    );
    const line = await plugin.firstLine;
    const fields = line?.split("|") ?? [];
    expect(fields, `handshake line: ${line}\n${plugin.stderr()}`).toEqual([
      "1",
      "2",
      "unix",
      expect.stringContaining(socketDir),
      "grpc",
      "",
    ]);
    address = `unix:${fields[3]}`;
  });

  afterAll(async () => {
    plugin?.child.kill("SIGKILL");
    await plugin?.exited;
    await rm(socketDir, { recursive: true, force: true });
  });

  it("answers go-plugin's health check SERVING, an unknown service NOT_FOUND", async () => {
    const client = new HealthClient(address, credentials.createInsecure());
    try {
      const check = (service: string) =>
        new Promise<HealthCheckResponse>((resolve, reject) =>
          client.check(HealthCheckRequest.fromPartial({ service }), (error, response) =>
            error ? reject(error) : resolve(response),
          ),
        );
      expect((await check("plugin")).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      await expect(check("nope")).rejects.toMatchObject({ code: status.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it("answers a method it does not serve UNIMPLEMENTED, naming it", async () => {
    const client = new DiagnosticsClient(address, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve, reject) =>
        client.checkHealth(CheckHealthRequest.fromPartial({}), (e) =>
          e ? resolve(e) : reject(new Error("CheckHealth succeeded")),
        ),
      );
      expect(error.code).toBe(status.UNIMPLEMENTED);
      expect(error.details).toContain("/pluginv2.Diagnostics/CheckHealth");
    } finally {
      client.close();
    }
  });

  it("refuses to start without the magic cookie, as go-plugin does", async () => {
    const env = pluginEnv();
    delete env.grafana_plugin_type;
    const bare = spawnRaw(await peers.bundle("floor-plugin"), env);
    expect(await bare.exited).toEqual({ code: 1, signal: null });
    expect(bare.stderr()).toContain("This binary is a plugin");
    expect(await bare.firstLine).toBeUndefined();
  });
});
