/**
 * Serves a CallResourceHandler as the generated ResourceHandler: build the
 * request (query string, headers, lazy body parsing), call, stream the
 * response. A thrown error becomes a JSON error reply with the error's status
 * ({"message": ...}), logged; an error while a body is streaming ends the
 * stream (the status has already been sent).
 */
import type { ResourceHandler } from "../../output/pluginv2/backend.handlers.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { PluginContext } from "./context.js";
import { parseJsonBytes } from "./convert-from-protobuf.js";
import { resourceResponseToProto } from "./convert-to-protobuf.js";
import { describeError, messageOf } from "./errors.js";
import { newRequestContext, track, type SdkCore } from "./request-context.js";
import {
  jsonResponse,
  type CallResourceHandler,
  type ResourceRequest,
  type ResourceResponse,
} from "./resource.js";

export function newResourceAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: CallResourceHandler<J, I>,
): ResourceHandler {
  return {
    async *callResource(request, call) {
      let logger = core.logger.with({ endpoint: "callResource" });
      const response = await track(
        core.metrics,
        "callResource",
        call.signal,
        async (): Promise<ResourceResponse> => {
          try {
            const ctx = await newRequestContext(core, "callResource", request.pluginContext, call);
            logger = ctx.logger;
            return await handler.callResource(
              resourceRequestFromProto(request, ctx.pluginContext),
              ctx,
            );
          } catch (error) {
            const { message, status, source } = describeError(error);
            // A 4xx is the caller's problem (warn); a 5xx the plugin's or its upstream's (error).
            logger[status >= 500 ? "error" : "warn"]("resource call failed", {
              method: request.method,
              path: request.path,
              status,
              statusSource: source,
              error: message,
            });
            return jsonResponse({ message }, { status });
          }
        },
        (res) => ((res.status ?? 200) >= 500 ? "error" : "ok"),
      );
      try {
        yield* resourceResponseToProto(response);
      } catch (error) {
        if (!call.signal.aborted)
          logger.error("resource body stream failed", {
            path: request.path,
            error: messageOf(error),
          });
        throw error;
      }
    },
  };
}

export function resourceRequestFromProto<J>(
  request: pb.CallResourceRequest,
  pluginContext: PluginContext<J>,
): ResourceRequest<J> {
  const { pluginContext: _, headers, ...rest } = request;
  const headerValues: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(headers)) headerValues[name] = list.values;
  const queryStart = request.url.indexOf("?");
  return {
    ...rest,
    pluginContext,
    headers: headerValues,
    params: {},
    query: new URLSearchParams(queryStart >= 0 ? request.url.slice(queryStart + 1) : ""),
    route: request.path.replace(/^\/+|\/+$/g, ""),
    header(name) {
      const wanted = name.toLowerCase();
      for (const [key, values] of Object.entries(headerValues))
        if (key.toLowerCase() === wanted) return values[0];
      return undefined;
    },
    text: () => request.body.toString("utf8"),
    json: <T>() => parseJsonBytes(request.body, "request body") as T,
  };
}
