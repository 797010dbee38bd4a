/**
 * The TypeScript names ts-proto gives messages and enums, obtained from
 * ts-proto's own naming code (its `visit` walk, with the options we pass it)
 * rather than a copy of its rules: nesting joined with "_", `Date` →
 * `DateMessage`, prefixes and suffixes — whatever the installed ts-proto does.
 * ts-proto ships CommonJS without an exports map, so its modules load by path.
 */
import type { DescFile } from "@bufbuild/protobuf";
import { createRequire } from "node:module";
import { tsProtoOptions } from "./buf-gen.js";

interface TsProtoInternals {
  visit(
    proto: unknown,
    sourceInfo: unknown,
    messageFn: (tsName: string, desc: unknown, info: unknown, protoName: string) => void,
    options: unknown,
    enumFn: (tsName: string, desc: unknown, info: unknown, protoName: string) => void,
  ): void;
  optionsFromParameter(parameter: string): unknown;
  emptySourceInfo(): unknown;
}

const require = createRequire(import.meta.url);

function loadTsProto(): TsProtoInternals {
  try {
    const { visit } = require("ts-proto/build/src/visit.js");
    const { optionsFromParameter } = require("ts-proto/build/src/options.js");
    const sourceInfo = require("ts-proto/build/src/sourceInfo.js");
    const SourceInfo = sourceInfo.default ?? sourceInfo;
    if (typeof visit !== "function" || typeof optionsFromParameter !== "function")
      throw new Error("visit/optionsFromParameter not exported");
    return { visit, optionsFromParameter, emptySourceInfo: () => SourceInfo.empty() };
  } catch (error) {
    throw new Error(
      `cannot load ts-proto's naming code (ts-proto/build/src/visit.js): ${(error as Error).message}; ` +
        `this ts-proto version is not one grafana-plugin-ts supports`,
    );
  }
}

let internals: TsProtoInternals | undefined;
let options: unknown;
const namesByFile = new WeakMap<DescFile, Map<string, string>>();

/** Fully-qualified proto name → ts-proto's exported TypeScript name, for one file's messages and enums. */
export function tsProtoNames(file: DescFile): Map<string, string> {
  const known = namesByFile.get(file);
  if (known) return known;
  internals ??= loadTsProto();
  options ??= internals.optionsFromParameter(tsProtoOptions().join(","));
  const pkg = file.proto.package;
  const names = new Map<string, string>();
  const record = (tsName: string, _desc: unknown, _info: unknown, protoName: string) =>
    names.set(pkg ? `${pkg}.${protoName}` : protoName, tsName);
  internals.visit(file.proto, internals.emptySourceInfo(), record, options, record);
  namesByFile.set(file, names);
  return names;
}
