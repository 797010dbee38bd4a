/**
 * What the framing checks (runtime/plugin/grpc-framing-checks.ts, one
 * interceptor on every call) cost: QueryData with one query over an
 * in-process grpc-js server on a unix socket, with and without the
 * interceptor, interleaved per round so machine noise hits both alike.
 *
 * Prints calls/s per set-up (median of the rounds) at concurrency 1 and 16.
 *
 *   npx tsx bench/framing-checks.ts [--calls N] [--rounds R]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { credentials, Server, ServerCredentials, type ServerInterceptor } from "@grpc/grpc-js";
import { createDataService } from "../output/pluginv2/backend.adapters.js";
import { DataTypedClient } from "../output/pluginv2/backend.clients.js";
import { DataService } from "../output/pluginv2/backend.grpc.js";
import { grpcFramingChecks } from "../runtime/plugin/grpc-framing-checks.js";
import { median } from "./stats.js";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "5000" }, rounds: { type: "string", default: "5" } },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const dir = await mkdtemp(join(tmpdir(), "gpts-bench-framing-"));

async function serverWith(interceptors: ServerInterceptor[], name: string) {
  const server = new Server({ interceptors });
  server.addService(
    DataService as never,
    createDataService({
      queryData: ({ queries }) => ({
        responses: Object.fromEntries(queries.map((q) => [q.refId, { status: 200 }])),
      }),
    }) as never,
  );
  const socket = join(dir, name);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  const client = DataTypedClient.connect(`unix:${socket}`, credentials.createInsecure());
  return { server, client };
}

const setups = {
  "without checks": await serverWith([], "plain"),
  "with checks": await serverWith([grpcFramingChecks(() => {})], "checked"),
};

async function callsPerSecond(client: DataTypedClient, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await client.queryData({ queries: [{ refId: "A" }] });
    }),
  );
  return calls / ((performance.now() - started) / 1000);
}

for (const { client } of Object.values(setups)) await callsPerSecond(client, 16); // warm-up
for (const concurrency of [1, 16]) {
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++)
    for (const [name, { client }] of Object.entries(setups))
      results.set(name, [...(results.get(name) ?? []), await callsPerSecond(client, concurrency)]);
  for (const [name, perRound] of results)
    console.log(
      `concurrency ${String(concurrency).padStart(2)}  ${name.padEnd(15)} ${Math.round(median(perRound))} calls/s`,
    );
}

for (const { server, client } of Object.values(setups)) {
  client.raw.close();
  server.forceShutdown();
}
await rm(dir, { recursive: true, force: true });
