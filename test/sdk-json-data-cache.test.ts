// Settings' jsonData is parsed once per saved version of the settings, and
// the default parser's value is frozen because calls share it.
import { describe, expect, it } from "vitest";
import { JsonDataCache, readOnlyJson } from "../runtime/sdk/json-data-cache.js";

const bytes = (json: object) => Buffer.from(JSON.stringify(json));

describe("JsonDataCache", () => {
  it("parses once while the bytes and lastUpdatedMS stay the same", () => {
    const cache = new JsonDataCache();
    let parses = 0;
    const parse = () => ({ parsed: ++parses });
    const first = cache.parsed("ds-1", bytes({ url: "a" }), 1n, parse);
    expect(cache.parsed("ds-1", bytes({ url: "a" }), 1n, parse)).toBe(first);
    expect(parses).toBe(1);
  });

  it("parses again when the settings were saved again or their bytes differ", () => {
    const cache = new JsonDataCache();
    let parses = 0;
    const parse = () => ++parses;
    cache.parsed("ds-1", bytes({ url: "a" }), 1n, parse);
    expect(cache.parsed("ds-1", bytes({ url: "a" }), 2n, parse)).toBe(2);
    expect(cache.parsed("ds-1", bytes({ url: "b" }), 2n, parse)).toBe(3);
    expect(cache.parsed("ds-2", bytes({ url: "b" }), 2n, parse)).toBe(4);
  });

  it("does not keep a failure: the next call asks the parser again", () => {
    const cache = new JsonDataCache();
    let calls = 0;
    const flaky = () => {
      if (++calls === 1) throw new Error("settings not valid yet");
      return "ok";
    };
    expect(() => cache.parsed("ds-1", bytes({}), 1n, flaky)).toThrow("settings not valid yet");
    expect(cache.parsed("ds-1", bytes({}), 1n, flaky)).toBe("ok");
  });

  it("keeps its own copy of the bytes (the request's buffer may be reused)", () => {
    const cache = new JsonDataCache();
    const request = bytes({ url: "a" });
    let parses = 0;
    cache.parsed("ds-1", request, 1n, () => ++parses);
    request.fill(0x20);
    expect(cache.parsed("ds-1", bytes({ url: "a" }), 1n, () => ++parses)).toBe(1);
  });
});

describe("readOnlyJson", () => {
  it("freezes the value all the way down", () => {
    const value = readOnlyJson<{ nested: { list: number[] } }>({ nested: { list: [1, 2] } });
    expect(() => {
      value.nested.list.push(3);
    }).toThrow(TypeError);
    expect(() => {
      (value.nested as { extra?: boolean }).extra = true;
    }).toThrow(TypeError);
    expect(value).toEqual({ nested: { list: [1, 2] } });
  });

  it("passes plain values through", () => {
    expect(readOnlyJson("text")).toBe("text");
    expect(readOnlyJson(null)).toBe(null);
  });
});
