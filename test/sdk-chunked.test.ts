// QueryChunkedData and DataFrameFormat through the SDK, over a real gRPC
// server: frames streamed in chunks (schema once, rows appended), JSON or
// Arrow as the request asks, errors per query, the QueryTypeMux's chunked
// handlers and its fallback to QueryData handlers, and the Go SDK's 501 when
// a plugin has no chunked handler.
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { DataFrameFormat, type QueryChunkedDataResponse } from "../output/pluginv2/backend.js";
import { createLogger } from "../runtime/index.js";
import {
  float64Field,
  frameFromArrow,
  frameFromJSON,
  newFrame,
  timeField,
  type Frame,
} from "../runtime/frames/index.js";
import {
  createPlugin,
  PluginError,
  QueryTypeMux,
  startTestServer,
  type PluginOptions,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const logger = createLogger({ write: () => {} });

async function serve(options: PluginOptions) {
  server = await startTestServer(protocol, createPlugin({ logger, metrics: false, ...options }));
  return server.clients.data;
}

async function chunksOf(
  format: DataFrameFormat,
  queries: { refId: string; queryType?: string }[],
  options: PluginOptions,
): Promise<QueryChunkedDataResponse[]> {
  const data = await serve(options);
  const chunks: QueryChunkedDataResponse[] = [];
  for await (const chunk of data.queryChunkedData({ queries, format })) chunks.push(chunk);
  return chunks;
}

const series = (from: number, values: number[]): Frame =>
  newFrame(
    "series",
    timeField(
      "time",
      values.map((_, i) => from + i * 1000),
    ),
    float64Field("value", values),
  );

/** Two chunks of one frame: rows 1..3, then rows 4..5. */
const twoChunks: PluginOptions["queryChunkedData"] = async (request, writer) => {
  for (const query of request.queries) {
    await writer.writeFrame(query.refId, "walk", series(0, [1, 2, 3]));
    await writer.writeFrame(query.refId, "walk", series(3000, [4, 5]));
  }
};

describe("QueryChunkedData", () => {
  it("streams a frame in chunks: Arrow chunks each decode to their rows", async () => {
    const chunks = await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryChunkedData: twoChunks,
    });
    expect(chunks.map((c) => [c.refId, c.frameId, c.status, c.format, c.error])).toEqual([
      ["A", "walk", 200, DataFrameFormat.ARROW, ""],
      ["A", "walk", 200, DataFrameFormat.ARROW, ""],
    ]);
    const frames = chunks.map((c) => frameFromArrow(c.frame));
    expect(frames.map((f) => f.refId)).toEqual(["A", "A"]);
    expect(
      frames.flatMap((f) => [...Array(f.rowCount()).keys()].map((r) => f.fields[1].get(r))),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it("in JSON, only a frame's first chunk carries the schema", async () => {
    const chunks = await chunksOf(DataFrameFormat.JSON, [{ refId: "A" }, { refId: "B" }], {
      queryChunkedData: twoChunks,
    });
    expect(chunks).toHaveLength(4);
    for (const refId of ["A", "B"]) {
      const [first, later] = chunks.filter((c) => c.refId === refId);
      expect(first.format).toBe(DataFrameFormat.JSON);
      const firstJson = JSON.parse(first.frame.toString("utf8"));
      const laterJson = JSON.parse(later.frame.toString("utf8"));
      expect(Object.keys(firstJson)).toEqual(["schema", "data"]);
      expect(firstJson.schema.refId).toBe(refId);
      expect(Object.keys(laterJson)).toEqual(["data"]);
      expect(laterJson.data.values[1]).toEqual([4, 5]);
      expect(frameFromJSON(first.frame.toString("utf8")).rowCount()).toBe(3);
    }
  });

  it("refuses a later chunk whose fields differ from the frame's first", async () => {
    let refusal: unknown;
    await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        await writer.writeFrame("A", "f", series(0, [1]));
        refusal = await writer
          .writeFrame("A", "f", newFrame("other", float64Field("speed", [1])))
          .catch((e: unknown) => e);
      },
    });
    expect(refusal).toBeInstanceOf(PluginError);
    expect((refusal as Error).message).toBe(
      'writeFrame: frame "f" of query A was first sent with fields [time time, value float64]; a later chunk has [speed float64]',
    );
  });

  it("writeError sends the query's error with status and source", async () => {
    const chunks = await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        await writer.writeError("A", new PluginError("upstream timed out", { status: 504 }));
      },
    });
    expect(chunks.map((c) => [c.refId, c.status, c.error, c.errorSource])).toEqual([
      ["A", 504, "upstream timed out", "downstream"],
    ]);
  });

  it("a handler that throws fails the stream with its status", async () => {
    const data = await serve({
      queryChunkedData: () => {
        throw new PluginError("bad settings", { status: 400 });
      },
    });
    const iterate = async () => {
      for await (const _ of data.queryChunkedData({ queries: [{ refId: "A" }] }));
    };
    await expect(iterate()).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it("without a chunked handler answers one chunk with status 501, as the Go SDK does", async () => {
    const chunks = await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryData: () => ({ responses: {} }),
    });
    expect(chunks.map((c) => c.status)).toEqual([501]);
  });

  it("QueryTypeMux: chunked handlers per type, QueryData handlers as one chunk per frame", async () => {
    const mux = new QueryTypeMux()
      .handle("table", () => [series(0, [7]), series(0, [8, 9])])
      .handle("broken", () => {
        throw new PluginError("no such table", { status: 404 });
      })
      .handleChunked("walk", async (query, writer) => {
        await writer.writeFrame(query.refId, "w", series(0, [1]));
        await writer.writeFrame(query.refId, "w", series(1000, [2]));
      });
    const chunks = await chunksOf(
      DataFrameFormat.ARROW,
      [
        { refId: "W", queryType: "walk" },
        { refId: "T", queryType: "table" },
        { refId: "X", queryType: "broken" },
      ],
      { queryData: mux, queryChunkedData: mux },
    );
    const summary = chunks.map((c) => [c.refId, c.frameId, c.status, c.error]);
    expect(summary.filter(([r]) => r === "W")).toEqual([
      ["W", "w", 200, ""],
      ["W", "w", 200, ""],
    ]);
    expect(summary.filter(([r]) => r === "T")).toEqual([
      ["T", "f0", 200, ""],
      ["T", "f1", 200, ""],
    ]);
    expect(summary.filter(([r]) => r === "X")).toEqual([["X", "", 404, "no such table"]]);
  });

  it("handlers see PluginContext.namespace", async () => {
    let namespace: string | undefined;
    const data = await serve({
      queryData: (request) => {
        namespace = request.pluginContext.namespace;
        return { responses: {} };
      },
    });
    await data.queryData({ pluginContext: { namespace: "stacks-12" }, queries: [] });
    expect(namespace).toBe("stacks-12");
  });
});

describe("QueryData in the format the request asks for", () => {
  it("answers JSON frames (schema and data) with format JSON when asked, Arrow otherwise", async () => {
    const data = await serve({
      queryData: (request) => ({
        responses: Object.fromEntries(
          request.queries.map((q) => [q.refId, { frames: [series(0, [1, 2])] }]),
        ),
      }),
    });
    const json = await data.queryData({ queries: [{ refId: "A" }], format: DataFrameFormat.JSON });
    expect(json.responses.A.format).toBe(DataFrameFormat.JSON);
    const frame = frameFromJSON(json.responses.A.frames[0].toString("utf8"));
    expect([frame.refId, frame.rowCount()]).toEqual(["A", 2]);
    const arrow = await data.queryData({ queries: [{ refId: "A" }] });
    expect(arrow.responses.A.format).toBe(DataFrameFormat.ARROW);
    expect(frameFromArrow(arrow.responses.A.frames[0]).rowCount()).toBe(2);
  });
});
