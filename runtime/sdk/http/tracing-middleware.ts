/**
 * The Go SDK's httpclient TracingMiddleware: each outgoing request runs in a
 * client span "HTTP Outgoing Request" (http.method, http.url, then
 * http.status_code; an error status from 400 up) and carries that span's
 * trace headers, so the API's own traces join Grafana's. With tracing off the
 * span records nothing and the request still forwards the trace context
 * Grafana sent (see injectTraceHeaders).
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { injectTraceHeaders, withSpan } from "../tracing/index.js";
import { redactedUrl } from "./error-source.js";
import { httpMiddleware, type HttpMiddleware } from "./middleware.js";

export const OUTGOING_REQUEST_SPAN = "HTTP Outgoing Request";

export function tracingMiddleware(): HttpMiddleware {
  return httpMiddleware("tracing", (request, next) =>
    withSpan(
      OUTGOING_REQUEST_SPAN,
      async (span) => {
        injectTraceHeaders(request.headers);
        const response = await next(request);
        span.setAttribute("http.status_code", response.status);
        if (response.status >= 400)
          span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        return response;
      },
      {
        kind: SpanKind.CLIENT,
        attributes: { "http.method": request.method, "http.url": redactedUrl(request.url) },
      },
    ),
  );
}
