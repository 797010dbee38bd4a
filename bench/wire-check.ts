/**
 * What the strict wire walk (output/wire-check.ts with the generated
 * wire-tables.ts) costs on every incoming request: µs per QueryData request
 * body for the walk alone, for ts-proto's decode with the strict-UTF-8
 * reader (the deserializer before the walk), and for the generated
 * deserializer (walk + decode), interleaved per round so machine noise hits
 * all alike.
 *
 * Bodies: a typical one (plugin context with data source settings, two
 * headers, one query; what Grafana sends for a panel) and one with 100
 * queries. Prints per body and set-up the median µs per call over the
 * rounds, the min–max of the rounds, and the walk's share of the
 * deserializer.
 *
 *   npx tsx bench/wire-check.ts [--rounds R] [--batch N]
 */
import { parseArgs } from "node:util";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { DataService } from "../output/pluginv2/backend.grpc.js";
import { QueryDataRequest } from "../output/pluginv2/backend.js";
import { checkWireFormat } from "../output/wire-check.js";
import { wireTables } from "../output/wire-tables.js";
import { median } from "./stats.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "9" },
    batch: { type: "string", default: "20000" },
  },
});
const rounds = Number(values.rounds);
const batch = Number(values.batch);

const query = (refId: string) => ({
  refId,
  maxDataPoints: 1000n,
  intervalMS: 15_000n,
  timeRange: { fromEpochMS: 1_700_000_000_000n, toEpochMS: 1_700_003_600_000n },
  json: Buffer.from(`{"refId":"${refId}","datasource":{"type":"acme","uid":"ds-uid"},"expr":"up"}`),
  queryType: "timeseries",
});
const request = (queries: number) =>
  Buffer.from(
    QueryDataRequest.encode(
      QueryDataRequest.fromPartial({
        pluginContext: {
          orgId: 1n,
          pluginId: "acme-datasource",
          pluginVersion: "1.0.0",
          user: { login: "admin", name: "Admin", email: "admin@example.com", role: "Admin" },
          dataSourceInstanceSettings: {
            id: 7n,
            uid: "ds-uid",
            name: "Acme",
            url: "http://localhost:9090",
            jsonData: Buffer.from('{"timeout":30,"httpMethod":"POST"}'),
            decryptedSecureJsonData: { apiKey: "secret" },
            lastUpdatedMS: 1_700_000_000_000n,
          },
          grafanaConfig: { GF_APP_URL: "http://localhost:3000", concurrent_query_count: "10" },
          userAgent: "Grafana/12.0.0 (linux; amd64)",
        },
        headers: { "http_X-Grafana-Org-Id": "1", "http_X-Dashboard-Uid": "abc" },
        queries: Array.from({ length: queries }, (_, i) =>
          query(String.fromCharCode(65 + (i % 26)) + i),
        ),
      }),
    ).finish(),
  );

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const strictString = (bytes: Uint8Array) => fatalUtf8.decode(bytes);
const table = wireTables["pluginv2.QueryDataRequest"];
const setups: Record<string, (body: Buffer) => unknown> = {
  "walk only": (body) => checkWireFormat(body, table),
  "decode (before)": (body) => QueryDataRequest.decode(new BinaryReader(body, strictString)),
  "walk + decode": (body) => DataService.queryData.requestDeserialize(body),
};

/** µs per call of `fn` over one batch. */
function timeBatch(fn: (body: Buffer) => unknown, body: Buffer, calls: number): number {
  const started = performance.now();
  for (let i = 0; i < calls; i++) fn(body);
  return ((performance.now() - started) * 1000) / calls;
}

for (const [label, body] of [
  ["typical (1 query)", request(1)],
  ["100 queries", request(100)],
] as const) {
  const calls = label === "100 queries" ? Math.max(1, Math.round(batch / 10)) : batch;
  for (const fn of Object.values(setups)) timeBatch(fn, body, calls); // warm-up
  const samples = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++)
    for (const [name, fn] of Object.entries(setups))
      samples.set(name, [...(samples.get(name) ?? []), timeBatch(fn, body, calls)]);
  console.log(
    `QueryDataRequest ${label}, ${body.length} bytes, ${rounds} rounds × ${calls} calls:`,
  );
  for (const [name, perRound] of samples)
    console.log(
      `  ${name.padEnd(16)} ${median(perRound).toFixed(3)} µs  (rounds ${Math.min(...perRound).toFixed(3)}–${Math.max(...perRound).toFixed(3)})`,
    );
  const share = samples
    .get("walk only")!
    .map((walk, i) => walk / samples.get("walk + decode")![i]!);
  console.log(
    `  walk / (walk + decode): ${(median(share) * 100).toFixed(1)} %  (rounds ${(Math.min(...share) * 100).toFixed(1)}–${(Math.max(...share) * 100).toFixed(1)} %)`,
  );
}
