// HTTP client options read from data source settings with the Go SDK's keys
// and rules (backend/http_settings.go, common.go): basic auth from the data
// source's own fields or jsonData, timeouts in seconds with Go's defaults,
// TLS only when one of its switches is on, numbered custom headers, the
// TLS 1.3 toggle, and the secure SOCKS proxy only when Grafana and the data
// source both enable it.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_TIMEOUTS,
  FORCE_TLS13_TOGGLE,
  GrafanaConfigKey,
  httpClientOptionsFromSettings,
  SecureSocksProxyKey,
} from "../runtime/sdk/index.js";
import { dataSourceContext } from "./support/http-upstream.js";

const options = (
  json: Record<string, unknown>,
  secure: Record<string, string> = {},
  extra = {},
  config: Record<string, string> = {},
) => {
  const ctx = dataSourceContext("https://api.example", json, secure, extra, config);
  return httpClientOptionsFromSettings(ctx.dataSourceInstanceSettings!, ctx.grafanaConfig);
};

describe("httpClientOptionsFromSettings", () => {
  it("basic auth: the data source's fields, then a plain user, then jsonData", () => {
    expect(
      options({}, { basicAuthPassword: "pw" }, { basicAuthEnabled: true, basicAuthUser: "u" })
        .basicAuth,
    ).toEqual({ user: "u", password: "pw" });
    expect(options({}, { password: "pw2" }, { user: "legacy" }).basicAuth).toEqual({
      user: "legacy",
      password: "pw2",
    });
    expect(
      options({ basicAuth: true, basicAuthUser: "j" }, { basicAuthPassword: "p" }).basicAuth,
    ).toEqual({ user: "j", password: "p" });
    expect(options({}).basicAuth).toBeUndefined();
  });

  it("timeouts in seconds, defaults as Go's DefaultTimeoutOptions", () => {
    expect(options({}).timeouts).toEqual(DEFAULT_TIMEOUTS);
    expect(
      options({ timeout: 5, dialTimeout: "2", httpMaxConnsPerHost: 4, httpIdleConnTimeout: 0 })
        .timeouts,
    ).toMatchObject({ timeout: 5000, dialTimeout: 2000, maxConnsPerHost: 4, idleConnTimeout: 0 });
  });

  it("TLS only with one of its switches; certificates only with an auth switch", () => {
    const secure = { tlsCACert: "CA", tlsClientCert: "CERT", tlsClientKey: "KEY" };
    expect(options({ serverName: "x" }, secure).tls).toBeUndefined();
    expect(options({ tlsSkipVerify: true }, secure).tls).toEqual({ insecureSkipVerify: true });
    expect(options({ tlsAuthWithCACert: true, serverName: "api.internal" }, secure).tls).toEqual({
      insecureSkipVerify: false,
      serverName: "api.internal",
      caCertificate: "CA",
      clientCertificate: "CERT",
      clientKey: "KEY",
    });
  });

  it("custom headers httpHeaderName<n>/httpHeaderValue<n>, until the first missing name", () => {
    const headers = options(
      { httpHeaderName1: "X-A", httpHeaderName2: "X-B", httpHeaderName4: "X-D" },
      { httpHeaderValue1: "a", httpHeaderValue2: "b", httpHeaderValue4: "d" },
    ).headers;
    expect(Object.fromEntries(headers)).toEqual({ "x-a": "a", "x-b": "b" });
  });

  it("Grafana's config: response limit and the TLS 1.3 toggle", () => {
    const o = options(
      {},
      {},
      {},
      {
        [GrafanaConfigKey.responseLimit]: "1024",
        [GrafanaConfigKey.featureToggles]: FORCE_TLS13_TOGGLE,
      },
    );
    expect(o.responseLimit).toBe(1024);
    expect(o.tls).toMatchObject({ minVersion: "TLSv1.3", maxVersion: "TLSv1.3" });
  });

  it("the secure SOCKS proxy needs Grafana and the data source to enable it", () => {
    const grafana = {
      [SecureSocksProxyKey.enabled]: "true",
      [SecureSocksProxyKey.proxyAddress]: "pdc.example:443",
      [SecureSocksProxyKey.rootCas]: "ROOT1,ROOT2",
      [SecureSocksProxyKey.clientCert]: "CERT",
      [SecureSocksProxyKey.clientKey]: "KEY",
      [SecureSocksProxyKey.serverName]: "pdc.example",
    };
    expect(options({ enableSecureSocksProxy: true }).secureSocksProxy).toBeUndefined();
    expect(options({}, {}, {}, grafana).secureSocksProxy).toBeUndefined();
    expect(
      options({ enableSecureSocksProxy: true }, { secureSocksProxyPassword: "pw" }, {}, grafana)
        .secureSocksProxy,
    ).toEqual({
      address: "pdc.example:443",
      username: "ds-uid",
      password: "pw",
      allowInsecure: false,
      rootCertificates: ["ROOT1", "ROOT2"],
      clientCertificate: "CERT",
      clientKey: "KEY",
      serverName: "pdc.example",
      timeout: 30_000,
    });
  });

  it("jsonData that is not an object is a clear settings error", () => {
    const ctx = dataSourceContext("https://x", {});
    const settings = { ...ctx.dataSourceInstanceSettings!, rawJsonData: Buffer.from("[1]") };
    expect(() => httpClientOptionsFromSettings(settings)).toThrow(
      'data source "upstream": jsonData must be a JSON object',
    );
  });
});
