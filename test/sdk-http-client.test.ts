// The HTTP client built from data source settings, against real servers: an
// HTTPS upstream that requires a client certificate and basic auth (the
// client built from the right settings passes; each wrong setting fails with
// a clear error of the right source), custom headers, User-Agent, relative
// URLs, the response limit, timeouts and user middlewares.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpClient,
  describeError,
  GrafanaConfigKey,
  httpMiddleware,
  HttpResponseError,
  PluginError,
  ResponseTooLargeError,
} from "../runtime/sdk/index.js";
import {
  createTestPki,
  dataSourceContext,
  startHttpsUpstream,
  startHttpUpstream,
  type TestPki,
  type Upstream,
} from "./support/http-upstream.js";

let pki: TestPki;
let https: Upstream;
beforeAll(async () => {
  pki = await createTestPki();
  https = await startHttpsUpstream(pki, { basicAuth: "grafana:s3cret" });
});
afterAll(() => https?.close());

function mtlsSettings(overrides: { secure?: Record<string, string>; json?: object } = {}) {
  return dataSourceContext(
    https.url,
    {
      tlsAuth: true,
      tlsAuthWithCACert: true,
      httpHeaderName1: "X-Tenant",
      ...overrides.json,
    },
    {
      tlsCACert: pki.ca.certPem,
      tlsClientCert: pki.client.certPem,
      tlsClientKey: pki.client.keyPem,
      basicAuthPassword: "s3cret",
      httpHeaderValue1: "team-a",
      ...overrides.secure,
    },
    { basicAuthEnabled: true, basicAuthUser: "grafana" },
  ).dataSourceInstanceSettings!;
}

describe("HTTP client from settings, against an mTLS + basic auth upstream", () => {
  it("passes with the right settings: client certificate, basic auth, custom header", async () => {
    const client = createHttpClient(mtlsSettings());
    try {
      const seen = await client.json<{ headers: Record<string, string>; clientCert: string }>(
        "/api/health?verbose=1",
      );
      expect(seen.clientCert).toBe("plugin client");
      expect(seen.headers.authorization).toBe(
        `Basic ${Buffer.from("grafana:s3cret").toString("base64")}`,
      );
      expect(seen.headers["x-tenant"]).toBe("team-a");
      expect(https.seen.at(-1)?.url).toBe("/api/health?verbose=1");
    } finally {
      await client.close();
    }
  });

  it("without the client certificate: a downstream error naming the URL", async () => {
    const client = createHttpClient(
      mtlsSettings({ json: { tlsAuth: false }, secure: { tlsClientCert: "", tlsClientKey: "" } }),
    );
    const error = await client.fetch("/api").catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(PluginError);
    expect(describeError(error)).toMatchObject({ source: "downstream", status: 502 });
    expect((error as Error).message).toMatch(new RegExp(`^GET ${https.url}/api: `));
  });

  it("trusting the wrong CA: TLS verification fails, downstream", async () => {
    const client = createHttpClient(mtlsSettings({ secure: { tlsCACert: pki.otherCa.certPem } }));
    const error = await client.fetch("/api").catch((e: unknown) => e);
    await client.close();
    expect(describeError(error)).toMatchObject({ source: "downstream", status: 502 });
    expect((error as Error).message).toContain("TLS certificate verification failed");
  });

  it("skip verify accepts the unknown CA (as tlsSkipVerify does in Grafana)", async () => {
    const settings = mtlsSettings({
      json: { tlsSkipVerify: true },
      secure: { tlsCACert: pki.otherCa.certPem },
    });
    const client = createHttpClient(settings);
    const res = await client.fetch("/api");
    await client.close();
    expect(res.status).toBe(200);
  });

  it("the wrong password: HttpResponseError 401, downstream, with the body", async () => {
    const client = createHttpClient(mtlsSettings({ secure: { basicAuthPassword: "nope" } }));
    const error = await client.json("/api/query").catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(HttpResponseError);
    expect(describeError(error)).toEqual({
      message: `GET ${https.url}/api/query: 401 Unauthorized: bad credentials`,
      status: 401,
      source: "downstream",
    });
  });

  it("a CA certificate that is not PEM fails when the client is built, naming the setting", () => {
    expect(() => createHttpClient(mtlsSettings({ secure: { tlsCACert: "not a cert" } }))).toThrow(
      /TLS CA certificate \(tlsCACert\) holds no PEM certificate/,
    );
    expect(() =>
      createHttpClient(mtlsSettings({ secure: { tlsClientKey: pki.otherCa.keyPem } })),
    ).toThrow(/tlsClientKey\) does not match the client certificate/);
  });
});

