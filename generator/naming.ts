/**
 * The names our generator chooses, each rule stated once. Every emitter and
 * the manifest take names from here (through the model); nothing re-derives
 * them. Message and enum names are ts-proto's and come from ts-proto itself
 * (ts-proto-names.ts).
 */
import type { DescEnum, DescFile, DescMessage, DescService } from "@bufbuild/protobuf";
import { posix } from "node:path";
import { tsProtoNames } from "./ts-proto-names.js";

/** ts-proto's exported TypeScript name for a message or enum, as ts-proto computes it. */
export function tsTypeName(desc: DescMessage | DescEnum): string {
  const name = tsProtoNames(desc.file).get(desc.typeName);
  if (name === undefined)
    throw new Error(`ts-proto gave no name for ${desc.typeName} (${desc.file.proto.name})`);
  return name;
}

/**
 * `CheckHealth` → `checkHealth`, `RenderCSV` → `renderCSV`: the key of an rpc
 * in our grpc-js service definitions, handler interfaces, adapters and clients.
 */
export function methodKey(rpcName: string): string {
  return rpcName.charAt(0).toLowerCase() + rpcName.slice(1);
}

/** `Diagnostics` → `DiagnosticsService` etc.: the symbols generate-services.ts exports per service. */
export const serviceSymbols = (service: { name: string }) => ({
  definition: `${service.name}Service`,
  server: `${service.name}Server`,
  client: `${service.name}Client`,
});

/** `Diagnostics` → `diagnostics`: the lower-camel name we use for a service in glue and handler maps. */
export function serviceKey(service: DescService): string {
  return methodKey(service.name);
}

/** `pluginv2/backend.proto` → `pluginv2/backend` (no extension), the stem of every file we emit for it. */
export function fileStem(file: DescFile): string {
  return file.name;
}

/** Relative ESM import specifier from one output file to another output file stem. */
export function importPath(fromFile: string, toStem: string): string {
  const rel = posix.relative(posix.dirname(fromFile), toStem);
  return (rel.startsWith(".") ? rel : `./${rel}`) + ".js";
}
