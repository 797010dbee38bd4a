/**
 * The HTTP client: fetch over an undici connection pool configured from a
 * data source's settings, through a middleware chain like the Go SDK's
 * (backend/httpclient). Build one per data source instance and keep it (the
 * pool is what makes keep-alive work), and bind it to each call with
 * `forRequest(ctx)` so the call's forwarded headers, cancellation and
 * Grafana config apply. `httpClient(ctx)` does both for you.
 *
 *     const res = await httpClient(ctx).fetch("/api/series?name=cpu");
 *     const series = await httpClient(ctx).json<Series[]>("/api/series");
 */
import { tracingMiddleware } from "./tracing-middleware.js";
import type { Dispatcher, Request, RequestInit, Response } from "undici";
import type { AppInstanceSettings, DataSourceInstanceSettings } from "../context.js";
import { jsonSyntaxReason } from "../../json-syntax.js";
import { PluginError } from "../errors.js";
import type { GrafanaConfig } from "../grafana-config.js";
import type { RequestContext } from "../request-context.js";
import {
  downstreamError,
  errorSourceMiddleware,
  redactedUrl,
  responseError,
} from "./error-source.js";
import { forwardHeadersMiddleware, incomingHttpHeaders } from "./forwarding.js";
import {
  basicAuthMiddleware,
  customHeadersMiddleware,
  userAgentMiddleware,
} from "./header-middlewares.js";
import {
  composeHttpMiddlewares,
  type HttpHandler,
  type HttpMiddleware,
  type HttpRequestScope,
} from "./middleware.js";
import { defaultHttpClientOptions, type HttpClientOptions } from "./options.js";
import { responseLimitMiddleware } from "./response-limit.js";
import { secureSocksProxyDispatcher } from "./secure-socks-proxy.js";
import { httpClientOptionsFromSettings } from "./settings.js";
import { tlsConnectOptions } from "./tls.js";
import { loadUndici, type Undici } from "./undici.js";

/** fetch's init, plus this request's own response limit (bytes). */
export interface HttpRequestInit extends RequestInit {
  responseLimit?: number;
}

export interface HttpClient {
  readonly options: Readonly<HttpClientOptions>;
  /**
   * fetch through the middleware chain. A relative URL is resolved against
   * the data source's URL (its path kept: "/api/x" on "https://h/prom" is
   * "https://h/prom/api/x"). Never throws for an HTTP status; network
   * failures reject with a PluginError whose source is "downstream".
   */
  fetch(input: string | URL | Request, init?: HttpRequestInit): Promise<Response>;
  /** fetch, then the body as JSON; a non-2xx status throws an HttpResponseError. */
  json<T = unknown>(input: string | URL | Request, init?: HttpRequestInit): Promise<T>;
  /** fetch, then the body as text; a non-2xx status throws an HttpResponseError. */
  text(input: string | URL | Request, init?: HttpRequestInit): Promise<string>;
  /**
   * This client for requests made while serving `ctx`: forwards the call's
   * HTTP headers (when `forwardHttpHeaders`), is cancelled with the call,
   * and uses its Grafana config (response limit) and User-Agent.
   */
  forRequest(ctx: RequestContext<unknown, unknown>): HttpClient;
  /** Closes the pool once requests in flight finish. */
  close(): Promise<void>;
  /** close(), so a client can be (part of) an instance the instance manager disposes. */
  dispose(): Promise<void>;
}

export interface CreateHttpClientOptions extends Partial<Omit<HttpClientOptions, "timeouts">> {
  timeouts?: Partial<HttpClientOptions["timeouts"]>;
  /** Grafana's config (from a plugin context): response limit, TLS 1.3 toggle, secure SOCKS proxy. */
  grafanaConfig?: GrafanaConfig;
}

/** The Go SDK's default chain (tracing outermost), minus its HTTP client metrics. */
export function defaultHttpMiddlewares(): HttpMiddleware[] {
  return [
    tracingMiddleware(),
    basicAuthMiddleware(),
    customHeadersMiddleware(),
    userAgentMiddleware(),
    forwardHeadersMiddleware(),
    errorSourceMiddleware(),
    responseLimitMiddleware(),
  ];
}

