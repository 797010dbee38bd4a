// serve() as a host sees it: real plugin processes (bundled from
// test/fixtures/plugins/), real sockets, real signals. Each test checks one
// part of go-plugin's contract or one of our documented deviations from it.

import { lstatSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, status, type ServiceError } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { HealthTypedClient } from "../output/grpc/health/v1/health.clients.js";
import { HealthClient } from "../output/grpc/health/v1/health.grpc.js";
import { HealthCheckResponse_ServingStatus } from "../output/grpc/health/v1/health.js";
import { DiagnosticsTypedClient } from "../output/pluginv2/backend.clients.js";
import { CheckHealthResponse_HealthStatus } from "../output/pluginv2/backend.js";
import {
  NegotiationError,
  negotiateVersion,
  startPlugin,
  type PluginLogEntry,
  type StartPluginOptions,
} from "../runtime/index.js";
import { decodeHandshakeCert, generateCertificate } from "../runtime/go-plugin/mtls.js";
import { GRPC_SERVERS, GRPC_SERVER_ENV } from "../runtime/plugin/serving/grpc-serving.js";
import {
  exitWithin,
  fixtureBundler,
  freePort,
  hclogLines,
  isAlive,
  pluginEnv,
  sleep,
  spawnRaw,
  waitUntil,
  type RawPlugin,
} from "./support/runtime-helpers.js";

/** go-plugin server.go, verbatim: what a plugin prints when started without its cookie. */
const GO_PLUGIN_NOT_A_PLUGIN =
  "This binary is a plugin. These are not meant to be executed directly.\n" +
  "Please execute the program that consumes these plugins, which will\n" +
  "load any plugins automatically\n";

const fixtures = fixtureBundler();
let behaviour = "";
let socketDir = "";

type Hosted = Awaited<ReturnType<typeof startPlugin<typeof protocol>>>;
const running: Hosted[] = [];
const raws: RawPlugin[] = [];

beforeAll(async () => {
  behaviour = await fixtures.bundle("behaviour-plugin");
  socketDir = await mkdtemp(join(tmpdir(), "gpts-sock-"));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill(500)));
  for (const raw of raws.splice(0)) raw.child.kill("SIGKILL");
});

afterAll(async () => {
  await fixtures.cleanup();
  await rm(socketDir, { recursive: true, force: true });
});

interface Started {
  plugin: Hosted;
  logs: PluginLogEntry[];
}

async function start(options: Partial<StartPluginOptions<typeof protocol>> = {}): Promise<Started> {
  const logs: PluginLogEntry[] = [];
  const plugin = await startPlugin({
    executable: behaviour,
    protocol,
    onLog: (entry) => logs.push(entry),
    ...options,
    env: { PLUGIN_UNIX_SOCKET_DIR: socketDir, ...options.env },
  });
  running.push(plugin);
  return { plugin, logs };
}

