/**
 * QueryChunkedData in SDK terms (the Go SDK's backend/chunked.go): a handler
 * streams each query's frames in chunks through a ChunkedDataWriter. The
 * first chunk of a frame id carries the frame with its schema; later chunks
 * with the same id carry more rows of the same structure, which Grafana
 * appends. In JSON format the schema is sent only in a frame's first chunk.
 */
import type * as pb from "../../output/pluginv2/backend.js";
import { DataFrameFormat } from "../../output/pluginv2/backend.js";
import type { DeepPartial } from "../../output/rpc-support.js";
import type { Frame } from "../frames/index.js";
import type { PluginContext } from "./context.js";
import { encodeFrame } from "./convert-to-protobuf.js";
import type { DataQuery } from "./data.js";
import {
  describeError,
  errorSourceFromHttpStatus,
  PluginError,
  type ErrorSource,
} from "./errors.js";
import type { RequestContext } from "./request-context.js";

export interface QueryChunkedDataRequest<J = unknown> extends Omit<
  pb.QueryChunkedDataRequest,
  "pluginContext" | "queries"
> {
  pluginContext: PluginContext<J>;
  queries: DataQuery<unknown>[];
}

export interface ChunkedDataWriter {
  /**
   * Sends `frame` (its refId set to `refId`) as a chunk of frame `frameId`.
   * The first time a frame id is written, the frame's schema and rows go out;
   * later writes with the same id append their rows to it and must keep its
   * fields (names, types, nullability) — a different structure is refused.
   */
  writeFrame(refId: string, frameId: string, frame: Frame): Promise<void>;
  /**
   * Reports a failure of query `refId`. The status and source derive from
   * the error unless given; a bare message with a status takes its source
   * from the status, as a PluginError does.
   */
  writeError(refId: string, error: unknown, status?: number, source?: ErrorSource): Promise<void>;
}

/** Answers a batch of queries in chunks. A QueryTypeMux is one. */
export interface QueryChunkedDataHandler<J = unknown, I = unknown> {
  queryChunkedData(
    request: QueryChunkedDataRequest<J>,
    writer: ChunkedDataWriter,
    ctx: RequestContext<J, I>,
  ): Promise<void> | void;
}

export type ChunkSink = (chunk: DeepPartial<pb.QueryChunkedDataResponse>) => Promise<void>;

/** The Go SDK's chunked data writer: encodes frames in `format` and hands each chunk to `send`. */
export function createChunkedDataWriter(
  format: DataFrameFormat,
  send: ChunkSink,
): ChunkedDataWriter {
  /** `${refId}\0${frameId}` → the structure of the frame's first chunk. */
  const sent = new Map<string, string>();
  return {
    async writeFrame(refId, frameId, frame) {
      if (!refId) throw new PluginError("writeFrame: missing refId", { source: "plugin" });
      if (!frameId) throw new PluginError("writeFrame: missing frame id", { source: "plugin" });
      frame.refId = refId;
      const key = `${refId}\0${frameId}`;
      const shape = frameShape(frame);
      const first = sent.get(key);
      if (first !== undefined && first !== shape)
        throw new PluginError(
          `writeFrame: frame "${frameId}" of query ${refId} was first sent with fields ${first}; a later chunk has ${shape}`,
          { source: "plugin" },
        );
      const bytes = encodeFrame(frame, format, first === undefined ? "all" : "data");
      sent.set(key, shape);
      await send({ refId, frameId, frame: bytes, status: 200, format });
    },
    async writeError(refId, error, status, source) {
      if (!refId) throw new PluginError("writeError: missing refId", { source: "plugin" });
      const described = describeError(error);
      await send({
        refId,
        status: status ?? described.status,
        error: described.message,
        errorSource:
          source ??
          (error instanceof Error || status === undefined
            ? described.source
            : errorSourceFromHttpStatus(status)),
      });
    },
  };
}

/**
 * Field names and types (nullability included: Go's nullable types are other
 * types, and a reader appends each chunk's columns to the first's), which
 * later chunks of a frame must repeat.
 */
function frameShape(frame: Frame): string {
  const field = (f: Frame["fields"][number]) =>
    `${f.name || "?"} ${f.nullable ? "nullable " : ""}${f.type}`;
  return `[${frame.fields.map(field).join(", ")}]`;
}

/** The Go SDK's answer when a plugin has no chunked handler: one chunk with status 501. */
export const NOT_IMPLEMENTED_CHUNK: DeepPartial<pb.QueryChunkedDataResponse> = { status: 501 };
