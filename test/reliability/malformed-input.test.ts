// Malformed requests, sent with a raw HTTP/2 client (test/support/raw-grpc.ts)
// onto a real plugin process's socket: every framing case a gRPC library
// would never produce, invalid UTF-8 in a string field of every request, and
// RELIABILITY_FUZZ_BODIES (default 1,000) mutated bodies per method of every
// service. Each call ends with a status (or, for a request that still decodes,
// the plugin's answer); the connection and the plugin stay healthy.
//
// "As grpc-go gives": the same cases go to the Go interop plugin
// (test/interop/goplugin, grpc-go 1.64.1 from go-plugin 1.8's tree), and its
// status must equal ours, except where a case below says why not.
import { status } from "@grpc/grpc-js";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import * as pb from "../../output/pluginv2/backend.js";
import { startPlugin, type HostedPlugin } from "../../runtime/index.js";
import { mutateBytes, seededRandom } from "../support/byte-mutations.js";
import { buildGoInterop } from "../support/go-interop.js";
import {
  connectRawGrpc,
  grpcFrame,
  type RawAnswer,
  type RawCall,
  type RawGrpcConnection,
} from "../support/raw-grpc.js";
import { fixtureBundler, isAlive } from "../support/runtime-helpers.js";
import { QUERY_DATA_WIRE_CASES } from "../support/wire-cases.js";

const FUZZ_BODIES = Number(process.env.RELIABILITY_FUZZ_BODIES ?? 1_000);
const CONCURRENCY = 32;

const fixtures = fixtureBundler();
const goBuild = await buildGoInterop("1.8.0");
if (!goBuild.ok)
  console.warn(`reliability/malformed-input: no grpc-go comparison: ${goBuild.reason}`);

interface Peer {
  plugin: HostedPlugin;
  raw: RawGrpcConnection;
}
let ts: Peer;
let go: Peer | undefined;

async function peer(executable: string): Promise<Peer> {
  const plugin = await startPlugin({ executable, protocol, onLog: () => {} });
  return { plugin, raw: await connectRawGrpc(plugin.handshake.address) };
}

beforeAll(async () => {
  ts = await peer(await fixtures.bundle("reliability-plugin"));
  if (goBuild.ok) go = await peer(goBuild.pluginPath);
}, 300_000);

afterAll(async () => {
  for (const p of [ts, go]) {
    await p?.raw.close();
    await p?.plugin.kill();
  }
  await fixtures.cleanup();
});

/** A marker in every seed's pluginId, replaced by invalid UTF-8 of the same length. */
const UTF8_MARKER = "utf8-mark";
const pluginContext = {
  orgId: 1n,
  pluginId: UTF8_MARKER,
  pluginVersion: "1.0.0",
  user: { login: "admin", name: "Admin", email: "admin@example.com", role: "Admin" },
  dataSourceInstanceSettings: {
    id: 7n,
    uid: "ds-uid",
    name: "fuzzed",
    url: "http://localhost:3000",
    jsonData: Buffer.from('{"a":1}'),
    decryptedSecureJsonData: { password: "pw" },
    lastUpdatedMS: 1_700_000_000_000n,
  },
  grafanaConfig: { GF_APP_URL: "http://localhost:3000" },
  userAgent: "Grafana/12.0.0",
};
const headers = { Authorization: "Bearer x", "X-Grafana-Org-Id": "1" };
const queries = [
  {
    refId: "A",
    maxDataPoints: 100n,
    intervalMS: 1000n,
    timeRange: { fromEpochMS: 1_700_000_000_000n, toEpochMS: 1_700_000_060_000n },
    json: Buffer.from('{"refId":"A","seriesCount":2}'),
    queryType: "random",
  },
];
const streamRequest = { pluginContext, path: "live/1", data: Buffer.from("{}"), headers };

