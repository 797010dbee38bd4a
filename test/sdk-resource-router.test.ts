// ResourceRouter over a real grpc-js server: params, query strings, JSON
// bodies and replies, streamed bodies, 404/405 and thrown errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocol } from "../output/glue.js";
import { createLogger } from "../runtime/index.js";
import {
  createPlugin,
  PluginError,
  ResourceRouter,
  startTestServer,
  streamResponse,
  textResponse,
  type TestServer,
} from "../runtime/sdk/index.js";

interface Item {
  id: string;
  name: string;
}

let server: TestServer<(typeof protocol.pluginSets)[2]>;
const logs: string[] = [];

beforeAll(async () => {
  const items = new Map<string, Item>([["1", { id: "1", name: "one" }]]);
  const router = new ResourceRouter()
    .get("/items", (req) => [...items.values()].slice(0, Number(req.query.get("limit") ?? 10)))
    .get("/items/:id", (req) => {
      const item = items.get(req.params.id);
      if (!item) throw new PluginError(`no item ${req.params.id}`, { status: 404 });
      return item;
    })
    .post("/items", (req) => {
      const body = req.json<{ name: string }>();
      const item = { id: String(items.size + 1), name: body.name };
      items.set(item.id, item);
      return item;
    })
    .delete("/items/:id", (req) => void items.delete(req.params.id))
    .get("/files/*", (req) => ({ file: req.params["*"] }))
    .get("/text", (req) => textResponse(`hi ${req.header("x-who") ?? "?"}`))
    .get("/stream", () =>
      streamResponse(
        (async function* () {
          for (let i = 0; i < 3; i++) yield `chunk ${i}\n`;
        })(),
        { headers: { "Content-Type": "text/plain" } },
      ),
    )
    .get("/crash", () => {
      throw new Error("kaput");
    });
  const logger = createLogger({ write: (line) => logs.push(line) });
  server = await startTestServer(
    protocol,
    createPlugin({ callResource: router, logger, metrics: false }),
  );
});
afterAll(() => server.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const parts = [];
  for await (const part of server.clients.resource.callResource({
    method,
    path: path.split("?")[0],
    url: `/api/datasources/uid/x/resources/${path}`,
    body:
      body === undefined
        ? undefined
        : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { values: [v] }])),
  }))
    parts.push(part);
  const text = Buffer.concat(parts.map((p) => p.body)).toString();
  return { code: parts[0].code, headers: parts[0].headers, parts: parts.length, text };
}

describe("ResourceRouter", () => {
  it("captures path params and query parameters, replying with typed JSON", async () => {
    const one = await call("GET", "items/1");
    expect(one.code).toBe(200);
    expect(one.headers["Content-Type"].values).toEqual(["application/json"]);
    expect(JSON.parse(one.text)).toEqual({ id: "1", name: "one" });
    expect(JSON.parse((await call("GET", "items?limit=0")).text)).toEqual([]);
    expect(JSON.parse((await call("GET", "/files/a/b%20c.txt/")).text)).toEqual({
      file: "a/b c.txt",
    });
  });

  it("parses JSON bodies; a bad body is a 400 with the parse error", async () => {
    const created = await call("POST", "items", { name: "two" });
    expect(JSON.parse(created.text)).toEqual({ id: "2", name: "two" });
    const bad = await call("POST", "items", "{oops");
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.text).message).toMatch(/^request body is not valid JSON/);
    expect((await call("DELETE", "items/2")).code).toBe(204);
  });

  it("answers 404 listing the routes and 405 with Allow", async () => {
    const missing = await call("GET", "nothing");
    expect(missing.code).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({
      message: "no resource at GET /nothing",
      routes: [
        "GET /items",
        "GET /items/:id",
        "POST /items",
        "DELETE /items/:id",
        "GET /files/*",
        "GET /text",
        "GET /stream",
        "GET /crash",
      ],
    });
    const wrong = await call("PUT", "items/1");
    expect(wrong.code).toBe(405);
    expect(wrong.headers.Allow.values).toEqual(["GET, DELETE"]);
    expect(JSON.parse(wrong.text).message).toBe(
      "PUT is not allowed for /items/1 (allowed: GET, DELETE)",
    );
  });

  it("turns thrown errors into their status with a message, logged with the path", async () => {
    const notFound = await call("GET", "items/9");
    expect([notFound.code, JSON.parse(notFound.text)]).toEqual([404, { message: "no item 9" }]);
    const crash = await call("GET", "crash");
    expect([crash.code, JSON.parse(crash.text)]).toEqual([500, { message: "kaput" }]);
    const line = logs.map((l) => JSON.parse(l)).find((l) => l.error === "kaput");
    expect(line).toMatchObject({
      "@level": "error",
      endpoint: "callResource",
      path: "crash",
      status: 500,
    });
  });

  it("reads headers case-insensitively and streams chunked bodies as separate messages", async () => {
    expect((await call("GET", "text", undefined, { "X-Who": "ada" })).text).toBe("hi ada");
    const streamed = await call("GET", "stream");
    expect(streamed.parts).toBe(3);
    expect(streamed.text).toBe("chunk 0\nchunk 1\nchunk 2\n");
  });

  it("refuses a second route for the same method and pattern", () => {
    const router = new ResourceRouter().get("/a/:x", () => 1);
    expect(() => router.get("/a/:y", () => 2)).not.toThrow();
    expect(() => router.get("/a/:x", () => 2)).toThrow("already registered");
    expect(() => router.get("/a/*/b", () => 2)).toThrow('"*" may only be the last segment');
  });
});
