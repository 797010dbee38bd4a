/**
 * Grafana's response size limit ([dataproxy] response_limit, sent as
 * GF_RESPONSE_LIMIT) enforced on response bodies, as the Go SDK's
 * ResponseLimitMiddleware does: reading past the limit fails with
 * ResponseTooLargeError. The limit per request is, first found: the
 * request's own `responseLimit`, the calling request's Grafana config, the
 * GF_DATAPROXY_RESPONSE_LIMIT environment variable, the client's option.
 */
import type { Response } from "undici";
import { PluginError } from "../errors.js";
import { redactedUrl } from "./error-source.js";
import type { HttpMiddleware } from "./middleware.js";
import { withBody } from "./response-body.js";

export const RESPONSE_LIMIT_MIDDLEWARE = "response-limit";
export const RESPONSE_LIMIT_ENV = "GF_DATAPROXY_RESPONSE_LIMIT";

/**
 * A body was larger than the limit. Not the upstream's fault in Grafana's
 * terms (the Go SDK leaves it unlabelled, so it counts as the plugin's).
 */
export class ResponseTooLargeError extends PluginError {
  override name = "ResponseTooLargeError";
  constructor(
    readonly url: string,
    readonly limit: number,
  ) {
    super(`response body of ${url} is larger than the response limit of ${limit} bytes`, {
      status: 500,
      source: "plugin",
    });
  }
}

export function responseLimitMiddleware(): HttpMiddleware {
  return {
    name: RESPONSE_LIMIT_MIDDLEWARE,
    create(options, next) {
      const fromEnv = positive(Number(process.env[RESPONSE_LIMIT_ENV]));
      return async (request, scope) => {
        const limit =
          positive(scope.responseLimit) ??
          positive(scope.context?.pluginContext.grafanaConfig.responseLimit()) ??
          fromEnv ??
          positive(options.responseLimit);
        const response = await next(request, scope);
        if (limit === undefined || !response.body) return response;
        // A declared length within the limit cannot be exceeded (undici enforces it): no need to count.
        const declared = Number(response.headers.get("content-length") ?? NaN);
        if (Number.isFinite(declared) && declared <= limit) return response;
        return limitBody(response, limit, redactedUrl(request.url));
      };
    },
  };
}

/** The same response with a body that fails once more than `limit` bytes were read. */
function limitBody(response: Response, limit: number, url: string): Promise<Response> {
  let seen = 0;
  const counted = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new ResponseTooLargeError(url, limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return withBody(response, counted);
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
