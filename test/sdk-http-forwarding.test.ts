// Forwarding, in-process: headers Grafana sends with QueryData (OAuth
// identity, cookies, "http_"-prefixed ones such as X-Grafana-Id),
// CheckHealth and CallResource reach the upstream through httpClient(ctx),
// never replace a header the request set, and stay home when a client is
// built with forwardHttpHeaders off. (test/e2e/http-forwarding.test.ts does
// the same end to end through the go-plugin host.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createHttpClient,
  createPlugin,
  forwardedHttpHeaders,
  healthOk,
  httpClient,
  jsonResponse,
  startTestServer,
  type TestServer,
} from "../runtime/sdk/index.js";
import { startHttpUpstream, type Upstream } from "./support/http-upstream.js";

const quiet = createLogger({ write: () => {} });

/** What Grafana's OAuth, cookie and forward-id middlewares put in QueryData.headers. */
const GRAFANA_HEADERS = {
  Authorization: "Bearer user-access-token",
  "X-ID-Token": "user-id-token",
  Cookie: "allowed_cookie=1",
  "http_X-Grafana-Id": "signed-id-token",
  "http_X-Dashboard-Uid": "dash-1",
};

let upstream: Upstream;
let server: TestServer<(typeof protocol.pluginSets)[2]> | undefined;
beforeAll(async () => {
  upstream = await startHttpUpstream();
});
afterAll(() => upstream?.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pluginContext = () => ({
  pluginId: "p",
  dataSourceInstanceSettings: {
    uid: "ds",
    name: "fwd",
    url: upstream.url,
    jsonData: Buffer.from(JSON.stringify({ oauthPassThru: true, keepCookies: ["allowed_cookie"] })),
  },
});

describe("forwardedHttpHeaders", () => {
  it("reads a QueryData header map as the Go SDK's GetHTTPHeaders", () => {
    expect(Object.fromEntries(forwardedHttpHeaders({ ...GRAFANA_HEADERS, Other: "x" }))).toEqual({
      authorization: "Bearer user-access-token",
      "x-id-token": "user-id-token",
      cookie: "allowed_cookie=1",
      "x-grafana-id": "signed-id-token",
      "x-dashboard-uid": "dash-1",
    });
  });

  it("reads CallResource lists, joining cookies with '; ' and dropping hop-by-hop headers", () => {
    const headers = forwardedHttpHeaders({
      Cookie: { values: ["a=1", "b=2"] },
      Accept: { values: ["application/json"] },
      Connection: { values: ["keep-alive"] },
      "Content-Length": { values: ["12"] },
    });
    expect(Object.fromEntries(headers)).toEqual({ cookie: "a=1; b=2", accept: "application/json" });
  });
});

describe("httpClient(ctx) forwards what Grafana sent", () => {
  it("from QueryData, without replacing a header the plugin set", async () => {
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: quiet,
        metrics: false,
        queryData: async (_req, ctx) => {
          await httpClient(ctx).fetch("/query", { headers: { "x-dashboard-uid": "own" } });
          return { responses: { A: {} } };
        },
      }),
    );
    await server.clients.data.queryData({
      pluginContext: pluginContext(),
      headers: GRAFANA_HEADERS,
      queries: [{ refId: "A" }],
    });
    expect(upstream.seen.at(-1)?.headers).toMatchObject({
      authorization: "Bearer user-access-token",
      "x-id-token": "user-id-token",
      cookie: "allowed_cookie=1",
      "x-grafana-id": "signed-id-token",
      "x-dashboard-uid": "own",
    });
  });

  it("from CheckHealth and CallResource", async () => {
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: quiet,
        metrics: false,
        checkHealth: async (_req, ctx) => {
          await httpClient(ctx).fetch("/health");
          return healthOk("ok");
        },
        callResource: async (_req, ctx) => {
          const seen = await httpClient(ctx).json("/resource");
          return jsonResponse(seen);
        },
      }),
    );
    await server.clients.diagnostics.checkHealth({
      pluginContext: pluginContext(),
      headers: { Authorization: "Bearer health" },
    });
    expect(upstream.seen.at(-1)).toMatchObject({
      url: "/health",
      headers: { authorization: "Bearer health" },
    });
    const chunks = [];
    for await (const chunk of server.clients.resource.callResource({
      pluginContext: pluginContext(),
      path: "r",
      method: "GET",
      headers: { Cookie: { values: ["allowed_cookie=2"] }, "X-Grafana-Id": { values: ["gid"] } },
    }))
      chunks.push(chunk);
    const seen = JSON.parse(Buffer.concat(chunks.map((c) => c.body)).toString());
    expect(seen.headers).toMatchObject({ cookie: "allowed_cookie=2", "x-grafana-id": "gid" });
  });

  it("not with forwardHttpHeaders: false", async () => {
    server = await startTestServer(
      protocol,
      createPlugin({
        logger: quiet,
        metrics: false,
        instance: (ctx) =>
          createHttpClient(ctx.dataSourceInstanceSettings, { forwardHttpHeaders: false }),
        queryData: async (_req, ctx) => {
          await ctx.instance.forRequest(ctx).fetch("/private");
          return { responses: { A: {} } };
        },
      }),
    );
    await server.clients.data.queryData({
      pluginContext: pluginContext(),
      headers: GRAFANA_HEADERS,
      queries: [{ refId: "A" }],
    });
    expect(upstream.seen.at(-1)?.url).toBe("/private");
    expect(upstream.seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(upstream.seen.at(-1)?.headers.cookie).toBeUndefined();
  });
});
