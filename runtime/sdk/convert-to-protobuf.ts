/**
 * SDK types → generated protocol messages. Every conversion to the wire lives
 * here (like the Go SDK's convert_to_protobuf.go): frames to Arrow IPC, errors
 * to status and errorSource, health results, resource responses, stream data.
 */
import type { DeepPartial } from "../../output/rpc-support.js";
import type * as pb from "../../output/pluginv2/backend.js";
import { DataFrameFormat } from "../../output/pluginv2/backend.js";
import { Frame, frameToArrow, frameToJSON } from "../frames/index.js";
import { responseFailure, type DataResponse } from "./data.js";
import type { CheckHealthResult } from "./diagnostics.js";
import { PluginError } from "./errors.js";
import type { ResourceChunk, ResourceResponse } from "./resource.js";

/**
 * Encodes one query's response: frames as Arrow IPC, or as JSON when the
 * request asked for it (named after the refId when they have no refId), an
 * error as its message with a status and source (derived from the error
 * unless given).
 */
export function dataResponseToProto(
  refId: string,
  response: DataResponse,
  format: DataFrameFormat = DataFrameFormat.ARROW,
): DeepPartial<pb.DataResponse> {
  const encoded = (response.frames ?? []).map((frame) => {
    if (!frame.refId) frame.refId = refId;
    return encodeFrame(frame, format);
  });
  // Every other field the response carries passes through as given. Copied key by key rather
  // than a rest pattern and a spread: that pair costs a new V8 map on every call.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(response))
    if (!CONVERTED_RESPONSE_KEYS.has(key)) out[key] = response[key as keyof DataResponse];
  out.frames = encoded;
  out.format = format;
  const failure = responseFailure(response);
  if (!failure) {
    out.status = response.status || 200;
  } else {
    out.error = failure.message;
    out.status = failure.status;
    out.errorSource = failure.source;
  }
  return out as DeepPartial<pb.DataResponse>;
}

/** The DataResponse fields dataResponseToProto writes itself. */
const CONVERTED_RESPONSE_KEYS: ReadonlySet<string> = new Set([
  "frames",
  "error",
  "errorSource",
  "status",
]);

/**
 * One frame in the requested format. `include` "data" leaves the schema out
 * of JSON (for later chunks of a chunked answer); Arrow always carries it.
 * A format this SDK does not know is refused, as the Go SDK does.
 */
export function encodeFrame(
  frame: Frame,
  format: DataFrameFormat,
  include: "all" | "data" = "all",
): Buffer {
  if (format === DataFrameFormat.ARROW) return toBuffer(frameToArrow(frame));
  if (format === DataFrameFormat.JSON) return Buffer.from(frameToJSON(frame, { include }));
  throw new PluginError(`unsupported data frame format ${format}`, {
    status: 400,
    source: "plugin",
  });
}

export function checkHealthResultToProto(
  result: CheckHealthResult,
): DeepPartial<pb.CheckHealthResponse> {
  return {
    status: result.status,
    message: result.message ?? "",
    jsonDetails:
      result.details === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(result.details)),
  };
}

/**
 * A resource response as the message stream Grafana expects: status and
 * headers with the first chunk, later chunks in further messages.
 */
export async function* resourceResponseToProto(
  response: ResourceResponse,
): AsyncGenerator<DeepPartial<pb.CallResourceResponse>> {
  const head = { code: response.status ?? 200, headers: headersToProto(response.headers) };
  const body = response.body;
  if (body === undefined || typeof body === "string" || body instanceof Uint8Array) {
    yield { ...head, body: body === undefined ? Buffer.alloc(0) : chunkToBuffer(body) };
    return;
  }
  let first = true;
  for await (const chunk of body as AsyncIterable<ResourceChunk>) {
    yield first ? { ...head, body: chunkToBuffer(chunk) } : { body: chunkToBuffer(chunk) };
    first = false;
  }
  if (first) yield { ...head, body: Buffer.alloc(0) };
}

function headersToProto(
  headers: Record<string, string | string[]> | undefined,
): Record<string, { values: string[] }> {
  const out: Record<string, { values: string[] }> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    out[name] = { values: Array.isArray(value) ? value : [value] };
  return out;
}

/** Which parts of a frame a stream packet carries (the Go SDK's data.FrameInclude). */
export type FrameInclude = "all" | "schema" | "data";

/**
 * A frame in the JSON form Grafana Live reads from stream packets. The first
 * packet of a channel must carry the schema; later ones may send only data.
 */
export function frameToStreamJSON(frame: Frame, include: FrameInclude = "all"): string {
  const text = frameToJSON(frame);
  if (include === "all") return text;
  // frameToJSON writes {"schema":<object>,"data":<object>}: split at the end of the schema.
  const prefix = '{"schema":';
  const schemaEnd = endOfJSONObject(text, prefix.length);
  const schema = text.slice(prefix.length, schemaEnd);
  const data = text.slice(schemaEnd + ',"data":'.length, -1);
  return include === "schema" ? `{"schema":${schema}}` : `{"data":${data}}`;
}

/** Index just past the JSON object that starts at `start` (strings and escapes respected). */
function endOfJSONObject(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  throw new Error("frame JSON is not an object");
}

/** Stream packet or initial data: a Frame as frame JSON, bytes as they are, text, or any JSON value. */
export function streamDataToBytes(data: unknown, include: FrameInclude = "all"): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  if (data instanceof Frame) return Buffer.from(frameToStreamJSON(data, include));
  if (data instanceof Uint8Array) return toBuffer(data);
  return Buffer.from(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

function chunkToBuffer(chunk: ResourceChunk): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : toBuffer(chunk);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
