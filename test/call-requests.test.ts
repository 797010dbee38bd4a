// How `call` turns what a user typed into what Grafana would send: instance
// settings (--settings, --secure) into a plugin context, and --interactive
// lines into words.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSettings, pluginContext, UsageError } from "../cli/call/requests.js";
import { splitWords } from "../cli/call/split-words.js";

describe("parseSettings + pluginContext", () => {
  it("puts jsonData and decrypted secure values into a data source's settings", () => {
    const settings = parseSettings(
      '{"url":"https://api.example","jsonData":{"a":1},"secureJsonData":{"token":"t1"}}',
      ["password=p=w"],
    );
    const context = pluginContext(undefined, "acme-db-datasource", settings);
    const ds = context.dataSourceInstanceSettings!;
    expect(ds.url).toBe("https://api.example");
    expect(JSON.parse(ds.jsonData!.toString())).toEqual({ a: 1 });
    expect(ds.decryptedSecureJsonData).toEqual({ token: "t1", password: "p=w" });
    expect(context.appInstanceSettings).toBeUndefined();
  });

  it("gives an app plugin app settings", () => {
    const context = pluginContext(
      undefined,
      "acme-ops-app",
      parseSettings('{"jsonData":{"x":true}}', []),
    );
    expect(JSON.parse(context.appInstanceSettings!.jsonData!.toString())).toEqual({ x: true });
    expect(context.dataSourceInstanceSettings).toBeUndefined();
  });

  it("reads @file, and names what is wrong", () => {
    const dir = mkdtempSync(join(tmpdir(), "gpts-settings-"));
    try {
      writeFileSync(join(dir, "s.json"), '{"basicAuthEnabled": true, "basicAuthUser": "u"}');
      expect(parseSettings(`@${join(dir, "s.json")}`, [])).toEqual({
        basicAuthEnabled: true,
        basicAuthUser: "u",
      });
      expect(() => parseSettings(`@${join(dir, "missing.json")}`, [])).toThrow(
        /--settings @.*missing.json: ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
    expect(() => parseSettings("{", [])).toThrow(UsageError);
    expect(() => parseSettings("[1]", [])).toThrow("--settings must be a JSON object");
    expect(() => parseSettings(undefined, ["novalue"])).toThrow(
      '--secure "novalue": expected KEY=VALUE',
    );
    expect(() =>
      pluginContext(undefined, "acme-db-datasource", { urll: "x", jsondata: {} }),
    ).toThrow(/unknown data source settings urll, jsondata \(known: .*url.*\)/);
  });
});

describe("splitWords", () => {
  it("splits as a shell would for quotes and escapes", () => {
    expect(splitWords(`query --json '{"refId": "A"}'`)).toEqual([
      "query",
      "--json",
      '{"refId": "A"}',
    ]);
    expect(splitWords(`resource POST /x --body "a \\"quoted\\" b"  --header X-A:\\ 1`)).toEqual([
      "resource",
      "POST",
      "/x",
      "--body",
      'a "quoted" b',
      "--header",
      "X-A: 1",
    ]);
    expect(splitWords("  ")).toEqual([]);
    expect(splitWords(`a''b ""`)).toEqual(["ab", ""]);
  });

  it("names the column of an unterminated quote", () => {
    expect(() => splitWords(`query --json "{`)).toThrow('unterminated " at column 14');
  });
});