/**
 * A client configured from `settings` (auth, TLS, headers, timeouts, secure
 * SOCKS proxy, read as the Go SDK reads them), with `options` on top; pass
 * undefined settings to configure everything by hand. Throws a PluginError
 * (400) for settings it cannot use, e.g. a CA certificate that is not PEM.
 */
export function createHttpClient(
  settings: DataSourceInstanceSettings<unknown> | AppInstanceSettings<unknown> | undefined,
  options: CreateHttpClientOptions = {},
): HttpClient {
  const { grafanaConfig, timeouts, headers, ...rest } = options;
  const base = settings
    ? httpClientOptionsFromSettings(settings, grafanaConfig)
    : defaultHttpClientOptions();
  const resolved: HttpClientOptions = {
    ...base,
    ...rest,
    timeouts: { ...base.timeouts, ...timeouts },
    headers: new Headers([...base.headers, ...new Headers(headers ?? undefined)]),
  };
  // Checked now, so bad certificates fail where the client is built, not on the first request.
  const tls = tlsConnectOptions(resolved.tls);
  let dispatcher: Promise<Dispatcher> | undefined;
  const transport: Transport = {
    dispatcher: () =>
      (dispatcher ??= loadUndici().then((undici) => buildDispatcher(undici, resolved, tls))),
    close: async () => {
      if (dispatcher) await (await dispatcher).close();
    },
  };
  const defaults = defaultHttpMiddlewares();
  const chain = composeHttpMiddlewares(
    resolved.middlewares ? resolved.middlewares(defaults) : defaults,
    resolved,
    async (request) => {
      const [{ fetch }, via] = await Promise.all([loadUndici(), transport.dispatcher()]);
      return fetch(request, { dispatcher: via });
    },
  );
  return boundClient(resolved, chain, transport, undefined);
}

/** The connection pool, built on the first request. */
interface Transport {
  dispatcher(): Promise<Dispatcher>;
  close(): Promise<void>;
}

function buildDispatcher(
  undici: Undici,
  options: HttpClientOptions,
  tls: ReturnType<typeof tlsConnectOptions>,
): Dispatcher {
  const { timeouts } = options;
  const pool = {
    connections: timeouts.maxConnsPerHost > 0 ? timeouts.maxConnsPerHost : null,
    keepAliveTimeout: timeouts.idleConnTimeout,
    headersTimeout: timeouts.timeout,
    bodyTimeout: timeouts.timeout,
  };
  if (options.secureSocksProxy)
    return secureSocksProxyDispatcher(undici, options.secureSocksProxy, tls, {
      ...pool,
      connections: pool.connections ?? undefined,
    });
  return new undici.Agent({
    ...pool,
    connect: {
      ...tls,
      timeout: timeouts.dialTimeout,
      keepAlive: timeouts.keepAlive > 0,
      keepAliveInitialDelay: timeouts.keepAlive,
    },
  });
}

function boundClient(
  options: HttpClientOptions,
  chain: HttpHandler,
  transport: Transport,
  ctx: RequestContext<unknown, unknown> | undefined,
): HttpClient {
  const forwardHeaders =
    ctx && options.forwardHttpHeaders ? incomingHttpHeaders(ctx) : new Headers();
  const client: HttpClient = {
    options,
    async fetch(input, init = {}) {
      const { Request } = await loadUndici();
      const { responseLimit, signal, ...rest } = init;
      const url = resolveUrl(input, options.url);
      const { signal: combined, done } = requestSignal(
        [signal ?? undefined, ctx?.signal],
        options.timeouts.timeout,
      );
      const request = new Request(url, { ...rest, signal: combined });
      const scope: HttpRequestScope = { context: ctx, forwardHeaders, responseLimit };
      try {
        return await chain(request, scope);
      } catch (error) {
        done();
        throw error;
      }
    },
    async json<T>(input: string | URL | Request, init?: HttpRequestInit) {
      const { text, method, url } = await readText(client, input, init);
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new PluginError(
          `${method} ${redactedUrl(url)}: response is not valid JSON: ${jsonSyntaxReason(error)}`,
          { status: 502, source: "downstream" },
        );
      }
    },
    text: async (input, init) => (await readText(client, input, init)).text,
    forRequest: (requestCtx) => boundClient(options, chain, transport, requestCtx),
    close: () => transport.close(),
    dispose: () => transport.close(),
  };
  return client;
}