interface Method {
  service: string;
  path: string;
  seed: Uint8Array;
  /** Server streams that keep sending once they accepted a request. */
  endless?: boolean;
}

const encode =
  <T>(codec: { fromPartial(o: object): T; encode(m: T): { finish(): Uint8Array } }) =>
  (partial: object) =>
    codec.encode(codec.fromPartial(partial)).finish();

const METHODS: Method[] = [
  ["Diagnostics", "CheckHealth", encode(pb.CheckHealthRequest)({ pluginContext, headers })],
  ["Diagnostics", "CollectMetrics", encode(pb.CollectMetricsRequest)({ pluginContext })],
  ["Data", "QueryData", encode(pb.QueryDataRequest)({ pluginContext, headers, queries })],
  [
    "Data",
    "QueryChunkedData",
    encode(pb.QueryChunkedDataRequest)({ pluginContext, headers, queries }),
  ],
  [
    "Resource",
    "CallResource",
    encode(pb.CallResourceRequest)({
      pluginContext,
      path: "things/1",
      method: "POST",
      url: "/things/1?x=1",
      headers: { Accept: { values: ["application/json"] } },
      body: Buffer.from('{"name":"thing"}'),
    }),
  ],
  ["Stream", "SubscribeStream", encode(pb.SubscribeStreamRequest)(streamRequest)],
  ["Stream", "RunStream", encode(pb.RunStreamRequest)(streamRequest)],
  ["Stream", "PublishStream", encode(pb.PublishStreamRequest)(streamRequest)],
  [
    "AdmissionControl",
    "ValidateAdmission",
    encode(pb.AdmissionRequest)({
      pluginContext,
      operation: pb.AdmissionRequest_Operation.CREATE,
      kind: { group: "g", version: "v1", kind: "K" },
      objectBytes: Buffer.from("{}"),
    }),
  ],
  [
    "ResourceConversion",
    "ConvertObjects",
    encode(pb.ConversionRequest)({
      pluginContext,
      uid: "u",
      objects: [{ raw: Buffer.from("{}"), contentType: "application/json" }],
      targetVersion: { group: "g", version: "v2" },
    }),
  ],
].map(([service, name, seed]) => ({
  service: service as string,
  path: `/pluginv2.${service}/${name}`,
  seed: seed as Uint8Array,
  endless: name === "RunStream",
}));
/** The services the Go plugin registers (it answers the others UNIMPLEMENTED without decoding). */
const GO_SERVICES = new Set(["Diagnostics", "Data", "Resource", "Stream"]);

const QUERY_DATA = "/pluginv2.Data/QueryData";
const valid = grpcFrame(encode(pb.QueryDataRequest)({ queries: [{ refId: "A" }] }));
const validPayload = valid.subarray(5);

interface FramingCase {
  name: string;
  call: RawCall;
  /** Our answer: a gRPC status, or an HTTP status / stream reset below gRPC. */
  expected: { grpcStatus?: status; httpStatus?: number; rstCode?: number };
  /** Where grpc-go (in a go-plugin binary) answers otherwise, its answer and why. */
  goDiffers?: { grpcStatus: status; why: string };
  /** Where the plugin served by grpc-js (GF_PLUGIN_TS_GRPC_SERVER=grpc-js) answers otherwise. */
  grpcJsDiffers?: { grpcStatus: status; why: string };
}

/** The server the plugin runs on: serve()'s default unless the environment picks grpc-js. */
const onGrpcJs = process.env.GF_PLUGIN_TS_GRPC_SERVER === "grpc-js";

