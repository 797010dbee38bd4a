/**
 * The four calls `call` can make on a started plugin. Each prints the answer
 * through `out` and resolves to whether the call succeeded; a gRPC failure
 * rejects, and `callCommand` reports it.
 */
import type { protocol } from "../../output/glue.js";
import {
  checkHealthResponse_HealthStatusToJSON,
  CheckHealthResponse_HealthStatus,
  type PluginContext,
  type QueryDataRequest,
} from "../../output/pluginv2/backend.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type { startPlugin } from "../../runtime/index.js";
import { frameRenderer, summariseResponse } from "./output.js";

/** A plugin started with the Grafana protocol, as `startPlugin` returns it. */
export type Hosted = Awaited<ReturnType<typeof startPlugin<typeof protocol>>>;
/** What every call sends besides its own arguments. */
export interface CallContext {
  /** The plugin context Grafana would send: org, user, instance settings. */
  pluginContext: DeepPartial<PluginContext>;
  /** Deadline of the call, in milliseconds. */
  deadline: number;
}
/** One parsed call, ready to run on a started plugin; true when it succeeded. */
export type Call = (
  plugin: Hosted,
  out: (text: string) => void,
  context: CallContext,
) => Promise<boolean>;

/** Succeeds when the plugin reports OK. */
export async function checkHealth(
  plugin: Hosted,
  out: (t: string) => void,
  { pluginContext, deadline }: CallContext,
) {
  const reply = await plugin.clients.diagnostics.checkHealth({ pluginContext }, { deadline });
  out(`status: ${checkHealthResponse_HealthStatusToJSON(reply.status)}\n`);
  out(`message: ${reply.message}\n`);
  if (reply.jsonDetails.length > 0) out(`details: ${reply.jsonDetails.toString("utf8")}\n`);
  return reply.status === CheckHealthResponse_HealthStatus.OK;
}

/** Succeeds when every refId asked for (or answered) got an answer without an error. */
export async function queryData(
  plugin: Hosted,
  out: (t: string) => void,
  request: DeepPartial<QueryDataRequest>,
  { pluginContext, deadline }: CallContext,
) {
  // The request's own pluginContext (from --json) wins over the command's.
  const reply = await plugin.clients.data.queryData(
    { ...request, pluginContext: request.pluginContext ?? pluginContext },
    { deadline },
  );
  const render = await frameRenderer();
  let ok = true;
  const refIds = (request.queries ?? []).map((q) => q?.refId ?? "");
  for (const refId of new Set([...refIds, ...Object.keys(reply.responses)])) {
    const response = reply.responses[refId];
    if (!response) {
      out(`refId ${refId}: no response\n`);
      ok = false;
      continue;
    }
    ok &&= response.error === "" && (response.status === 0 || response.status < 400);
    out(summariseResponse(refId, response));
    response.frames.forEach((frame, i) => out(render(frame, i)));
  }
  return ok;
}

/** Prints the answer like an HTTP response; succeeds on a 2xx or 3xx code. */
export async function callResource(
  plugin: Hosted,
  out: (t: string) => void,
  method: string,
  target: string,
  body: string | undefined,
  headers: Record<string, { values: string[] }>,
  { pluginContext, deadline }: CallContext,
) {
  const url = target.startsWith("/") ? target : `/${target}`;
  const path = url.slice(1).split("?")[0];
  const stream = plugin.clients.resource.callResource(
    {
      pluginContext,
      method,
      path,
      url,
      headers,
      body: Buffer.from(body ?? ""),
    },
    { deadline },
  );
  let code = 0;
  let first = true;
  for await (const part of stream) {
    if (first) {
      code = part.code;
      out(`HTTP ${part.code}\n`);
      for (const [name, list] of Object.entries(part.headers))
        for (const value of list.values) out(`${name}: ${value}\n`);
      out("\n");
      first = false;
    }
    out(part.body.toString("utf8"));
  }
  if (first) throw new Error("CallResource: the plugin sent no response");
  out("\n");
  return code >= 200 && code < 400;
}

/** Prints `packets` packets, then cancels; a stream the plugin ends sooner still succeeds. */
export async function runStream(
  plugin: Hosted,
  out: (t: string) => void,
  path: string,
  packets: number,
  data: string | undefined,
  { pluginContext, deadline }: CallContext,
) {
  const stream = plugin.clients.stream.runStream(
    { pluginContext, path, data: Buffer.from(data ?? "") },
    { deadline },
  );
  let count = 0;
  for await (const packet of stream) {
    out(`packet ${++count}: ${packet.data.toString("utf8")}\n`);
    if (count === packets) stream.cancel();
  }
  if (count < packets) out(`stream ended by the plugin after ${count} packet(s)\n`);
  return true;
}