/** The body of a 2xx answer; else HttpResponseError. Read errors are labelled like request errors. */
async function readText(
  client: HttpClient,
  input: string | URL | Request,
  init: HttpRequestInit | undefined,
): Promise<{ text: string; method: string; url: string }> {
  const response = await client.fetch(input, init);
  const method = methodOf(input, init);
  if (!response.ok) throw await responseError(response, method);
  try {
    return { text: await response.text(), method, url: response.url };
  } catch (error) {
    throw downstreamError(method, response.url, error);
  }
}

/**
 * One signal for the caller's, the plugin call's and the client's timeout
 * (Go's http.Client.Timeout: it covers reading the body too).
 */
function requestSignal(
  signals: (AbortSignal | undefined)[],
  timeout: number,
): { signal: AbortSignal | undefined; done: () => void } {
  const all = signals.filter((s): s is AbortSignal => s !== undefined);
  let timer: NodeJS.Timeout | undefined;
  if (timeout > 0) {
    const controller = new AbortController();
    timer = setTimeout(
      () =>
        controller.abort(
          new DOMException(`no complete response within ${timeout / 1000}s`, "TimeoutError"),
        ),
      timeout,
    );
    timer.unref();
    all.push(controller.signal);
  }
  const signal = all.length === 0 ? undefined : all.length === 1 ? all[0] : AbortSignal.any(all);
  return { signal, done: () => clearTimeout(timer) };
}

function resolveUrl(
  input: string | URL | Request,
  base: string | undefined,
): string | URL | Request {
  if (typeof input !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(input)) return input;
  if (!base)
    throw new PluginError(
      `"${input}" is a relative URL, but the data source has no URL configured to resolve it against`,
      { status: 400, source: "plugin" },
    );
  return `${base.replace(/\/+$/, "")}/${input.replace(/^\/+/, "")}`;
}

function methodOf(input: string | URL | Request, init: HttpRequestInit | undefined): string {
  const method =
    init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
  return method.toUpperCase();
}

interface CachedClient {
  version: string;
  client: HttpClient;
}
const cache = new Map<string, CachedClient>();

/**
 * The client for the data source (or app) `ctx` is serving, bound to this
 * call: built from its settings on first use, rebuilt (the old one closed)
 * when the settings are saved again or Grafana's config changes, as
 * instances are. Close them all with closeHttpClients() when the plugin stops.
 */
export function httpClient(ctx: RequestContext<unknown, unknown>): HttpClient {
  const { pluginContext } = ctx;
  const ds = pluginContext.dataSourceInstanceSettings;
  const app = pluginContext.appInstanceSettings;
  const key = ds ? `ds:${ds.uid || ds.id}` : app ? `app:${pluginContext.orgId}` : "plugin";
  const version = `${(ds ?? app)?.lastUpdatedMS ?? ""}|${pluginContext.grafanaConfig.fingerprint()}`;
  let cached = cache.get(key);
  if (!cached || cached.version !== version) {
    const client = createHttpClient(ds ?? app, {
      grafanaConfig: pluginContext.grafanaConfig,
      pluginId: pluginContext.pluginId,
      pluginVersion: pluginContext.pluginVersion,
    });
    void cached?.client.close().catch(() => {});
    cached = { version, client };
    cache.set(key, cached);
  }
  return cached.client.forRequest(ctx);
}

/** Closes every client httpClient() built; pass it to serve's `onStop`. */
export async function closeHttpClients(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map(({ client }) => client.close()));
}
