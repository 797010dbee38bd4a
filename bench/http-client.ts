// The HTTP client's cost per request: `npx tsx bench/http-client.ts`
//
// GETs of a 1 KiB JSON body from a local keep-alive HTTP server, read to the end, at 1 and 16
// requests in flight: undici's fetch on its own Agent (the floor), the SDK's client built from
// data source settings (basic auth, a custom header, User-Agent, forwarding, error source and
// response limit middlewares), and the same bound to a plugin call with forwarded headers.
// Figures are requests per second over a fixed count after a warm-up.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, fetch } from "undici";
import { createHttpClient, GrafanaConfigKey, type HttpClient } from "../runtime/sdk/index.js";
import { dataSourceContext } from "../test/support/http-upstream.js";

const BODY = JSON.stringify({ points: Array.from({ length: 40 }, (_, i) => [i, i / 3]) }).slice(
  0,
  1024,
);
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(BODY);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function rate(label: string, inFlight: number, get: () => Promise<unknown>, count = 4000) {
  for (let i = 0; i < 200; i++) await get(); // warm-up
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await get();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(44)} c=${String(inFlight).padEnd(3)} ${Math.round(count / seconds)} req/s`,
  );
}

const agent = new Agent();
const ctx = dataSourceContext(
  url,
  { basicAuth: true, basicAuthUser: "u", httpHeaderName1: "X-Tenant" },
  { basicAuthPassword: "p", httpHeaderValue1: "t" },
  {},
  { [GrafanaConfigKey.responseLimit]: String(10 << 20) },
);
const client: HttpClient = createHttpClient(ctx.dataSourceInstanceSettings, {
  grafanaConfig: ctx.grafanaConfig,
});

for (const c of [1, 16]) {
  await rate("undici fetch + Agent (floor)", c, async () =>
    (await fetch(url, { dispatcher: agent })).text(),
  );
  await rate("SDK client from settings", c, async () => (await client.fetch("/")).text());
}
await agent.close();
await client.close();
server.close();
