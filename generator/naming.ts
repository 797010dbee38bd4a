/**
 * Names as ts-proto spells them. Our generated files import ts-proto's
 * symbols by name, so these rules must follow ts-proto's (with the options we
 * pass it, see buf-template.ts): messages nested in messages are joined with
 * "_", services become `<Name>Service` / `<Name>Client` / `<Name>Server`, and
 * grpc-js method keys are the rpc name with a lower-case first letter.
 */
import type { DescEnum, DescFile, DescMessage, DescService } from "@bufbuild/protobuf";
import { posix } from "node:path";

/** `Outer.Inner` → `Outer_Inner`: ts-proto's exported TypeScript name. */
export function tsTypeName(desc: DescMessage | DescEnum): string {
  const pkg = desc.file.proto.package;
  const local = pkg ? desc.typeName.slice(pkg.length + 1) : desc.typeName;
  return local.replace(/\./g, "_");
}

/** `CheckHealth` → `checkHealth`: ts-proto's grpc-js method key. */
export function methodKey(rpcName: string): string {
  return rpcName.charAt(0).toLowerCase() + rpcName.slice(1);
}

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
