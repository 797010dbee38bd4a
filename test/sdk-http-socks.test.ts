// Grafana's secure SOCKS proxy (PDC), against a real SOCKS5 proxy: when
// Grafana's config and the data source both enable it, every connection
// goes through the proxy — over mutual TLS 1.3 with Grafana's proxy
// certificates, or plain with allow_insecure — authenticated with the data
// source's uid and its secureSocksProxyPassword; TLS to the upstream itself
// still uses the data source's own settings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, describeError, SecureSocksProxyKey } from "../runtime/sdk/index.js";
import {
  createTestPki,
  dataSourceContext,
  startHttpsUpstream,
  startHttpUpstream,
  type TestPki,
  type Upstream,
} from "./support/http-upstream.js";
import { startSocks5Proxy, type Socks5Proxy } from "./support/socks5-proxy.js";

let pki: TestPki;
let http: Upstream;
let https: Upstream;
beforeAll(async () => {
  pki = await createTestPki();
  http = await startHttpUpstream();
  https = await startHttpsUpstream(pki);
});
afterAll(async () => {
  await http?.close();
  await https?.close();
});

function proxiedClient(
  url: string,
  proxy: Socks5Proxy,
  grafana: Record<string, string>,
  password = "pdc-secret",
) {
  const ctx = dataSourceContext(
    url,
    { enableSecureSocksProxy: true, tlsAuth: true, tlsAuthWithCACert: true },
    {
      secureSocksProxyPassword: password,
      tlsCACert: pki.ca.certPem,
      tlsClientCert: pki.client.certPem,
      tlsClientKey: pki.client.keyPem,
    },
    {},
    {
      [SecureSocksProxyKey.enabled]: "true",
      [SecureSocksProxyKey.proxyAddress]: proxy.address,
      ...grafana,
    },
  );
  return createHttpClient(ctx.dataSourceInstanceSettings, { grafanaConfig: ctx.grafanaConfig });
}

describe("secure SOCKS proxy", () => {
  it("over mutual TLS: tunnels to an mTLS upstream as the data source's uid", async () => {
    const proxy = await startSocks5Proxy({
      username: "ds-uid",
      password: "pdc-secret",
      tls: { server: pki.server, ca: pki.ca.certPem },
    });
    const client = proxiedClient(https.url, proxy, {
      [SecureSocksProxyKey.rootCas]: pki.ca.certPem,
      [SecureSocksProxyKey.clientCert]: pki.client.certPem,
      [SecureSocksProxyKey.clientKey]: pki.client.keyPem,
      [SecureSocksProxyKey.serverName]: "localhost",
    });
    try {
      const seen = await client.json<{ clientCert: string }>("/through-pdc");
      expect(seen.clientCert).toBe("plugin client");
      expect(proxy.tunnels).toEqual([
        { username: "ds-uid", target: https.url.replace("https://", "") },
      ]);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it("plain with allow_insecure", async () => {
    const proxy = await startSocks5Proxy({ username: "ds-uid", password: "pdc-secret" });
    const client = proxiedClient(http.url, proxy, { [SecureSocksProxyKey.allowInsecure]: "true" });
    try {
      expect((await client.fetch("/plain")).status).toBe(200);
      expect(proxy.tunnels).toHaveLength(1);
      expect(http.seen.at(-1)?.url).toBe("/plain");
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it("a proxy that refuses the credentials: a downstream error", async () => {
    const proxy = await startSocks5Proxy({ username: "ds-uid", password: "pdc-secret" });
    const client = proxiedClient(
      http.url,
      proxy,
      { [SecureSocksProxyKey.allowInsecure]: "true" },
      "wrong",
    );
    try {
      const error = await client.fetch("/x").catch((e: unknown) => e);
      expect(describeError(error)).toMatchObject({ source: "downstream", status: 502 });
      expect((error as Error).message).toContain("secure socks proxy: Authentication failed");
      expect(proxy.tunnels).toHaveLength(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
