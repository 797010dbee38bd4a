// QueryChunkedData and DataFrameFormat through the SDK, over a real gRPC
// server: frames streamed in chunks (schema once, rows appended), JSON or
// Arrow as the request asks, errors per query, the QueryTypeMux's chunked
// handlers and its fallback to QueryData handlers, and the Go SDK's 501 when
// a plugin has no chunked handler.
import { status } from "@grpc/grpc-js";
import { Registry } from "prom-client";
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
  downstreamError,
  PluginError,
  QueryTypeMux,
  REQUEST_TOTAL,
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
/** A frame format this SDK does not know (a newer Grafana might ask for one). */
const FUTURE_FORMAT = 7 as DataFrameFormat;

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

  it("JSON chunks reassemble into the whole frame: the first chunk's schema, every chunk's rows", async () => {
    const chunks = await chunksOf(DataFrameFormat.JSON, [{ refId: "A" }], {
      queryChunkedData: twoChunks,
    });
    const [first, ...later] = chunks.map((c) => JSON.parse(c.frame.toString("utf8")));
    const values = [first, ...later].map((c) => c.data.values as unknown[][]);
    const columns = values[0].map((_, f) => values.flatMap((v) => v[f]));
    const whole = frameFromJSON(
      JSON.stringify({ schema: first.schema, data: { values: columns } }),
    );
    expect(whole.fields.map((f) => [f.name, f.type])).toEqual([
      ["time", "time"],
      ["value", "float64"],
    ]);
    const rows = [...Array(whole.rowCount()).keys()];
    expect(rows.map((r) => whole.fields[1].get(r))).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r) => whole.fields[0].get(r))).toEqual(
      [0n, 1n, 2n, 3n, 4n].map((s) => s * 1_000_000_000n), // nanoseconds
    );
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

  it("refuses a later chunk that makes a field nullable (another type to Go's reader)", async () => {
    let refusal: unknown;
    await chunksOf(DataFrameFormat.JSON, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        await writer.writeFrame("A", "f", newFrame("", float64Field("value", [1])));
        const withNull = newFrame("", float64Field("value", [null], { nullable: true }));
        refusal = await writer.writeFrame("A", "f", withNull).catch((e: unknown) => e);
      },
    });
    expect((refusal as Error).message).toBe(
      'writeFrame: frame "f" of query A was first sent with fields [value float64]; a later chunk has [value nullable float64]',
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

  it("writeError: a bare message takes its source from the status; a given source wins", async () => {
    let missing: unknown;
    const chunks = await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        await writer.writeError("A", "rate limited", 429);
        await writer.writeError("B", "bad query", 400, "plugin");
        await writer.writeError("C", downstreamError(new Error("connection refused")));
        missing = await writer.writeError("", "lost").catch((e: unknown) => e);
      },
    });
    expect(chunks.map((c) => [c.refId, c.status, c.error, c.errorSource])).toEqual([
      ["A", 429, "rate limited", "downstream"],
      ["B", 400, "bad query", "plugin"],
      ["C", 502, "connection refused", "downstream"],
    ]);
    expect((missing as Error).message).toBe("writeError: missing refId");
  });

  it("writeFrame refuses a frame without refId or frame id, naming which", async () => {
    const refusals: string[] = [];
    await chunksOf(DataFrameFormat.ARROW, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        for (const [refId, frameId] of [
          ["", "f"],
          ["A", ""],
        ])
          await writer
            .writeFrame(refId, frameId, series(0, [1]))
            .catch((e: Error) => refusals.push(e.message));
      },
    });
    expect(refusals).toEqual(["writeFrame: missing refId", "writeFrame: missing frame id"]);
  });

  it("an unknown frame format is refused with a message naming it", async () => {
    let refusal: unknown;
    await chunksOf(FUTURE_FORMAT, [{ refId: "A" }], {
      queryChunkedData: async (_request, writer) => {
        refusal = await writer.writeFrame("A", "f", series(0, [1])).catch((e: unknown) => e);
      },
    });
    expect((refusal as Error).message).toBe("unsupported data frame format 7");
  });

  it("error chunks are logged with refId, status and source, and count the call as an error", async () => {
    const lines: any[] = [];
    const registry = new Registry();
    const data = await serve({
      logger: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
      metrics: { registry, defaultMetrics: false },
      queryChunkedData: async (_request, writer) => {
        await writer.writeFrame("A", "f", series(0, [1]));
        await writer.writeError("B", new PluginError("no such table", { status: 404 }));
      },
    });
    for await (const _ of data.queryChunkedData({ queries: [{ refId: "A" }, { refId: "B" }] }));
    // The Go SDK's lines: the failed query, then the call's completion at error level.
    expect(lines.filter((l) => l["@level"] === "error")).toMatchObject([
      {
        "@message": "Partial data response error",
        endpoint: "queryChunkedData",
        refID: "B",
        status: 404,
        statusSource: "downstream",
        error: "no such table",
      },
      {
        "@message": "Plugin Request Completed",
        endpoint: "queryChunkedData",
        status: "error",
        statusSource: "downstream",
      },
    ]);
    expect(await registry.metrics()).toContain(
      `${REQUEST_TOTAL}{endpoint="queryChunkedData",status="error",status_source="downstream"} 1`,
    );
  });

  it("writeFrame rejects once Grafana cancels the call, which ends the handler", async () => {
    let sent = 0;
    let ended: unknown;
    const data = await serve({
      queryChunkedData: async (_request, writer) => {
        try {
          for (;;) {
            await writer.writeFrame("A", "walk", series(sent * 1000, [sent]));
            sent++;
          }
        } catch (error) {
          ended = error;
        }
      },
    });
    const cancel = new AbortController();
    let received = 0;
    await expect(
      (async () => {
        for await (const _ of data.queryChunkedData(
          { queries: [{ refId: "A" }] },
          { signal: cancel.signal },
        ))
          if (++received === 3) cancel.abort();
      })(),
    ).rejects.toMatchObject({ code: status.CANCELLED });
    await expect.poll(() => ended).toBeDefined();
    expect((ended as Error).name).toBe("AbortError");
    // The loop never checks a signal, yet stops: writes wait on gRPC's buffer, then reject.
    expect(sent).toBeLessThan(200);
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

  it("QueryTypeMux: a QueryData handler's error, status and source reach the chunk as QueryData reports them", async () => {
    const mux = new QueryTypeMux()
      .handle("quota", () => ({ error: "quota exceeded", status: 429, errorSource: "plugin" }))
      .handle("gone", () => ({ status: 404 }))
      .handle("bare", () => ({ frames: [series(0, [1])], error: "partial" }));
    const queries = ["quota", "gone", "bare"].map((queryType) => ({ refId: queryType, queryType }));
    const chunks = await chunksOf(DataFrameFormat.ARROW, queries, {
      queryData: mux,
      queryChunkedData: mux,
    });
    const asQueryData = await server!.clients.data.queryData({ queries });
    const report = (r: { status: number; error: string; errorSource: string }) => [
      r.status,
      r.error,
      r.errorSource,
    ];
    const errorChunks = chunks.filter((c) => c.frameId === "");
    expect(Object.fromEntries(errorChunks.map((c) => [c.refId, report(c)]))).toEqual({
      quota: [429, "quota exceeded", "plugin"],
      gone: [404, "", "downstream"],
      bare: report(asQueryData.responses.bare),
    });
    expect(report(asQueryData.responses.quota)).toEqual([429, "quota exceeded", "plugin"]);
    expect(chunks.filter((c) => c.refId === "bare").map((c) => c.frameId)).toEqual(["f0", ""]);
  });

  it("QueryTypeMux: a chunked handler that throws answers its own query; the others still stream", async () => {
    const mux = new QueryTypeMux()
      .handleChunked("walk", async (query, writer) => {
        await writer.writeFrame(query.refId, "w", series(0, [1]));
      })
      .handleChunked("broken", () => {
        throw new PluginError("upstream refused", { status: 503 });
      });
    const chunks = await chunksOf(
      DataFrameFormat.ARROW,
      [
        { refId: "A", queryType: "walk" },
        { refId: "B", queryType: "broken" },
        { refId: "C", queryType: "unknown" },
      ],
      { queryChunkedData: mux },
    );
    const byRef = Object.fromEntries(chunks.map((c) => [c.refId, c]));
    expect([byRef.A.frameId, byRef.A.status]).toEqual(["w", 200]);
    expect([byRef.B.status, byRef.B.error, byRef.B.errorSource]).toEqual([
      503,
      "upstream refused",
      "downstream",
    ]);
    expect([byRef.C.status, byRef.C.error]).toEqual([
      400,
      'no handler for query type "unknown" (this data source handles: none)',
    ]);
  });

  it("handlers see PluginContext.namespace (protocol 2026-04) in the request and ctx", async () => {
    const seen: (string | undefined)[] = [];
    const data = await serve({
      queryData: (request, ctx) => {
        seen.push(request.pluginContext.namespace, ctx.pluginContext.namespace);
        return { responses: {} };
      },
      queryChunkedData: (request, _writer, ctx) => {
        seen.push(request.pluginContext.namespace, ctx.pluginContext.namespace);
      },
    });
    await data.queryData({ pluginContext: { namespace: "stacks-12" }, queries: [] });
    for await (const _ of data.queryChunkedData({ pluginContext: { namespace: "org-3" } }));
    expect(seen).toEqual(["stacks-12", "stacks-12", "org-3", "org-3"]);
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

  it("an unknown format fails each query with a message naming it", async () => {
    const data = await serve({
      queryData: () => ({ responses: { A: { frames: [series(0, [1])] } } }),
    });
    const res = await data.queryData({ queries: [{ refId: "A" }], format: FUTURE_FORMAT });
    expect(res.responses.A).toMatchObject({
      error: "unsupported data frame format 7",
      status: 400,
      errorSource: "plugin",
      frames: [],
    });
  });
});
