// A handler that never answers, under a 1 s deadline, in a real plugin
// process: the plugin itself (not the caller's own timer) answers
// DEADLINE_EXCEEDED within 1.1 s of the request, and the handler's ctx.signal
// aborts with a reason that says "deadline". The calls go through the raw
// HTTP/2 client with a grpc-timeout header and no timer of their own, so only
// the server can end them; one more goes through the typed client as Grafana
// calls, with a deadline.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import * as pb from "../../output/pluginv2/backend.js";
import { startPlugin, type HostedPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { connectRawGrpc, grpcFrame, type RawGrpcConnection } from "../support/raw-grpc.js";
import { fixtureBundler, waitUntil } from "../support/runtime-helpers.js";

/** The bound: 1 s deadline, answered within 1.1 s. */
const DEADLINE_MS = 1_000;
const ANSWERED_WITHIN_MS = 1_100;

const hang = grpcFrame(
  pb.QueryDataRequest.encode(
    pb.QueryDataRequest.fromPartial({
      queries: [{ refId: "H", json: Buffer.from('{"behaviour":"hang"}') }],
    }),
  ).finish(),
);
const fixtures = fixtureBundler();
let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;
let raw: RawGrpcConnection;
const logs: PluginLogEntry[] = [];

beforeAll(async () => {
  plugin = await startPlugin({
    executable: await fixtures.bundle("reliability-plugin"),
    protocol,
    onLog: (entry) => logs.push(entry),
  });
  raw = await connectRawGrpc(plugin.handshake.address);
  // First calls compile the code paths they take; the bound is about the deadline, not the JIT.
  await raw.call({
    path: "/pluginv2.Data/QueryData",
    body: hang,
    headers: { "grpc-timeout": "50m" },
  });
  await plugin.clients.data
    .queryData(
      { queries: [{ refId: "H", json: Buffer.from('{"behaviour":"hang"}') }] },
      { deadline: Date.now() + 50 },
    )
    .catch(() => {});
}, 120_000);

afterAll(async () => {
  await raw?.close();
  await plugin?.kill();
  await fixtures.cleanup();
});

const abortLogs = () => logs.filter((l) => l.message === "handler aborted");

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

describe("deadlines", () => {
  it("a hung QueryData under grpc-timeout 1S: DEADLINE_EXCEEDED from the plugin within 1.1 s, signal reason says deadline", async () => {
    const before = abortLogs().length;
    const { result, ms } = await timed(() =>
      raw.call({
        path: "/pluginv2.Data/QueryData",
        body: hang,
        headers: { "grpc-timeout": "1S" },
      }),
    );
    expect(result.grpcStatus, result.grpcMessage).toBe(status.DEADLINE_EXCEEDED);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(await waitUntil(() => abortLogs().length > before, 2_000)).toBeDefined();
    expect(abortLogs()[before].fields.reason).toBe("/pluginv2.Data/QueryData passed its deadline");
  });

  it("20 hung calls at once: every one answered DEADLINE_EXCEEDED within 1.1 s", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        timed(() =>
          raw.call({
            path: "/pluginv2.Data/QueryData",
            body: hang,
            headers: { "grpc-timeout": "1000m" },
          }),
        ),
      ),
    );
    expect(new Set(answers.map((a) => a.result.grpcStatus))).toEqual(
      new Set([status.DEADLINE_EXCEEDED]),
    );
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(ANSWERED_WITHIN_MS);
  });

  it("a RunStream under grpc-timeout 1S: packets, then DEADLINE_EXCEEDED within 1.1 s, handler aborted", async () => {
    const streams = async () =>
      JSON.parse(
        (
          await plugin.clients.resource
            .callResource({ path: "streams" })
            [Symbol.asyncIterator]()
            .next()
        ).value!.body.toString("utf8"),
      ) as { started: number; running: number; endedAborted: number };
    const before = await streams();
    const { result, ms } = await timed(() =>
      raw.call({
        path: "/pluginv2.Stream/RunStream",
        body: grpcFrame(
          pb.RunStreamRequest.encode(pb.RunStreamRequest.fromPartial({ path: "d" })).finish(),
        ),
        headers: { "grpc-timeout": "1S" },
      }),
    );
    expect(result.grpcStatus, result.grpcMessage).toBe(status.DEADLINE_EXCEEDED);
    expect(result.messages).toBeGreaterThan(10);
    expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
    let after = before;
    expect(
      await waitUntil(() => {
        void streams().then((s) => (after = s));
        return after.endedAborted > before.endedAborted;
      }, 2_000),
    ).toBeDefined();
    expect(after.running).toBe(0);
  });

  it("through the typed client with a 1 s deadline, as Grafana calls", async () => {
    const before = abortLogs().length;
    const { result: error, ms } = await timed(() =>
      plugin.clients.data
        .queryData(
          { queries: [{ refId: "H", json: Buffer.from('{"behaviour":"hang"}') }] },
          { deadline: Date.now() + DEADLINE_MS },
        )
        .then(
          () => undefined,
          (e: { code?: number }) => e,
        ),
    );
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(await waitUntil(() => abortLogs().length > before, 2_000)).toBeDefined();
    expect(String(abortLogs()[before].fields.reason)).toContain("deadline");
  });
});