/** stderr without its hclog lines (the fixture logs while its modules load, before serve()). */
function plainLines(stderr: string): string {
  return stderr.replace(/^\{.*\n/gm, "");
}

function raw(executable: string, env: NodeJS.ProcessEnv): RawPlugin {
  const plugin = spawnRaw(executable, { PLUGIN_UNIX_SOCKET_DIR: socketDir, ...env });
  raws.push(plugin);
  return plugin;
}

function healthClient(plugin: Hosted): HealthTypedClient {
  const target = `unix:${plugin.handshake.address}`;
  return new HealthTypedClient(
    new HealthClient(target, credentials.createInsecure(), { channelOverride: plugin.channel }),
  );
}

describe("negotiateVersion", () => {
  it("picks the highest version both sides have, comparing numbers", () => {
    expect(negotiateVersion([2], "1,2")).toBe(2);
    expect(negotiateVersion([1, 2], "1")).toBe(1);
    expect(negotiateVersion([2, 10], "10,2")).toBe(10);
    expect(negotiateVersion([9, 10], "9, 10")).toBe(10);
    expect(negotiateVersion([10, 9], "9")).toBe(9);
  });

  it("takes our newest version when the host sends no list (old hosts)", () => {
    expect(negotiateVersion([1, 2], undefined)).toBe(2);
    expect(negotiateVersion([1, 2], " ")).toBe(2);
  });

  it("fails naming both lists when nothing is in common", () => {
    expect(() => negotiateVersion([2], "3,4")).toThrow(NegotiationError);
    expect(() => negotiateVersion([2], "3,4")).toThrow(
      'the host supports 3, 4 (PLUGIN_PROTOCOL_VERSIONS="3,4"), this plugin serves 2',
    );
  });

  it("reports non-numeric entries instead of skipping them", () => {
    expect(() => negotiateVersion([2], "2,two")).toThrow(/non-numeric entry "two"/);
  });

  it("fails when the plugin serves no version", () => {
    expect(() => negotiateVersion([], "2")).toThrow(/serves no protocol version/);
  });
});

describe("serve: startup contract", () => {
  it("without the magic cookie prints go-plugin's message and exits 1", async () => {
    const env = pluginEnv();
    delete env.grafana_plugin_type;
    const plugin = raw(behaviour, env);
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(await plugin.firstLine).toBeUndefined();
    expect(plainLines(plugin.stderr())).toBe(GO_PLUGIN_NOT_A_PLUGIN);
  });

  it("with a wrong cookie value refuses the same way", async () => {
    const plugin = raw(behaviour, pluginEnv({ grafana_plugin_type: "panel" }));
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(plainLines(plugin.stderr())).toBe(GO_PLUGIN_NOT_A_PLUGIN);
  });

  it('prints a go-plugin handshake line: "1|2|unix|<socket>|grpc|"', async () => {
    const plugin = raw(behaviour, pluginEnv({ PLUGIN_PROTOCOL_VERSIONS: "1,2" }));
    const line = await plugin.firstLine;
    expect(line).toMatch(/^1\|2\|unix\|[^|]+\|grpc\|$/);
    expect(line!.split("|")[3].startsWith(socketDir + "/")).toBe(true);
  });

  it("serves its newest version to an old host that sends no version list", async () => {
    const env = pluginEnv();
    delete env.PLUGIN_PROTOCOL_VERSIONS;
    const plugin = raw(behaviour, env);
    expect((await plugin.firstLine)?.split("|")[1]).toBe("2");
  });

  it("with no version in common exits 1 naming both lists", async () => {
    const plugin = raw(behaviour, pluginEnv({ PLUGIN_PROTOCOL_VERSIONS: "3" }));
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(await plugin.firstLine).toBeUndefined();
    const errors = hclogLines(plugin.stderr()).filter((l) => l["@level"] === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]["@message"]).toContain(
      'no protocol version in common: the host supports 3 (PLUGIN_PROTOCOL_VERSIONS="3"), this plugin serves 2',
    );
  });

  it("with a handler for an unknown plugin name exits 1 with a clear error", async () => {
    const plugin = raw(await fixtures.bundle("unknown-handler-plugin"), pluginEnv());
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(await plugin.firstLine).toBeUndefined();
    const messages = hclogLines(plugin.stderr()).map((l) => String(l["@message"]));
    expect(messages.join("\n")).toContain(
      'handlers.datta: protocol version 2 has no plugin "datta" (it has resource, data, diagnostics, stream, admission, conversion)',
    );
  });
});

