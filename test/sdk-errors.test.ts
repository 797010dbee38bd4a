// How the SDK classifies what a handler threw: status and error source as
// Grafana shows them (a deadline is 504, a caller going away 499, both
// downstream; a plugin bug 500 plugin).
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { RpcError } from "../output/rpc-support.js";
import { dataResponseToProto } from "../runtime/sdk/convert-to-protobuf.js";
import { describeError, errorResponse, PluginError } from "../runtime/sdk/index.js";

describe("describeError", () => {
  it.each([
    ["a passed deadline", new RpcError(status.DEADLINE_EXCEEDED, "x passed its deadline"), 504],
    ["an AbortSignal.timeout()", new DOMException("timed out", "TimeoutError"), 504],
    ["a cancelled call", new RpcError(status.CANCELLED, "x was cancelled by the caller"), 499],
    ["an aborted fetch", new DOMException("aborted", "AbortError"), 499],
  ])("%s is %i downstream", (_, error, expected) => {
    expect(describeError(error)).toMatchObject({ status: expected, source: "downstream" });
  });

  it("keeps a PluginError's own status and source, and calls anything else a plugin bug", () => {
    expect(describeError(new PluginError("bad query", { status: 400, source: "plugin" }))).toEqual({
      message: "bad query",
      status: 400,
      source: "plugin",
    });
    expect(describeError(new TypeError("undefined is not a function"))).toMatchObject({
      status: 500,
      source: "plugin",
    });
  });

  it("a thrown string is a plugin bug (500 plugin); a string error with a status is classified by it", () => {
    expect(dataResponseToProto("A", errorResponse("oops"))).toMatchObject({
      error: "oops",
      status: 500,
      errorSource: "plugin",
    });
    expect(
      dataResponseToProto("A", errorResponse("no such metric", { status: 404 })),
    ).toMatchObject({ error: "no such metric", status: 404, errorSource: "downstream" });
  });
});
