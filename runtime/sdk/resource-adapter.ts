/**
 * Serves a CallResourceHandler as the generated ResourceHandler: build the
 * request (query string, headers, lazy body parsing), call, stream the
 * response — all inside the handler chain, so the request's span, log line
 * and instance lease last until the body has been sent. A thrown error
 * becomes a JSON error reply with the error's status ({"message": ...}); an
 * error while a body is streaming ends the stream (the status has already
 * been sent).
 */
import type { ResourceHandler } from "../../output/pluginv2/backend.handlers.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import type { PluginContext } from "./context.js";
import { parseJsonBytes } from "./convert-from-protobuf.js";
import { resourceResponseToProto } from "./convert-to-protobuf.js";
import { describeError, errorSourceFromHttpStatus, toRpcError } from "./errors.js";
import { HandOver } from "./hand-over.js";
import { runHandler } from "./middleware/handler-chain.js";
import { currentLogger } from "./middleware/request-scope.js";
import { OK_OUTCOME } from "./middleware/request-status.js";
import type { SdkCore } from "./request-context.js";
import {
  jsonResponse,
  type CallResourceHandler,
  type ResourceRequest,
  type ResourceResponse,
} from "./resource.js";

type Chunk = DeepPartial<pb.CallResourceResponse>;

export function newResourceAdapter<J, I>(
  core: SdkCore<J, I>,
  handler: CallResourceHandler<J, I>,
): ResourceHandler {
  return {
    callResource(request, call) {
      const chunks = new HandOver<Chunk>(call.signal, () => {
        const error = new Error(call.signal.aborted ? "cancelled by Grafana" : "response ended");
        error.name = "AbortError";
        return error;
      });
      let status = 200;
      const done = runHandler(
        core,
        { endpoint: "callResource", request, pluginContext: request.pluginContext, call },
        async (step) => {
          let response: ResourceResponse;
          try {
            const ctx = await step.requestContext();
            response = await handler.callResource(
              resourceRequestFromProto(request, ctx.pluginContext),
              ctx,
            );
          } catch (error) {
            const described = describeError(error);
            // A 5xx is the plugin's or its upstream's failure (and fails the call in
            // the request log and metrics); a 4xx the caller's, only worth a warning.
            if (described.status >= 500) step.answeredWithError(error);
            currentLogger()[described.status >= 500 ? "error" : "warn"]("resource call failed", {
              method: request.method,
              path: request.path,
              status: described.status,
              statusSource: described.source,
              error: described.message,
            });
            response = jsonResponse({ message: described.message }, { status: described.status });
          }
          status = response.status ?? 200;
          for await (const chunk of resourceResponseToProto(response)) await chunks.send(chunk);
        },
        // A reply with a 5xx status is a failure even when nothing was thrown.
        () =>
          status >= 500
            ? { status: "error", statusSource: errorSourceFromHttpStatus(status) }
            : OK_OUTCOME,
      );
      done.then(
        () => chunks.close(),
        (error: unknown) => {
          if (call.signal.aborted) chunks.close();
          else chunks.fail(toRpcError(error)); // a body that failed mid-stream; logged by the chain
        },
      );
      return chunks;
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
