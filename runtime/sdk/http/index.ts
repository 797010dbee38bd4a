/**
 * HTTP client for data sources that call an HTTP API: fetch over undici,
 * configured from the data source's settings and bound to the plugin call.
 * The public names of runtime/sdk/http, re-exported by runtime/sdk.
 */
export {
  closeHttpClients,
  createHttpClient,
  defaultHttpMiddlewares,
  httpClient,
  type CreateHttpClientOptions,
  type HttpClient,
  type HttpRequestInit,
} from "./client.js";
export {
  downstreamHttpFailure,
  errorSourceMiddleware,
  HttpResponseError,
  isDownstreamHttpError,
  responseError,
  type DownstreamFailure,
} from "./error-source.js";
export {
  forwardedHttpHeaders,
  forwardHeadersMiddleware,
  incomingHttpHeaders,
} from "./forwarding.js";
export {
  basicAuthMiddleware,
  customHeadersMiddleware,
  userAgentMiddleware,
} from "./header-middlewares.js";
export {
  composeHttpMiddlewares,
  httpMiddleware,
  type HttpHandler,
  type HttpMiddleware,
  type HttpRequestScope,
} from "./middleware.js";
export {
  DEFAULT_TIMEOUTS,
  defaultHttpClientOptions,
  type BasicAuthOptions,
  type HttpClientOptions,
  type TimeoutOptions,
  type TlsOptions,
} from "./options.js";
export {
  RESPONSE_LIMIT_ENV,
  responseLimitMiddleware,
  ResponseTooLargeError,
} from "./response-limit.js";
export { SecureSocksProxyKey, type SecureSocksProxyOptions } from "./secure-socks-proxy.js";
export { FORCE_TLS13_TOGGLE, httpClientOptionsFromSettings } from "./settings.js";
