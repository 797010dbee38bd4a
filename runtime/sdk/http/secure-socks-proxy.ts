/**
 * Grafana's secure SOCKS proxy (Private Data source Connect): when Grafana's
 * config enables it and the data source turns it on (`enableSecureSocksProxy`),
 * every connection goes through a SOCKS5 proxy over mutual TLS (TLS 1.3),
 * authenticated with the data source's uid (or `secureSocksProxyUsername`)
 * and `secureSocksProxyPassword`. Keys and rules are the Go SDK's
 * (backend/proxy, config.GrafanaCfg.Proxy, DataSourceInstanceSettings.ProxyOptions);
 * the tunnel is undici's Socks5ProxyAgent.
 */
import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import type { Dispatcher } from "undici";
import type { DataSourceInstanceSettings } from "../context.js";
import { PluginError } from "../errors.js";
import type { GrafanaConfig } from "../grafana-config.js";
import { splitPemCertificates } from "./tls.js";
import type { Undici } from "./undici.js";

/** The GF_SECURE_SOCKS_DATASOURCE_PROXY_* keys Grafana sends in the plugin context's config. */
export const SecureSocksProxyKey = {
  enabled: "GF_SECURE_SOCKS_DATASOURCE_PROXY_SERVER_ENABLED",
  clientCertFile: "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_CERT",
  clientCert: "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_CERT_VAL",
  clientKeyFile: "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_KEY",
  clientKey: "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_KEY_VAL",
  rootCaFiles: "GF_SECURE_SOCKS_DATASOURCE_PROXY_ROOT_CA_CERT",
  rootCas: "GF_SECURE_SOCKS_DATASOURCE_PROXY_ROOT_CA_CERT_VALS",
  proxyAddress: "GF_SECURE_SOCKS_DATASOURCE_PROXY_PROXY_ADDRESS",
  serverName: "GF_SECURE_SOCKS_DATASOURCE_PROXY_SERVER_NAME",
  allowInsecure: "GF_SECURE_SOCKS_DATASOURCE_PROXY_ALLOW_INSECURE",
} as const;

export interface SecureSocksProxyOptions {
  /** host:port of the proxy. */
  address: string;
  username: string;
  password: string;
  /** Plain TCP to the proxy (Grafana's allow_insecure, for development). */
  allowInsecure: boolean;
  clientCertificate?: string;
  clientKey?: string;
  rootCertificates?: string[];
  serverName?: string;
  /** Connect timeout to the proxy (the data source's `timeout`, default 30s). */
  timeout: number;
}

/**
 * Proxy options when both Grafana and the data source enable the proxy,
 * else undefined. Certificates given as file paths (Grafana before 11) are
 * read here.
 */
export function secureSocksProxyOptions(
  settings: DataSourceInstanceSettings<unknown>,
  json: Record<string, unknown>,
  config: GrafanaConfig,
): SecureSocksProxyOptions | undefined {
  if (config.get(SecureSocksProxyKey.enabled) !== "true" || json.enableSecureSocksProxy !== true)
    return undefined;
  const address = config.get(SecureSocksProxyKey.proxyAddress);
  if (!address)
    throw new PluginError(
      `secure socks proxy is enabled but Grafana sent no ${SecureSocksProxyKey.proxyAddress}`,
      { source: "plugin" },
    );
  const allowInsecure = parseBool(config.get(SecureSocksProxyKey.allowInsecure));
  const timeout = typeof json.timeout === "number" ? json.timeout * 1000 : 30_000;
  const options: SecureSocksProxyOptions = {
    address,
    username:
      typeof json.secureSocksProxyUsername === "string"
        ? json.secureSocksProxyUsername
        : settings.uid,
    password: settings.decryptedSecureJsonData.secureSocksProxyPassword ?? "",
    allowInsecure,
    timeout,
  };
  if (allowInsecure) return options;
  const rootCas = config.get(SecureSocksProxyKey.rootCas);
  const rootCaFiles = config.get(SecureSocksProxyKey.rootCaFiles);
  options.rootCertificates = rootCas
    ? rootCas.split(",")
    : (rootCaFiles ?? "").split(" ").filter(Boolean).map(readPem);
  if (options.rootCertificates.length === 0)
    throw new PluginError("secure socks proxy: one or more root CA certificates are required", {
      source: "plugin",
    });
  options.clientCertificate =
    config.get(SecureSocksProxyKey.clientCert) ||
    readPem(config.get(SecureSocksProxyKey.clientCertFile) ?? "");
  options.clientKey =
    config.get(SecureSocksProxyKey.clientKey) ||
    readPem(config.get(SecureSocksProxyKey.clientKeyFile) ?? "");
  options.serverName = config.get(SecureSocksProxyKey.serverName) || undefined;
  return options;
}

/** The undici dispatcher that tunnels every connection through the proxy. */
export function secureSocksProxyDispatcher(
  { Socks5ProxyAgent }: Undici,
  proxy: SecureSocksProxyOptions,
  requestTls: ConnectionOptions,
  pool: { connections?: number; keepAliveTimeout?: number },
): Dispatcher {
  const proxyTls: ConnectionOptions | undefined = proxy.allowInsecure
    ? undefined
    : {
        ca: proxy.rootCertificates!.flatMap((pem) =>
          splitPemCertificates(pem, "secure socks proxy root CA"),
        ),
        cert: proxy.clientCertificate,
        key: proxy.clientKey,
        servername: proxy.serverName,
        minVersion: "TLSv1.3",
      };
  // undici 7's types omit requestTls, which its Socks5ProxyAgent reads (TLS
  // to the target through the tunnel): a variable of the wider type passes it.
  const options: ConstructorParameters<typeof Socks5ProxyAgent>[1] & {
    requestTls: ConnectionOptions;
  } = {
    username: proxy.username,
    password: proxy.password,
    connectTimeout: proxy.timeout,
    ...(proxyTls ? { proxyTls } : {}),
    requestTls,
    ...pool,
  };
  return new Socks5ProxyAgent(`socks5://${proxy.address}`, options);
}

function readPem(file: string): string {
  if (!file) return "";
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new PluginError(`secure socks proxy: reading ${file}: ${(error as Error).message}`, {
      source: "plugin",
    });
  }
}

/** Go's strconv.ParseBool. */
function parseBool(value: string | undefined): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(value ?? "");
}