const FRAMING: FramingCase[] = [
  {
    name: "a valid request (control)",
    call: { path: QUERY_DATA, body: valid },
    expected: { grpcStatus: status.OK },
  },
  {
    name: "no message at all",
    call: { path: QUERY_DATA, body: Buffer.alloc(0) },
    expected: { grpcStatus: status.UNKNOWN },
  },
  {
    name: "half a message header",
    call: { path: QUERY_DATA, body: valid.subarray(0, 3) },
    expected: { grpcStatus: status.UNKNOWN },
  },
  {
    name: "a message truncated (length 10 bytes past the body)",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { length: validPayload.length + 10 }) },
    expected: { grpcStatus: status.UNKNOWN },
  },
  {
    name: "a wrong length (3 bytes short: the rest is a broken second message)",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { length: validPayload.length - 3 }) },
    expected: { grpcStatus: status.INTERNAL },
  },
  {
    name: "two messages to a unary method",
    call: { path: QUERY_DATA, body: Buffer.concat([valid, valid]) },
    expected: { grpcStatus: status.INTERNAL },
    goDiffers: {
      grpcStatus: status.OK,
      why: "grpc-go 1.64 reads the first message and ignores the rest",
    },
  },
  {
    name: "length 0xFFFFFFFF",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { length: 0xffffffff }) },
    expected: { grpcStatus: status.RESOURCE_EXHAUSTED },
  },
  {
    name: "compressed flag with grpc-encoding identity",
    call: {
      path: QUERY_DATA,
      body: grpcFrame(validPayload, { flag: 1 }),
      headers: { "grpc-encoding": "identity" },
    },
    expected: { grpcStatus: status.INTERNAL },
  },
  {
    name: "compressed flag without grpc-encoding",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { flag: 1 }) },
    expected: { grpcStatus: status.INTERNAL },
  },
  {
    name: "a flag byte of 2",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { flag: 2 }) },
    expected: { grpcStatus: status.INTERNAL },
  },
  {
    name: "a flag byte of 0xFF",
    call: { path: QUERY_DATA, body: grpcFrame(validPayload, { flag: 0xff }) },
    expected: { grpcStatus: status.INTERNAL },
  },
  {
    name: "gzip that is not gzip",
    call: {
      path: QUERY_DATA,
      body: grpcFrame(Buffer.from("not gzip at all"), { flag: 1 }),
      headers: { "grpc-encoding": "gzip" },
    },
    expected: { grpcStatus: status.INTERNAL },
    goDiffers: {
      grpcStatus: status.UNIMPLEMENTED,
      why: "a go-plugin binary registers no gzip decompressor",
    },
  },
  {
    name: "valid gzip (control: the plugin decompresses gzip)",
    call: {
      path: QUERY_DATA,
      body: grpcFrame(gzipSync(validPayload), { flag: 1 }),
      headers: { "grpc-encoding": "gzip" },
    },
    expected: { grpcStatus: status.OK },
    goDiffers: {
      grpcStatus: status.UNIMPLEMENTED,
      why: "a go-plugin binary registers no gzip decompressor",
    },
  },
  {
    name: "an unknown grpc-encoding on a compressed message",
    call: {
      path: QUERY_DATA,
      body: grpcFrame(validPayload, { flag: 1 }),
      headers: { "grpc-encoding": "br" },
    },
    expected: { grpcStatus: status.UNIMPLEMENTED },
  },
  {
    name: "an unknown grpc-encoding on an uncompressed message",
    call: { path: QUERY_DATA, body: valid, headers: { "grpc-encoding": "snappy" } },
    expected: { grpcStatus: status.UNIMPLEMENTED },
  },
  {
    name: "an unknown method",
    call: { path: "/pluginv2.Data/QueryEverything", body: valid },
    expected: { grpcStatus: status.UNIMPLEMENTED },
  },
  {
    name: "an unknown service",
    call: { path: "/pluginv2.Nothing/QueryData", body: valid },
    expected: { grpcStatus: status.UNIMPLEMENTED },
  },
  {
    name: "a path that is not /service/method",
    call: { path: "QueryData", body: valid },
    // Node's HTTP/2 layer resets the stream (PROTOCOL_ERROR) before the gRPC server sees it.
    expected: { rstCode: 1 },
    goDiffers: {
      grpcStatus: status.UNIMPLEMENTED,
      why: "grpc-go's transport passes the path on and answers malformed method name",
    },
  },
  ...["abc", "1X", "", "S"].map((timeout) => ({
    name: `grpc-timeout "${timeout}"`,
    call: { path: QUERY_DATA, body: valid, headers: { "grpc-timeout": timeout } },
    expected: { grpcStatus: status.INTERNAL },
  })),
  ...["1.5S", "123456789S"].map((timeout) => ({
    name: `grpc-timeout "${timeout}"`,
    call: { path: QUERY_DATA, body: valid, headers: { "grpc-timeout": timeout } },
    expected: { grpcStatus: status.INTERNAL },
    grpcJsDiffers: {
      grpcStatus: status.OK,
      why: "grpc-js parses grpc-timeout in its call constructor, before any interceptor, with an unanchored pattern (it reads 5S, and more than 8 digits)",
    },
  })),
  {
    name: "content-type application/json",
    call: { path: QUERY_DATA, body: valid, headers: { "content-type": "application/json" } },
    expected: { httpStatus: 415 },
  },
];

