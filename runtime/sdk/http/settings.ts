/**
 * HTTP client options from a data source's (or app's) saved settings, read
 * the way the Go SDK reads them (backend/http_settings.go parseHTTPSettings
 * and DataSourceInstanceSettings.HTTPClientOptions in backend/common.go):
 * the same jsonData and secureJsonData keys that Grafana's standard "HTTP",
 * "Auth", "TLS/SSL" and "Custom headers" settings sections write.
 */
import type { AppInstanceSettings, DataSourceInstanceSettings } from "../context.js";
import { parseJsonBytes } from "../convert-from-protobuf.js";
import { PluginError } from "../errors.js";
import type { GrafanaConfig } from "../grafana-config.js";
import { defaultHttpClientOptions, type HttpClientOptions, type TlsOptions } from "./options.js";
import { secureSocksProxyOptions } from "./secure-socks-proxy.js";

/** Feature toggle that pins plugin HTTP clients to TLS 1.3 (featuretoggles.PluginsForceTLS13). */
export const FORCE_TLS13_TOGGLE = "pluginsForceTls13";

type Settings = DataSourceInstanceSettings<unknown> | AppInstanceSettings<unknown>;

/**
 * Client options for `settings`. `grafanaConfig` (the calling request's)
 * supplies the response limit, the TLS 1.3 toggle and the secure SOCKS
 * proxy. Throws a PluginError (400) naming the setting that is wrong.
 */
export function httpClientOptionsFromSettings(
  settings: Settings,
  grafanaConfig?: GrafanaConfig,
): HttpClientOptions {
  const where = "uid" in settings ? `data source "${settings.name}"` : "app settings";
  const json = jsonObject(settings.rawJsonData, where);
  const secure = settings.decryptedSecureJsonData;
  const options = defaultHttpClientOptions();

  if ("uid" in settings) {
    options.url = settings.url || stringField(json, "url");
    options.labels = {
      datasource_name: settings.name,
      datasource_uid: settings.uid,
    };
  } else options.url = stringField(json, "url");

  options.basicAuth = basicAuth(settings, json, secure);
  const t = options.timeouts;
  t.timeout = seconds(json, "timeout", t.timeout);
  t.dialTimeout = seconds(json, "dialTimeout", t.dialTimeout);
  t.keepAlive = seconds(json, "httpKeepAlive", t.keepAlive);
  t.tlsHandshakeTimeout = seconds(json, "httpTLSHandshakeTimeout", t.tlsHandshakeTimeout);
  t.maxConnsPerHost = count(json, "httpMaxConnsPerHost", t.maxConnsPerHost);
  t.idleConnTimeout = seconds(json, "httpIdleConnTimeout", t.idleConnTimeout);

  options.tls = tlsOptions(json, secure);
  if (grafanaConfig?.featureToggleEnabled(FORCE_TLS13_TOGGLE))
    options.tls = { ...options.tls, minVersion: "TLSv1.3", maxVersion: "TLSv1.3" };

  // httpHeaderName1/httpHeaderValue1, 2, … until the first missing name, as Go reads them.
  for (let i = 1; typeof json[`httpHeaderName${i}`] === "string"; i++) {
    const value = secure[`httpHeaderValue${i}`];
    if (value !== undefined) options.headers.append(json[`httpHeaderName${i}`] as string, value);
  }

  options.responseLimit = grafanaConfig?.responseLimit() ?? 0;
  if ("uid" in settings && grafanaConfig)
    options.secureSocksProxy = secureSocksProxyOptions(settings, json, grafanaConfig);
  return options;
}

function basicAuth(
  settings: Settings,
  json: Record<string, unknown>,
  secure: Record<string, string>,
): HttpClientOptions["basicAuth"] {
  if ("uid" in settings) {
    // The data source's own fields win over jsonData, and a plain `user` means basic auth too.
    if (settings.basicAuthEnabled)
      return { user: settings.basicAuthUser, password: secure.basicAuthPassword ?? "" };
    if (settings.user) return { user: settings.user, password: secure.password ?? "" };
  }
  if (json.basicAuth === true)
    return {
      user: stringField(json, "basicAuthUser") ?? "",
      password: secure.basicAuthPassword ?? "",
    };
  return undefined;
}

function tlsOptions(
  json: Record<string, unknown>,
  secure: Record<string, string>,
): TlsOptions | undefined {
  const clientAuth = json.tlsAuth === true;
  const withCaCert = json.tlsAuthWithCACert === true;
  const skipVerify = json.tlsSkipVerify === true;
  if (!clientAuth && !withCaCert && !skipVerify) return undefined;
  const tls: TlsOptions = { insecureSkipVerify: skipVerify };
  // Go reads certificates and the server name only when one of the two auth switches is on.
  if (clientAuth || withCaCert) {
    tls.serverName = stringField(json, "serverName") || undefined;
    tls.caCertificate = secure.tlsCACert || undefined;
    tls.clientCertificate = secure.tlsClientCert || undefined;
    tls.clientKey = secure.tlsClientKey || undefined;
  }
  return tls;
}

function jsonObject(raw: Buffer, where: string): Record<string, unknown> {
  const value = parseJsonBytes(raw, `${where}: jsonData`);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PluginError(`${where}: jsonData must be a JSON object`, {
      status: 400,
      source: "plugin",
    });
  return value as Record<string, unknown>;
}

function stringField(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  return typeof value === "string" ? value : undefined;
}

/** A duration Grafana stores in seconds, as milliseconds; absent keeps the default. */
function seconds(json: Record<string, unknown>, key: string, fallback: number): number {
  const n = numberField(json, key);
  return n === undefined ? fallback : n * 1000;
}

function count(json: Record<string, unknown>, key: string, fallback: number): number {
  const n = numberField(json, key);
  return n === undefined ? fallback : Math.floor(n);
}

/** Grafana's forms save numbers, provisioning files sometimes numeric strings: accept both. */
function numberField(json: Record<string, unknown>, key: string): number | undefined {
  const value = json[key];
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}
