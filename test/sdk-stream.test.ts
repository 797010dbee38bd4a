// Streams over a real grpc-js server: subscribe with initial frame data,
// publish, RunStream packets (JSON and frames), back-pressure, cancellation.
import { afterEach, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { float64Field, frameFromJSON, newFrame, timeField } from "../runtime/frames/index.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  frameToStreamJSON,
  PublishStreamStatus,
  subscribeOk,
  SubscribeStreamStatus,
  startTestServer,
  type StreamHandler,
  type TestServer,
} from "../runtime/sdk/index.js";

let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const quiet = createLogger({ write: () => {} });
const frame = (v: number) =>
  newFrame("live", timeField("time", [1_700_000_000_000]), float64Field("v", [v]));

async function serveStream(stream: StreamHandler) {
  server = await startTestServer(protocol, createPlugin({ stream, logger: quiet, metrics: false }));
  return server.clients.stream;
}

describe("streams", () => {
  it("subscribes with an initial schema frame and rewrites published data", async () => {
    const client = await serveStream({
      subscribeStream: (req) =>
        req.path === "ok"
          ? subscribeOk(frame(0))
          : { status: SubscribeStreamStatus.PERMISSION_DENIED },
      publishStream: (req) => ({
        status: PublishStreamStatus.OK,
        data: { got: JSON.parse(req.data.toString()) },
      }),
    });
    const ok = await client.subscribeStream({ path: "ok" });
    expect(ok.status).toBe(SubscribeStreamStatus.OK);
    expect(frameFromJSON(ok.data.toString()).fields.map((f) => f.name)).toEqual(["time", "v"]);
    expect((await client.subscribeStream({ path: "other" })).status).toBe(
      SubscribeStreamStatus.PERMISSION_DENIED,
    );
    const pub = await client.publishStream({ path: "ok", data: Buffer.from('{"x":1}') });
    expect(JSON.parse(pub.data.toString())).toEqual({ got: { x: 1 } });
  });

  it("sends JSON, frame and raw packets in order and ends when the handler returns", async () => {
    const client = await serveStream({
      async runStream(_req, sender) {
        await sender.sendJSON({ hello: 1 });
        await sender.sendFrame(frame(1));
        await sender.sendFrame(frame(2), "data");
        await sender.sendBytes("raw");
      },
    });
    const packets: string[] = [];
    for await (const p of client.runStream({ path: "x" })) packets.push(p.data.toString());
    expect(packets[0]).toBe('{"hello":1}');
    expect(frameFromJSON(packets[1]).fields[1].get(0)).toBe(1);
    expect(JSON.parse(packets[2])).toEqual({ data: { values: [[1_700_000_000_000], [2]] } });
    expect(packets[3]).toBe("raw");
  });

  it("stops a sending loop when Grafana cancels: the signal aborts and send rejects", async () => {
    let sent = 0;
    let ended!: (how: string) => void;
    const end = new Promise<string>((r) => (ended = r));
    const client = await serveStream({
      async runStream(_req, sender, ctx) {
        ctx.signal.addEventListener("abort", () => ended("aborted"));
        try {
          for (;;) {
            await sender.sendJSON({ n: sent++ }); // never sleeps: only back-pressure paces it
          }
        } catch (error) {
          ended(`send rejected: ${(error as Error).name}`);
        }
      },
    });
    const stream = client.runStream({ path: "x" });
    let received = 0;
    for await (const _ of stream) if (++received === 5) break;
    expect(await end).toMatch(/aborted|send rejected: AbortError/);
    // Back-pressure: the producer ran at most a few packets ahead of the reader.
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toBeLessThan(received + 100);
  });

  it("reports a RunStream that throws as a gRPC error with its message", async () => {
    const client = await serveStream({
      async runStream(_req, sender) {
        await sender.sendJSON(1);
        throw new Error("feed went away");
      },
    });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const p of client.runStream({ path: "x" })) got.push(p.data.toString());
      })(),
    ).rejects.toThrow("feed went away");
    expect(got).toEqual(["1"]);
  });

  it("writes schema-only and data-only frame JSON", () => {
    const f = newFrame({ name: 'a "quoted" {name}' }, float64Field("v", [1.5]));
    expect(JSON.parse(frameToStreamJSON(f, "schema"))).toEqual({
      schema: {
        name: 'a "quoted" {name}',
        fields: [{ name: "v", type: "number", typeInfo: { frame: "float64" } }],
      },
    });
    expect(JSON.parse(frameToStreamJSON(f, "data"))).toEqual({ data: { values: [[1.5]] } });
  });
});