function expectAnswer(answer: RawAnswer, expected: FramingCase["expected"], who: string): void {
  const seen = {
    grpcStatus: answer.grpcStatus,
    httpStatus: answer.httpStatus,
    rstCode: answer.rstCode,
  };
  expect(seen, `${who}: ${answer.grpcMessage}`).toMatchObject(expected);
}

async function expectHealthy(peerToCheck: Peer): Promise<void> {
  expect(isAlive(peerToCheck.plugin.pid)).toBe(true);
  expect(peerToCheck.raw.session.closed || peerToCheck.raw.session.destroyed).toBe(false);
  const answer = await peerToCheck.raw.call({
    path: "/pluginv2.Diagnostics/CheckHealth",
    body: grpcFrame(encode(pb.CheckHealthRequest)({})),
  });
  expect(answer.grpcStatus).toBe(status.OK);
}

describe("malformed framing, each answered as grpc-go answers it", () => {
  it.each(FRAMING)("$name", async ({ call, expected, goDiffers, grpcJsDiffers }) => {
    const ours = onGrpcJs && grpcJsDiffers ? { grpcStatus: grpcJsDiffers.grpcStatus } : expected;
    expectAnswer(await ts.raw.call(call), ours, "ours");
    if (go) {
      const theirs = await go.raw.call(call);
      // The gRPC status (grpc-go adds HTTP 400 to a bad grpc-timeout), or the HTTP status of a 415.
      if (expected.httpStatus)
        expect(theirs.httpStatus, theirs.grpcMessage).toBe(expected.httpStatus);
      else
        expect(theirs.grpcStatus, `grpc-go: ${theirs.grpcMessage}`).toBe(
          goDiffers ? goDiffers.grpcStatus : expected.grpcStatus,
        );
    }
    await expectHealthy(ts);
  });
});

describe("invalid UTF-8 in a string field", () => {
  it.each(METHODS)("$path: INTERNAL", async ({ path, seed, service }) => {
    const marker = Buffer.from(UTF8_MARKER);
    const at = Buffer.from(seed).indexOf(marker);
    expect(at).toBeGreaterThan(0);
    const broken = Buffer.from(seed);
    broken.fill(0xff, at, at + marker.length);
    const call = { path, body: grpcFrame(broken) };
    expect((await ts.raw.call(call)).grpcStatus).toBe(status.INTERNAL);
    if (go && GO_SERVICES.has(service))
      expect((await go.raw.call(call)).grpcStatus).toBe(status.INTERNAL);
  });
});

/** Whether the request was rejected as undecodable (the transport's INTERNAL, before any handler). */
const rejected = (answer: RawAnswer) =>
  answer.grpcStatus === status.INTERNAL && answer.messages === 0;

