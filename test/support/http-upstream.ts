// Real upstream servers for the HTTP client tests: a throwaway CA with a
// server and a client certificate (generated per run, never committed), an
// HTTPS server that requires the client certificate and basic auth, and a
// plain HTTP server. Both record what each request carried and answer with
// it as JSON, so a test asserts what the upstream actually received.
import { webcrypto } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import * as pb from "../../output/pluginv2/backend.js";
import { loadX509 } from "../../runtime/go-plugin/mtls.js";
import { pluginContextFromProto, type PluginContext } from "../../runtime/sdk/index.js";

export interface Pem {
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  ca: Pem;
  server: Pem;
  client: Pem;
  /** A second, unrelated CA: trusting it instead of `ca` must fail verification. */
  otherCa: Pem;
}

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, all signed by the CA. */
export async function createTestPki(): Promise<TestPki> {
  const x509 = await loadX509();
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000) };

  const newCa = async (name: string) => {
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${name}`,
      ...validity,
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    });
    return { cert, keys };
  };
  const issue = async (
    ca: Awaited<ReturnType<typeof newCa>>,
    name: string,
    usage: "serverAuth" | "clientAuth",
  ): Promise<Pem> => {
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${name}`,
      issuer: ca.cert.subject,
      ...validity,
      signingAlgorithm: algorithm,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[usage]]),
        ...(usage === "serverAuth"
          ? [
              new x509.SubjectAlternativeNameExtension([
                { type: "dns", value: "localhost" },
                { type: "ip", value: "127.0.0.1" },
              ]),
            ]
          : []),
      ],
    });
    return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
  };
  const ca = await newCa("grafana-plugin-ts test CA");
  const otherCa = await newCa("unrelated CA");
  return {
    ca: { certPem: ca.cert.toString("pem"), keyPem: await keyPem(ca.keys.privateKey) },
    server: await issue(ca, "localhost", "serverAuth"),
    client: await issue(ca, "plugin client", "clientAuth"),
    otherCa: {
      certPem: otherCa.cert.toString("pem"),
      keyPem: await keyPem(otherCa.keys.privateKey),
    },
  };
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${der.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString("hex");
}

/** What the upstream saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** CN of the client certificate, when one was presented. */
  clientCert?: string;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Required "user:password" for every request (401 otherwise). */
  basicAuth?: string;
  /** Paths answered specially: a status and body, or a body of `size` bytes. */
  routes?: Record<string, { status?: number; body?: string; size?: number }>;
}

/** HTTPS requiring a client certificate signed by `pki.ca`. */
export function startHttpsUpstream(pki: TestPki, options: UpstreamOptions = {}): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = createHttpsServer(
    {
      cert: pki.server.certPem,
      key: pki.server.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => answer(req, res, seen, options),
  );
  return listen(server, "https", seen);
}

export function startHttpUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  return listen(
    createHttpServer((req, res) => answer(req, res, seen, options)),
    "http",
    seen,
  );
}

function answer(
  req: IncomingMessage,
  res: import("node:http").ServerResponse,
  seen: SeenRequest[],
  options: UpstreamOptions,
) {
  const peer = (req.socket as TLSSocket).getPeerCertificate?.();
  const record: SeenRequest = {
    method: req.method ?? "",
    url: req.url ?? "",
    headers: req.headers,
    ...(peer?.subject ? { clientCert: String(peer.subject.CN) } : {}),
  };
  seen.push(record);
  if (options.basicAuth) {
    const expected = `Basic ${Buffer.from(options.basicAuth).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Basic" });
      res.end("bad credentials");
      return;
    }
  }
  const route = options.routes?.[(req.url ?? "").split("?")[0]];
  if (route) {
    res.writeHead(route.status ?? 200, { "content-type": "application/json" });
    res.end(route.size !== undefined ? "x".repeat(route.size) : (route.body ?? ""));
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(record));
}

async function listen(server: Server, scheme: string, seen: SeenRequest[]): Promise<Upstream> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plugin context as Grafana sends it, through the SDK's own conversion. */
export function dataSourceContext(
  url: string,
  jsonData: Record<string, unknown>,
  secure: Record<string, string> = {},
  extra: Partial<pb.DataSourceInstanceSettings> = {},
  grafanaConfig: Record<string, string> = {},
): PluginContext {
  return pluginContextFromProto(
    pb.PluginContext.fromPartial({
      pluginId: "grafana-ts-example-datasource",
      pluginVersion: "1.2.3",
      userAgent: "Grafana/11.2.0 (linux; amd64)",
      grafanaConfig,
      dataSourceInstanceSettings: {
        uid: "ds-uid",
        name: "upstream",
        url,
        jsonData: Buffer.from(JSON.stringify(jsonData)),
        decryptedSecureJsonData: secure,
        lastUpdatedMS: 1n,
        ...extra,
      },
    }),
    (json) => json,
  );
}
