/**
 * Our buf plugin as a pure function: a CodeGeneratorRequest in, generated
 * files out. Reading stdin and writing stdout live in
 * protoc-gen-grafana-plugin.ts.
 *
 * Who names what: ts-proto writes the messages and enums (buf.gen.yaml runs
 * it with outputServices=false); this plugin writes everything about
 * services — the grpc-js service definitions, server and client types
 * (`<file>.grpc.ts`), handlers, adapters, typed clients, glue, manifest. We
 * chose to emit the service bindings ourselves rather than reference the ones
 * ts-proto writes because then every rpc key (`renderCSV`, `querySQL`) is
 * decided by one rule in naming.ts and used by every file that mentions it;
 * referencing ts-proto's service members meant re-deriving its case
 * conversion (`RenderCSV` → `renderCsv`), which broke on acronyms. Message and
 * enum names stay ts-proto's and are asked of ts-proto's own naming code
 * (ts-proto-names.ts), never recomputed. The manifest records every name so
 * tests and other tools read them instead of deriving them.
 */
import { create, createFileRegistry, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import type { ProtocolConfig } from "./config.js";
import { generateAdapters } from "./generate-adapters.js";
import { generateClients } from "./generate-clients.js";
import { generateGlue } from "./generate-glue.js";
import { generateHandlers } from "./generate-handlers.js";
import { generateManifest } from "./generate-manifest.js";
import { generateServices } from "./generate-services.js";
import { generateSupport } from "./generate-support.js";
import { generateWireTables } from "./generate-wire-tables.js";
import { buildProtocolModel } from "./model.js";
import type { GeneratedFile } from "./source-file.js";

export function generateFiles(
  request: CodeGeneratorRequest,
  config: ProtocolConfig,
): GeneratedFile[] {
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
  const files = request.fileToGenerate
    .slice()
    .sort()
    .map((name) => registry.getFile(name))
    .filter((f): f is DescFile => f !== undefined);
  const model = buildProtocolModel(files, config);
  const perFile = files.flatMap((file) => [
    generateServices(model, file),
    generateHandlers(model, file),
    generateAdapters(model, file),
    generateClients(model, file),
  ]);
  const out = [
    ...generateSupport(),
    generateWireTables(model),
    generateGlue(model),
    generateManifest(model),
    ...perFile,
  ];
  return out
    .filter((f): f is GeneratedFile => f !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