describe("wire-format edge cases (test/support/wire-cases.ts), as QueryData", () => {
  it.each(QUERY_DATA_WIRE_CASES)("$name", async ({ bytes, goRejects }) => {
    const call = { path: QUERY_DATA, body: grpcFrame(Uint8Array.from(bytes)) };
    const ours = await ts.raw.call(call);
    expect(rejected(ours), `ours: ${ours.grpcStatus} ${ours.grpcMessage}`).toBe(goRejects);
    if (go) {
      const theirs = await go.raw.call(call);
      expect(rejected(theirs), `grpc-go: ${theirs.grpcStatus} ${theirs.grpcMessage}`).toBe(
        goRejects,
      );
    }
  });
});

async function fuzz(peerToFuzz: Peer, method: Method, bodies: Uint8Array[]): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = new Array(bodies.length);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      answers[i] = await peerToFuzz.raw.call({
        path: method.path,
        body: grpcFrame(bodies[i]),
        resetAfterMessages: method.endless ? 1 : undefined,
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

/** Bodies grpc-go rejects as malformed and we decode anyway (the last test expects none). */
const acceptedThoughGoRejects: string[] = [];

describe(`${FUZZ_BODIES} fuzzed bodies per method`, () => {
  const services = [...new Set(METHODS.map((m) => m.service))];
  it.each(services)(
    "pluginv2.%s: every call answered, nothing grpc-go accepts rejected",
    async (service) => {
      for (const [index, method] of METHODS.entries()) {
        if (method.service !== service) continue;
        const random = seededRandom(1000 + index);
        const bodies = Array.from({ length: FUZZ_BODIES }, () => mutateBytes(method.seed, random));
        const ours = await fuzz(ts, method, bodies);
        // Every call ended: with a gRPC status, or (an endless stream) after its first answer.
        const unanswered = ours.filter((a) => a.grpcStatus === undefined && !a.reset);
        expect(unanswered, method.path).toEqual([]);
        let summary = `${method.path}: ${FUZZ_BODIES} bodies, ${ours.filter(rejected).length} rejected as malformed`;
        if (go && GO_SERVICES.has(service)) {
          const theirs = await fuzz(go, method, bodies);
          const describe = (i: number) =>
            `${method.path} #${i} ${Buffer.from(bodies[i]).toString("hex")}: ours ${ours[i].grpcStatus} ${ours[i].grpcMessage}; grpc-go ${theirs[i].grpcStatus} ${theirs[i].grpcMessage}`;
          const tooStrict = bodies.flatMap((_, i) =>
            rejected(ours[i]) && !rejected(theirs[i]) ? [describe(i)] : [],
          );
          expect(tooStrict, method.path).toEqual([]);
          const lenient = bodies.flatMap((_, i) =>
            !rejected(ours[i]) && rejected(theirs[i]) ? [describe(i)] : [],
          );
          acceptedThoughGoRejects.push(...lenient);
          summary += `; grpc-go rejected ${theirs.filter(rejected).length}`;
        }
        console.log(summary);
      }
      await expectHealthy(ts);
    },
    300_000,
  );

  // ts-proto's generated decoders alone stop quietly at a tag 0 or an
  // end-group tag, accept field number 0, and do not check that a nested
  // message ends where its length says; protobuf-go rejects all of these as
  // "cannot parse invalid wire-format data". The strict wire walk the
  // generator emits tables for (output/wire-check.ts, wire-tables.ts; unit
  // cases in test/generator-wire-check.test.ts) runs before them.
  (goBuild.ok ? it : it.skip)(
    "every body grpc-go rejects as malformed is rejected here too",
    () => {
      console.log(
        `${acceptedThoughGoRejects.length} fuzzed bodies decoded here that grpc-go rejects, e.g.\n${acceptedThoughGoRejects.slice(0, 3).join("\n")}`,
      );
      expect(acceptedThoughGoRejects).toEqual([]);
    },
  );
});
