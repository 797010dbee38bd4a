// Secrets stay out of logs and error messages. The example data source runs
// as a real process at GF_PLUGIN_LOG_LEVEL=trace against a real HTTP
// upstream, with decrypted secure settings (basic auth password, a custom
// header value) and forwarded credentials (Authorization, X-Id-Token,
// Cookie) that each carry a unique marker. Calls take the success paths and
// the error paths (upstream 401 and 500, an upstream answer that is not JSON,
// an unreachable upstream, query JSON and jsonData that are not JSON). Then:
// - no marker appears in any log line or relayed stdio, at any level;
// - no marker appears in any message a user sees (health message, query
//   errors, gRPC status details): in particular, JSON parse errors do not
//   echo the input (V8's "Unexpected token …, "<input>" is not valid JSON").
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../../output/glue.js";
import * as pb from "../../output/pluginv2/backend.js";
import { startPlugin, type HostedPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { exampleExecutable } from "../support/example-plugin.js";
import { startHttpUpstream, type Upstream } from "../support/http-upstream.js";
import { freePort } from "../support/runtime-helpers.js";

const SECRET = {
  basicAuthPassword: "pw-SECRET-basic-7c1",
  headerValue: "hv-SECRET-header-93a",
  bearer: "Bearer tok-SECRET-oauth-5d2",
  idToken: "idt-SECRET-token-4e1",
  cookie: "grafana_session=ck-SECRET-cookie-88b",
  inQueryJson: "qj-SECRET-query-61f",
  inJsonData: "jd-SECRET-settings-0a9",
  inUpstreamBody: "ub-SECRET-body-3b7",
};
const MARKER = /SECRET/;

let plugin: HostedPlugin<(typeof protocol.pluginSets)[2]>;
let upstream: Upstream;
const logs: PluginLogEntry[] = [];
const stdio: string[] = [];
/** Every message the calls showed a user: health messages, query errors, status details. */
const userFacing: string[] = [];

beforeAll(async () => {
  upstream = await startHttpUpstream({
    basicAuth: `admin:${SECRET.basicAuthPassword}`,
    routes: {
      "/api/health": { body: "{}" },
      "/api/series": { body: '{"points":[[1700000000000,1]]}' },
      // The upstream's own error text is shown, as Grafana shows it: no secret in it.
      "/api/broken": { status: 500, body: '{"error":"upstream exploded"}' },
      "/api/not-json": { body: `${SECRET.inUpstreamBody} is no JSON` },
    },
  });
  plugin = await startPlugin({
    executable: exampleExecutable(),
    protocol,
    env: { GF_PLUGIN_LOG_LEVEL: "trace" },
    onLog: (entry) => logs.push(entry),
    onStdio: (_channel, data) => stdio.push(data.toString("utf8")),
  });
}, 120_000);

afterAll(async () => {
  await plugin?.kill();
  await upstream?.close();
});

let contexts = 0;
function pluginContext(
  url: string,
  options: { password?: string; jsonData?: string } = {},
): pb.PluginContext {
  return pb.PluginContext.fromPartial({
    orgId: 1n,
    pluginId: "grafana-ts-timeseries-datasource",
    user: { login: "admin", name: "Admin", role: "Admin" },
    dataSourceInstanceSettings: {
      uid: `ds-${++contexts}`,
      name: "secrets",
      url,
      basicAuthEnabled: true,
      basicAuthUser: "admin",
      jsonData: Buffer.from(options.jsonData ?? '{"httpHeaderName1":"X-Api-Key"}'),
      decryptedSecureJsonData: {
        basicAuthPassword: options.password ?? SECRET.basicAuthPassword,
        httpHeaderValue1: SECRET.headerValue,
      },
      lastUpdatedMS: 1n,
    },
  });
}

/** Forwarded credentials, as Grafana puts them on QueryData and CheckHealth. */
const headers = {
  Authorization: SECRET.bearer,
  "X-Id-Token": SECRET.idToken,
  Cookie: SECRET.cookie,
};

async function checkHealth(context: pb.PluginContext): Promise<void> {
  try {
    const reply = await plugin.clients.diagnostics.checkHealth({ pluginContext: context, headers });
    userFacing.push(reply.message, reply.jsonDetails.toString("utf8"));
  } catch (error) {
    userFacing.push((error as { details?: string }).details ?? String(error));
  }
}

async function query(context: pb.PluginContext, queryJson: string): Promise<string[]> {
  try {
    const reply = await plugin.clients.data.queryData({
      pluginContext: context,
      headers,
      queries: [
        {
          refId: "A",
          queryType: "http",
          json: Buffer.from(queryJson),
          timeRange: { fromEpochMS: 1_700_000_000_000n, toEpochMS: 1_700_000_060_000n },
        },
      ],
    });
    const errors = Object.values(reply.responses).map((r) => r.error);
    userFacing.push(...errors);
    return errors;
  } catch (error) {
    const details = (error as { details?: string }).details ?? String(error);
    userFacing.push(details);
    return [details];
  }
}

async function closedPortUrl(): Promise<string> {
  const port = await freePort();
  // Nothing listens there now; make sure nothing takes it meanwhile.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  probe.close();
  return `http://127.0.0.1:${port}`;
}

describe("secrets at trace level", () => {
  it("success and error paths leave no secret in any log line or user-facing message", async () => {
    const ok = pluginContext(upstream.url);
    await checkHealth(ok);
    expect(await query(ok, '{"path":"/api/series"}')).toEqual([""]);
    // Error paths: wrong password (401), upstream 500, a body that is not JSON, nothing listening.
    await checkHealth(pluginContext(upstream.url, { password: "wrong-SECRET-pw-d40" }));
    expect((await query(ok, '{"path":"/api/broken"}'))[0]).not.toBe("");
    expect((await query(ok, '{"path":"/api/not-json"}'))[0]).toMatch(/not valid JSON/);
    const nowhere = pluginContext(await closedPortUrl());
    await checkHealth(nowhere);
    expect((await query(nowhere, '{"path":"/api/series"}'))[0]).not.toBe("");
    // Input that is not JSON, holding a secret, in the query and in the settings.
    expect((await query(ok, `${SECRET.inQueryJson}`))[0]).toMatch(/^query A is not valid JSON/);
    expect((await query(ok, `{"token": ${SECRET.inQueryJson}}`))[0]).toMatch(/not valid JSON/);
    await checkHealth(pluginContext(upstream.url, { jsonData: `${SECRET.inJsonData}` }));
    expect(
      await query(pluginContext(upstream.url, { jsonData: `[${SECRET.inJsonData}]` }), "{}"),
    ).toEqual([expect.stringMatching(/jsonData is not valid JSON/)]);

    // The upstream did get the credentials: the markers were really in play.
    const seen = JSON.stringify(upstream.seen.map((r) => r.headers));
    expect(seen).toContain(SECRET.headerValue);
    expect(seen).toContain(SECRET.idToken);
    expect(seen).toContain("Basic ");

    // Trace logging was on, and logged these calls.
    expect(logs.some((l) => l.message === "Plugin Request Started")).toBe(true);
    expect(logs.filter((l) => l.level === "error").length).toBeGreaterThan(0);
    const leakedLogs = logs.filter((l) => MARKER.test(l.raw)).map((l) => l.raw);
    expect(leakedLogs).toEqual([]);
    expect(stdio.filter((text) => MARKER.test(text))).toEqual([]);
    expect(userFacing.filter((message) => MARKER.test(message))).toEqual([]);
  });
});
