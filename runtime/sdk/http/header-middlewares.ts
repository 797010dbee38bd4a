/**
 * The header middlewares of the Go SDK's default chain: basic auth
 * (BasicAuthenticationMiddleware), the data source's custom headers
 * (CustomHeadersMiddleware) and the User-Agent Grafana's own plugins send
 * (UserAgentMiddleware). Same rules: basic auth never replaces an
 * Authorization the caller set, custom headers always replace theirs.
 */
import type { HttpMiddleware } from "./middleware.js";

export const BASIC_AUTH_MIDDLEWARE = "BasicAuth";
export const CUSTOM_HEADERS_MIDDLEWARE = "CustomHeaders";
export const USER_AGENT_MIDDLEWARE = "UserAgent";

export function basicAuthMiddleware(): HttpMiddleware {
  return {
    name: BASIC_AUTH_MIDDLEWARE,
    create(options, next) {
      const auth = options.basicAuth;
      if (!auth) return next;
      const value = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
      return (request, scope) => {
        if (!request.headers.has("authorization")) request.headers.set("authorization", value);
        return next(request, scope);
      };
    },
  };
}

export function customHeadersMiddleware(): HttpMiddleware {
  return {
    name: CUSTOM_HEADERS_MIDDLEWARE,
    create(options, next) {
      const headers = [...options.headers];
      if (headers.length === 0) return next;
      const names = new Set(headers.map(([name]) => name));
      return (request, scope) => {
        for (const name of names) request.headers.delete(name);
        for (const [name, value] of headers) request.headers.append(name, value);
        return next(request, scope);
      };
    },
  };
}

/**
 * "Grafana/<version> (<os>; <arch>) <plugin id>/<plugin version>", or
 * "Grafana <plugin id>/<plugin version>" when the calling Grafana is unknown;
 * left alone when the caller set one or the plugin id is unknown.
 */
export function userAgentMiddleware(): HttpMiddleware {
  return {
    name: USER_AGENT_MIDDLEWARE,
    create(options, next) {
      return (request, scope) => {
        const context = scope.context?.pluginContext;
        const pluginId = context?.pluginId || options.pluginId;
        if (pluginId && !request.headers.has("user-agent")) {
          const version = context?.pluginVersion || options.pluginVersion || "";
          const grafana = context?.userAgent.grafanaVersion
            ? context.userAgent.raw
            : (options.grafanaUserAgent ?? "Grafana");
          request.headers.set("user-agent", `${grafana} ${pluginId}/${version}`);
        }
        return next(request, scope);
      };
    },
  };
}