describe("HTTP client middlewares", () => {
  let http: Upstream;
  beforeAll(async () => {
    http = await startHttpUpstream({
      routes: { "/big": { size: 4096 }, "/small": { size: 10 } },
    });
  });
  afterAll(() => http?.close());

  it("sends Grafana's User-Agent with the plugin's id and version, unless the caller set one", async () => {
    const ctx = dataSourceContext(http.url, {});
    const client = createHttpClient(ctx.dataSourceInstanceSettings, {
      pluginId: "my-plugin",
      pluginVersion: "2.0.0",
      grafanaUserAgent: "Grafana/11.2.0 (linux; amd64)",
    });
    const seen = await client.json<{ headers: Record<string, string> }>("/");
    expect(seen.headers["user-agent"]).toBe("Grafana/11.2.0 (linux; amd64) my-plugin/2.0.0");
    const own = await client.json<{ headers: Record<string, string> }>("/", {
      headers: { "user-agent": "mine" },
    });
    expect(own.headers["user-agent"]).toBe("mine");
    await client.close();
  });

  it("resolves relative URLs against the data source URL, keeping its path", async () => {
    const ctx = dataSourceContext(`${http.url}/prefix/`, {});
    const client = createHttpClient(ctx.dataSourceInstanceSettings);
    await client.fetch("/api/v1/query?q=up");
    await client.close();
    expect(http.seen.at(-1)?.url).toBe("/prefix/api/v1/query?q=up");
  });

  it("a relative URL without a data source URL is a clear error", async () => {
    const client = createHttpClient(undefined);
    await expect(client.fetch("/api")).rejects.toThrow(
      '"/api" is a relative URL, but the data source has no URL configured',
    );
  });

  it("enforces the response limit from Grafana's config while the body is read", async () => {
    const ctx = dataSourceContext(
      http.url,
      {},
      {},
      {},
      {
        [GrafanaConfigKey.responseLimit]: "100",
      },
    );
    const client = createHttpClient(ctx.dataSourceInstanceSettings, {
      grafanaConfig: ctx.grafanaConfig,
    });
    expect(await (await client.fetch("/small")).text()).toHaveLength(10);
    const res = await client.fetch("/big");
    const error = await res.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toBe(
      `response body of ${http.url}/big is larger than the response limit of 100 bytes`,
    );
    // A request's own limit wins.
    expect(await (await client.fetch("/big", { responseLimit: 8192 })).text()).toHaveLength(4096);
    await client.close();
  });

  it("runs user middlewares in the chain, by name, and refuses duplicate names", async () => {
    const tenant = httpMiddleware("tenant", (request, next) => {
      request.headers.set("x-scope-orgid", "team-b");
      return next(request);
    });
    const client = createHttpClient(undefined, {
      url: http.url,
      middlewares: (defaults) => [...defaults, tenant],
    });
    const seen = await client.json<{ headers: Record<string, string> }>("/");
    expect(seen.headers["x-scope-orgid"]).toBe("team-b");
    await client.close();
    expect(() =>
      createHttpClient(undefined, { middlewares: (defaults) => [...defaults, tenant, tenant] }),
    ).toThrow('two middlewares are named "tenant"');
  });

  it("a custom header from settings replaces the caller's; basic auth does not", async () => {
    const ctx = dataSourceContext(
      http.url,
      { httpHeaderName1: "X-Api-Key", basicAuth: true, basicAuthUser: "u" },
      { httpHeaderValue1: "from-settings", basicAuthPassword: "p" },
    );
    const client = createHttpClient(ctx.dataSourceInstanceSettings);
    const seen = await client.json<{ headers: Record<string, string> }>("/", {
      headers: { "x-api-key": "from-caller", authorization: "Bearer caller" },
    });
    await client.close();
    expect(seen.headers["x-api-key"]).toBe("from-settings");
    expect(seen.headers.authorization).toBe("Bearer caller");
  });
});
