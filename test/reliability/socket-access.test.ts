// Who can reach a plugin, with real processes and real connections:
// - its unix socket refuses other users: a process running as another uid
//   gets EACCES (0600, owner only); with PLUGIN_UNIX_SOCKET_GROUP, a member
//   of that group connects and anyone else still gets EACCES;
// - under AutoMTLS it serves only the host holding PLUGIN_CLIENT_CERT: no
//   client certificate, another certificate and plaintext HTTP/2 all fail,
//   and the host is still served afterwards.
// (That the socket is never accessible, even for an instant under umask 000:
// socket-mode.test.ts.) The machine runs the tests as root; other users are
// played by child processes started with another uid and gid.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { connect as http2Connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { credentials, status, type ServiceError } from "@grpc/grpc-js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import { DiagnosticsTypedClient } from "../../output/pluginv2/backend.clients.js";
import { CheckHealthResponse_HealthStatus } from "../../output/pluginv2/backend.js";
import { decodeHandshakeCert, generateCertificate } from "../../runtime/go-plugin/mtls.js";
import { startPlugin, type HostedPlugin } from "../../runtime/index.js";
import { fixtureBundler } from "../support/runtime-helpers.js";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 }; // nobody:nogroup on Debian
const STRANGER = { uid: 40123, gid: 40123 }; // in no group of ours

const fixtures = fixtureBundler();
const started: HostedPlugin[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const plugin of started.splice(0)) await plugin.kill();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
afterAll(() => fixtures.cleanup());

/** A plugin whose socket is in a fresh directory every user may traverse, so only the socket's own mode decides. */
async function pluginInOpenDir(env: NodeJS.ProcessEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), "gpts-access-"));
  dirs.push(dir);
  await chmod(dir, 0o755);
  const plugin = await startPlugin({
    executable: await fixtures.bundle("reliability-plugin"),
    protocol,
    env: { PLUGIN_UNIX_SOCKET_DIR: dir, ...env },
    onLog: () => {},
  });
  started.push(plugin);
  return plugin;
}

/** connect(2) to the socket as `as` (a child process with that uid/gid): "connected" or the errno code. */
async function connectAs(socket: string, as?: { uid: number; gid: number }): Promise<string> {
  const script = `require("node:net").connect(process.argv[1])
    .on("connect", function () { console.log("connected"); this.destroy(); })
    .on("error", (e) => console.log(e.code));`;
  const { stdout } = await run(process.execPath, ["-e", script, socket], {
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
    env: {},
  });
  return stdout.trim();
}

describe.skipIf(!isRoot)("unix socket access by other users", () => {
  it("another uid gets EACCES; the owner connects", async () => {
    const plugin = await pluginInOpenDir();
    expect(await connectAs(plugin.handshake.address)).toBe("connected");
    expect(await connectAs(plugin.handshake.address, NOBODY)).toBe("EACCES");
    expect(await connectAs(plugin.handshake.address, STRANGER)).toBe("EACCES");
  });

  it("with PLUGIN_UNIX_SOCKET_GROUP: the group's members connect, other uids get EACCES", async () => {
    const plugin = await pluginInOpenDir({ PLUGIN_UNIX_SOCKET_GROUP: String(NOBODY.gid) });
    expect(await connectAs(plugin.handshake.address, NOBODY)).toBe("connected");
    expect(await connectAs(plugin.handshake.address, STRANGER)).toBe("EACCES");
  });
});

describe("AutoMTLS", () => {
  const tls = {
    "grpc.ssl_target_name_override": "localhost",
    "grpc.default_authority": "localhost",
  };

  async function refused(client: DiagnosticsTypedClient): Promise<ServiceError> {
    try {
      return (await client.checkHealth({}, { deadline: Date.now() + 5_000 }).then(
        () => undefined,
        (e: ServiceError) => e,
      ))!;
    } finally {
      client.raw.close();
    }
  }

  it("rejects a client without a certificate, with another certificate, and in plaintext", async () => {
    const secured = await startPlugin({
      executable: await fixtures.bundle("reliability-plugin"),
      protocol,
      autoMTLS: true,
      onLog: () => {},
    });
    started.push(secured);
    const target = `unix:${secured.handshake.address}`;
    const pluginCert = Buffer.from(decodeHandshakeCert(secured.handshake.cert!));
    const intruder = await generateCertificate();

    const noCert = await refused(
      DiagnosticsTypedClient.connect(target, credentials.createSsl(pluginCert), tls),
    );
    const wrongCert = await refused(
      DiagnosticsTypedClient.connect(
        target,
        credentials.createSsl(
          pluginCert,
          Buffer.from(intruder.keyPem),
          Buffer.from(intruder.certPem),
        ),
        tls,
      ),
    );
    const plaintext = await refused(
      DiagnosticsTypedClient.connect(target, credentials.createInsecure()),
    );
    for (const error of [noCert, wrongCert, plaintext]) {
      expect(error).toBeInstanceOf(Error);
      expect(error.code, error.details).toBe(status.UNAVAILABLE);
    }

    // Plaintext HTTP/2 straight onto the socket: the TLS server never answers a request.
    const session = http2Connect("http://localhost", {
      createConnection: () => netConnect(secured.handshake.address),
    });
    session.on("error", () => {});
    const outcome = await new Promise<string>((resolve) => {
      const request = session.request({
        ":method": "POST",
        ":path": "/pluginv2.Diagnostics/CheckHealth",
        "content-type": "application/grpc",
      });
      request.on("response", (headers) => resolve(`answered ${headers[":status"]}`));
      request.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      request.on("close", () => resolve("closed"));
      request.end(Buffer.alloc(5));
      setTimeout(() => resolve("no answer"), 5_000);
    });
    session.destroy();
    expect(outcome).not.toMatch(/^answered/);

    // The rightful host is still served.
    expect((await secured.clients.diagnostics.checkHealth({})).status).toBe(
      CheckHealthResponse_HealthStatus.OK,
    );
  });
});