describe("serve: listeners", () => {
  it("creates its unix socket in PLUGIN_UNIX_SOCKET_DIR with mode 0600", async () => {
    const { plugin } = await start();
    expect(plugin.handshake.network).toBe("unix");
    expect(plugin.handshake.address.startsWith(socketDir + "/")).toBe(true);
    const stat = lstatSync(plugin.handshake.address);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it("gives the socket to PLUGIN_UNIX_SOCKET_GROUP (gid) with mode 0660", async () => {
    const gid = otherGroup().gid;
    const { plugin } = await start({ env: { PLUGIN_UNIX_SOCKET_GROUP: String(gid) } });
    const stat = lstatSync(plugin.handshake.address);
    expect(stat.mode & 0o777).toBe(0o660);
    expect(stat.gid).toBe(gid);
    const reply = await plugin.clients.diagnostics.checkHealth({});
    expect(reply.status).toBe(CheckHealthResponse_HealthStatus.OK);
  });

  it("accepts PLUGIN_UNIX_SOCKET_GROUP as a group name too", async () => {
    const group = otherGroup();
    const { plugin } = await start({ env: { PLUGIN_UNIX_SOCKET_GROUP: group.name } });
    expect(lstatSync(plugin.handshake.address).gid).toBe(group.gid);
  });

  it("exits 1 naming an unknown PLUGIN_UNIX_SOCKET_GROUP", async () => {
    const plugin = raw(behaviour, pluginEnv({ PLUGIN_UNIX_SOCKET_GROUP: "no-such-group-xyz" }));
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(plugin.stderr()).toContain(
      'PLUGIN_UNIX_SOCKET_GROUP=\\"no-such-group-xyz\\": no such group',
    );
  });

  it("listens on 127.0.0.1 within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when asked for TCP", async () => {
    const port = await freePort();
    const { plugin } = await start({
      env: {
        GF_PLUGIN_TS_TRANSPORT: "tcp",
        PLUGIN_MIN_PORT: String(port),
        PLUGIN_MAX_PORT: String(port),
      },
    });
    expect(plugin.handshake.network).toBe("tcp");
    expect(plugin.handshake.address).toBe(`127.0.0.1:${port}`);
    const reply = await plugin.clients.diagnostics.checkHealth({});
    expect(reply.status).toBe(CheckHealthResponse_HealthStatus.OK);
  });

  it("exits 1 naming the range when every port in it is taken", async () => {
    const blocker = await listenOn(await freePort());
    try {
      const port = (blocker.address() as { port: number }).port;
      const plugin = raw(
        behaviour,
        pluginEnv({
          GF_PLUGIN_TS_TRANSPORT: "tcp",
          PLUGIN_MIN_PORT: String(port),
          PLUGIN_MAX_PORT: String(port),
        }),
      );
      expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
      expect(plugin.stderr()).toContain(`no free TCP port on 127.0.0.1 in ${port}..${port}`);
    } finally {
      blocker.close();
    }
  });
});

// TLS is set up by each gRPC server its own way: both are checked.
describe.each(GRPC_SERVERS)("serve: AutoMTLS on the %s server", (server) => {
  const env = { [GRPC_SERVER_ENV]: server };
  it("sends its certificate in the handshake and serves the host that holds PLUGIN_CLIENT_CERT", async () => {
    const { plugin } = await start({ autoMTLS: true, env });
    expect(plugin.handshake.cert).toMatch(/^[A-Za-z0-9+/]+$/);
    const reply = await plugin.clients.diagnostics.checkHealth({});
    expect(reply).toMatchObject({
      status: CheckHealthResponse_HealthStatus.OK,
      message: "behaviour plugin ok",
    });
  });

  it("fails to start, naming PLUGIN_CLIENT_CERT, when it holds a broken certificate", async () => {
    const broken =
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    const plugin = raw(behaviour, pluginEnv({ PLUGIN_CLIENT_CERT: broken }));
    expect(await exitWithin(plugin.exited, 5_000)).toEqual({ code: 1, signal: null });
    expect(await plugin.firstLine).toBeUndefined();
    const errors = hclogLines(plugin.stderr()).filter((l) => l["@level"] === "error");
    expect(String(errors[0]?.["@message"])).toContain(
      "PLUGIN_CLIENT_CERT holds a certificate that cannot be parsed",
    );
  });

  it("refuses a client with another self-signed certificate, and one without any", async () => {
    const { plugin } = await start({ autoMTLS: true, env });
    const pluginCert = Buffer.from(decodeHandshakeCert(plugin.handshake.cert!));
    const intruderCert = await generateCertificate();
    const tls = {
      "grpc.ssl_target_name_override": "localhost",
      "grpc.default_authority": "localhost",
    };
    const target = `unix:${plugin.handshake.address}`;
    const intruder = DiagnosticsTypedClient.connect(
      target,
      credentials.createSsl(
        pluginCert,
        Buffer.from(intruderCert.keyPem),
        Buffer.from(intruderCert.certPem),
      ),
      tls,
    );
    const anonymous = DiagnosticsTypedClient.connect(
      target,
      credentials.createSsl(pluginCert),
      tls,
    );
    try {
      for (const client of [intruder, anonymous]) {
        const error = (await client
          .checkHealth({}, { deadline: 5_000 })
          .catch((e: ServiceError) => e)) as ServiceError;
        expect(error).toBeInstanceOf(Error);
        expect(error.code).toBe(status.UNAVAILABLE);
      }
      // The rightful host is still served.
      await expect(plugin.clients.diagnostics.checkHealth({})).resolves.toMatchObject({
        status: CheckHealthResponse_HealthStatus.OK,
      });
    } finally {
      intruder.raw.close();
      anonymous.raw.close();
    }
  });
});

describe("serve: go-plugin side services", () => {
  it('answers health Check("plugin") with SERVING and NOT_FOUND for other names', async () => {
    const { plugin } = await start();
    const health = healthClient(plugin);
    expect(await health.check({ service: "plugin" })).toEqual({
      status: HealthCheckResponse_ServingStatus.SERVING,
    });
    await expect(health.check({ service: "grafana" })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
  });

  // Console output: test/runtime-console.test.ts.
});

describe("serve: failures inside handlers", () => {
  it("turns a throwing handler into UNKNOWN with its message, logs it and stays up", async () => {
    const { plugin, logs } = await start();
    const error = (await plugin.clients.data
      .queryData({ queries: [{ refId: "A", json: Buffer.from('{"behaviour":"throw"}') }] })
      .catch((e: ServiceError) => e)) as ServiceError;
    expect(error.code).toBe(status.UNKNOWN);
    expect(error.details).toBe("/pluginv2.Data/QueryData: handler failed: query exploded: A");
    await expect(
      (async () => {
        for await (const _ of plugin.clients.resource.callResource({ path: "throw" }));
      })(),
    ).rejects.toMatchObject({
      code: status.UNKNOWN,
      details: expect.stringContaining("resource exploded"),
    });
    expect(logs.some((l) => l.level === "error" && l.fields.error === "query exploded: A")).toBe(
      true,
    );
    expect(isAlive(plugin.pid)).toBe(true);
    const reply = await plugin.clients.data.queryData({ queries: [{ refId: "B" }] });
    expect(Object.keys(reply.responses)).toEqual(["B"]);
  });
});

describe("serve: stopping", () => {
  it("exits 0 within 1 s of GRPCController.Shutdown", async () => {
    const { plugin } = await start();
    const started = performance.now();
    const result = await plugin.kill();
    const ms = performance.now() - started;
    expect(result).toEqual({ code: 0, signal: null, graceful: true });
    expect(ms).toBeLessThan(1_000);
  });

  it("lets an in-flight call finish before exiting on Shutdown", async () => {
    const { plugin } = await start();
    const slow = plugin.clients.data.queryData({
      queries: [{ refId: "A", json: Buffer.from('{"behaviour":"sleep","ms":400}') }],
    });
    await sleep(100);
    const [reply, result] = await Promise.all([slow, plugin.kill(3_000)]);
    expect(Object.keys(reply.responses)).toEqual(["A"]);
    expect(result).toMatchObject({ code: 0, graceful: true });
  });

  it("exits 0 before the host's 2 s Kill deadline even with a RunStream open", async () => {
    const { plugin } = await start();
    const stream = plugin.clients.stream.runStream({ path: "live" });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const ending = (async () => {
      try {
        while (!(await iterator.next()).done);
      } catch {
        // cut by the shutdown: expected
      }
    })();
    const started = performance.now();
    const result = await plugin.kill();
    expect(result).toEqual({ code: 0, signal: null, graceful: true });
    expect(performance.now() - started).toBeLessThan(2_000);
    await ending;
  });

  it("ignores SIGINT and keeps answering", async () => {
    const { plugin } = await start();
    process.kill(plugin.pid, "SIGINT");
    await sleep(300);
    expect(isAlive(plugin.pid)).toBe(true);
    const reply = await plugin.clients.diagnostics.checkHealth({});
    expect(reply.status).toBe(CheckHealthResponse_HealthStatus.OK);
  });

  it("stops gracefully with exit 0 on SIGTERM", async () => {
    const { plugin } = await start();
    process.kill(plugin.pid, "SIGTERM");
    expect(await exitWithin(plugin.exited, 2_000)).toEqual({ code: 0, signal: null });
  });

  it.each([
    ["its stdin pipe closes", "pipe"],
    ["it is re-parented (parent-pid watch only)", "no-pipe"],
  ])("exits within 2 s of its host being SIGKILLed: %s", async (_why, mode) => {
    const host = spawnRaw(await fixtures.bundle("dying-host"), process.env, [behaviour, mode]);
    raws.push(host);
    const line = await host.firstLine;
    expect(line, host.stderr()).toBeDefined();
    const { pid } = JSON.parse(line!) as { pid: number };
    try {
      expect(isAlive(pid)).toBe(true);
      host.child.kill("SIGKILL");
      expect(await waitUntil(() => !isAlive(pid), 2_000)).toBeDefined();
    } finally {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("still exits 0 when the host's pipes are gone (logging to a closed stderr)", async () => {
    const plugin = raw(behaviour, pluginEnv({ GF_PLUGIN_TS_PARENT_PIPE: "1" }));
    await plugin.firstLine;
    plugin.child.stdout!.destroy();
    plugin.child.stderr!.destroy();
    plugin.child.stdin!.end();
    expect(await exitWithin(plugin.exited, 2_000)).toEqual({ code: 0, signal: null });
  });
});

/** A group other than our own that we may give a file to (root: any; others: a supplementary one). */
function otherGroup(): { gid: number; name: string } {
  const own = process.getgid!();
  const allowed = process.getuid!() === 0 ? undefined : new Set(process.getgroups!());
  const groups = readFileSync("/etc/group", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]) }));
  return (
    groups.find((g) => g.gid !== own && (!allowed || allowed.has(g.gid))) ??
    groups.find((g) => g.gid === own) ?? { gid: own, name: String(own) }
  );
}

function listenOn(port: number): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
