// The example datasource calling its HTTP API through the SDK's client, end
// to end: the real go-plugin host (Grafana's client configuration, go-plugin
// 1.8) starts the built example, sends QueryData / CheckHealth /
// QueryChunkedData as Grafana would for a data source with mTLS and basic
// auth, and the headers Grafana forwards; a real HTTPS upstream that
// requires the client certificate records what arrived. Network failures
// come back classified "downstream" in the DataResponse and in the gRPC
// status detail Grafana reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exampleExecutable } from "../support/example-plugin.js";
import { buildGoInterop, goHostFor, type GoInterop } from "../support/go-interop.js";
import {
  createTestPki,
  startHttpsUpstream,
  type TestPki,
  type Upstream,
} from "../support/http-upstream.js";

const built: GoInterop = await buildGoInterop("1.8.0");
const runGoHost = goHostFor("1.8.0");
const byCall = (lines: any[]) => Object.fromEntries(lines.map((l) => [l.call, l]));

let pki: TestPki;
let upstream: Upstream;
beforeAll(async () => {
  pki = await createTestPki();
  upstream = await startHttpsUpstream(pki, {
    basicAuth: "grafana:s3cret",
    routes: {
      "/api/series": { body: JSON.stringify({ points: [[1700000000000, 1.5]] }) },
      "/api/health": { body: "{}" },
    },
  });
});
afterAll(() => upstream?.close());

/** gohost flags for a data source configured with mTLS and basic auth against `url`. */
function dataSourceFlags(url: string, secure: Record<string, string> = {}): string[] {
  const secrets = {
    tlsCACert: pki.ca.certPem,
    tlsClientCert: pki.client.certPem,
    tlsClientKey: pki.client.keyPem,
    basicAuthPassword: "s3cret",
    ...secure,
  };
  return [
    "-ds-url",
    url,
    "-ds-json",
    JSON.stringify({
      tlsAuth: true,
      tlsAuthWithCACert: true,
      basicAuth: true,
      basicAuthUser: "grafana",
      oauthPassThru: true,
      keepCookies: ["session_hint"],
    }),
    ...Object.entries(secrets).flatMap(([k, v]) => ["-ds-secure", `${k}=${v}`]),
  ];
}

describe("example datasource over the Go host: HTTP client, forwarding, error source", () => {
  beforeEach((ctx) => {
    if (!built.ok) ctx.skip(built.reason);
  });

  it("queries the mTLS + basic auth API and forwards Grafana's headers", async () => {
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query,check-health",
      "-query-type",
      "http",
      ...dataSourceFlags(upstream.url),
      // What Grafana's OAuth, cookie and forward-id middlewares put in the request.
      "-header",
      "X-ID-Token=id-token-1",
      "-header",
      "Cookie=session_hint=abc",
      "-header",
      "http_X-Grafana-Id=grafana-id-1",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls.query).toMatchObject({ ok: true, responses: { A: { frames: 1, error: "" } } });
    expect(calls["check-health"]).toMatchObject({ ok: true, status: "OK" });
    const query = upstream.seen.find((r) => r.url.startsWith("/api/series?"));
    expect(query).toMatchObject({
      clientCert: "plugin client",
      headers: {
        // Basic auth from the settings wins over nothing; the identity headers ride along.
        authorization: `Basic ${Buffer.from("grafana:s3cret").toString("base64")}`,
        "x-id-token": "id-token-1",
        cookie: "session_hint=abc",
        "x-grafana-id": "grafana-id-1",
        "user-agent": expect.stringMatching(/ grafana-ts-example-datasource\//),
      },
    });
  });

  it("forwards the OAuth Authorization when the data source has no basic auth", async () => {
    const noBasic = await startHttpsUpstream(pki, {
      routes: { "/api/series": { body: JSON.stringify({ points: [] }) } },
    });
    try {
      const run = await runGoHost(exampleExecutable(), [
        "-calls",
        "query",
        "-query-type",
        "http",
        "-ds-url",
        noBasic.url,
        "-ds-json",
        JSON.stringify({ tlsAuth: true, tlsAuthWithCACert: true, oauthPassThru: true }),
        "-ds-secure",
        `tlsCACert=${pki.ca.certPem}`,
        "-ds-secure",
        `tlsClientCert=${pki.client.certPem}`,
        "-ds-secure",
        `tlsClientKey=${pki.client.keyPem}`,
        "-header",
        "Authorization=Bearer user-token",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(byCall(run.lines).query).toMatchObject({ ok: true });
      expect(noBasic.seen.at(-1)?.headers.authorization).toBe("Bearer user-token");
    } finally {
      await noBasic.close();
    }
  });

  it("wrong settings: a clear downstream error in the response and in Save & test", async () => {
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query,check-health",
      "-query-type",
      "http",
      ...dataSourceFlags(upstream.url, { basicAuthPassword: "wrong" }),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls.query.responses.A).toMatchObject({
      status: 401,
      errorSource: "downstream",
      error: expect.stringMatching(
        /^GET https:\/\/127\.0\.0\.1:\d+\/api\/series: 401 Unauthorized/,
      ),
    });
    expect(calls["check-health"]).toMatchObject({
      status: "ERROR",
      message: expect.stringContaining("401 Unauthorized"),
    });
  });

  it("network failures are downstream: in the DataResponse and in a chunked answer", async () => {
    const closed = await startHttpsUpstream(pki);
    await closed.close(); // its port now refuses connections
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query,query-chunked",
      "-query-type",
      "http",
      ...dataSourceFlags(closed.url),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = byCall(run.lines);
    expect(calls.query.responses.A).toMatchObject({
      status: 502,
      errorSource: "downstream",
      error: expect.stringContaining("connection refused (ECONNREFUSED)"),
    });
    // QueryChunkedData answers "http" queries through their QueryData handler: an error chunk.
    expect(calls["query-chunked"].chunks).toEqual([
      expect.objectContaining({ refId: "A", status: 502, source: "downstream" }),
    ]);
  });

  it("a failed call's gRPC status carries the error source detail grpc-go and Grafana read", async () => {
    // Settings the example rejects fail the whole chunked call, not one query.
    const run = await runGoHost(exampleExecutable(), [
      "-calls",
      "query-chunked",
      "-ds-json",
      JSON.stringify({ maxSeriesCount: 0 }),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(byCall(run.lines)["query-chunked"]).toMatchObject({
      ok: false,
      code: "InvalidArgument",
      errorSource: "plugin",
      error: expect.stringContaining("maxSeriesCount must be a whole number"),
    });
  });
});
