/**
 * What an HTTP client is built from: the Go SDK's httpclient.Options
 * (backend/httpclient/options.go) in TypeScript terms, durations in
 * milliseconds. settings.ts fills one from a data source's settings the way
 * the Go SDK's HTTPClientOptions does; every field can also be set by hand.
 */
import type { HttpMiddleware } from "./middleware.js";
import type { SecureSocksProxyOptions } from "./secure-socks-proxy.js";

export interface BasicAuthOptions {
  user: string;
  password: string;
}

/** Connection and timeout settings; defaults are the Go SDK's DefaultTimeoutOptions. */
export interface TimeoutOptions {
  /** Whole request, response body included (Go's http.Client.Timeout). 0 for none. */
  timeout: number;
  /** Establishing the connection, TLS handshake included. */
  dialTimeout: number;
  /** TCP keep-alive probe delay on open connections. */
  keepAlive: number;
  /** Go reports it apart; undici times the handshake as part of `dialTimeout`. Kept for parity. */
  tlsHandshakeTimeout: number;
  /** Connections per origin; 0 for no limit. */
  maxConnsPerHost: number;
  /** How long an idle keep-alive connection stays open. */
  idleConnTimeout: number;
}

export const DEFAULT_TIMEOUTS: Readonly<TimeoutOptions> = Object.freeze({
  timeout: 30_000,
  dialTimeout: 10_000,
  keepAlive: 30_000,
  tlsHandshakeTimeout: 10_000,
  maxConnsPerHost: 0,
  idleConnTimeout: 90_000,
});

/** PEM texts as Grafana stores them in secureJsonData. */
export interface TlsOptions {
  caCertificate?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipVerify?: boolean;
  /** SNI and the name the server certificate must match, when it differs from the URL's host. */
  serverName?: string;
  minVersion?: "TLSv1.2" | "TLSv1.3";
  maxVersion?: "TLSv1.2" | "TLSv1.3";
}

export interface HttpClientOptions {
  /** Base for relative request URLs: a data source's configured URL. */
  url?: string;
  timeouts: TimeoutOptions;
  basicAuth?: BasicAuthOptions;
  tls?: TlsOptions;
  /** Headers set on every request, replacing any the caller set (httpHeaderName1/httpHeaderValue1 …). */
  headers: Headers;
  /** Set when the data source routes through Grafana's secure SOCKS proxy (PDC). */
  secureSocksProxy?: SecureSocksProxyOptions;
  /**
   * Forward the HTTP headers Grafana sent with the incoming call (OAuth
   * identity, allowed cookies, X-Grafana-Id, …) on requests made for it.
   * Grafana only sends what the data source's settings allow ("Forward OAuth
   * Identity", "Allowed cookies"), so this is on by default; the Go SDK's
   * ForwardHTTPHeaders defaults to off, which is why those settings so
   * often silently do nothing.
   */
  forwardHttpHeaders: boolean;
  /**
   * Largest response body in bytes; 0 for none. Per request the limit is,
   * in order: the request's `responseLimit`, Grafana's GF_RESPONSE_LIMIT of
   * the call it is made for, GF_DATAPROXY_RESPONSE_LIMIT, then this.
   */
  responseLimit: number;
  /** "Grafana/<version> (<os>; <arch>)" of the Grafana that called, when built for one call. */
  grafanaUserAgent?: string;
  /** Plugin id and version for the User-Agent, as the Go SDK reads them from plugin.json. */
  pluginId?: string;
  pluginVersion?: string;
  /** Labels middlewares may use (datasource_name, datasource_uid). */
  labels: Record<string, string>;
  /**
   * The middleware chain, outermost first. Receives the default chain
   * (defaultHttpMiddlewares()); return it extended, reordered or trimmed.
   */
  middlewares?: (defaults: HttpMiddleware[]) => HttpMiddleware[];
}

/** Options with every required field at its default. */
export function defaultHttpClientOptions(): HttpClientOptions {
  return {
    timeouts: { ...DEFAULT_TIMEOUTS },
    headers: new Headers(),
    forwardHttpHeaders: true,
    responseLimit: 0,
    labels: {},
  };
}
