// hclog lines are assembled from pre-serialised parts (a logger's module and
// With fields once, each line's own fields per call); they must be exactly
// the line JSON.stringify makes of the same object, key order included.
import { describe, expect, it } from "vitest";
import { createLogger, type LogLevel } from "../runtime/log/hclog.js";

/** The reference: the line as one object, as hclog.ts built it before. */
function reference(
  at: LogLevel,
  message: unknown,
  module: string,
  base: Record<string, unknown>,
  fields: Record<string, unknown> | undefined,
  timestamp: string,
): string {
  const plain = (v: unknown) =>
    v instanceof Error ? v.message : typeof v === "bigint" ? v.toString() : v;
  const line: Record<string, unknown> = {
    "@level": at,
    "@message": message,
    "@timestamp": timestamp,
  };
  if (module) line["@module"] = module;
  for (const k in base) line[k] = plain(base[k]);
  if (fields) for (const k in fields) line[k] = plain(fields[k]);
  return JSON.stringify(line);
}

const CASES: {
  name: string;
  module: string;
  base: Record<string, unknown>;
  fields?: Record<string, unknown>;
  message?: unknown;
}[] = [
  { name: "no fields", module: "", base: {} },
  { name: "module only", module: "plugin.sdk", base: {} },
  {
    name: "request fields and line fields",
    module: "plugin",
    base: { pluginId: "my-ds", endpoint: "queryData", dsUid: 'u"i\\d', traceId: undefined },
    fields: { status: "ok", duration: "1.2ms", statusSource: "plugin" },
  },
  {
    name: "values of every kind",
    module: "m",
    base: { n: 1.5, big: 12n, nested: { a: [1, "two", null] }, fn: () => 1, sym: Symbol("s") },
    fields: { error: new Error("boom\nline"), u: undefined, unicode: "日本 \u2028 ✓", nil: null },
  },
  {
    name: "a line field named like a With field",
    module: "m",
    base: { status: "pending", keep: 1 },
    fields: { status: "ok", extra: true },
  },
  { name: "a field named like an hclog key", module: "m", base: {}, fields: { "@message": "x" } },
  { name: "a With field named like an hclog key", module: "m", base: { "@module": "other" } },
  { name: "a message that is not a string", module: "", base: {}, message: undefined },
];

describe("hclog line assembly", () => {
  it.each(CASES)("$name: the same bytes as JSON.stringify of the line object", (c) => {
    const lines: string[] = [];
    let logger = createLogger({ module: c.module, level: "trace", write: (l) => lines.push(l) });
    if (Object.keys(c.base).length > 0) logger = logger.with(c.base);
    const message = "message" in c ? c.message : 'Plugin "Request" Completed';
    logger.info(message as string, c.fields);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.endsWith("}\n")).toBe(true);
    const timestamp = String(JSON.parse(line)["@timestamp"]);
    expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(line).toBe(reference("info", message, c.module, c.base, c.fields, timestamp) + "\n");
  });
});
