/**
 * Our buf plugin as a pure function: a CodeGeneratorRequest in, generated
 * files out. Reading stdin and writing stdout live in
 * protoc-gen-grafana-plugin.ts.
 */
import { create, createFileRegistry, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import type { ProtocolConfig } from "./config.js";
import { generateAdapters } from "./generate-adapters.js";
import { generateClients } from "./generate-clients.js";
import { generateGlue } from "./generate-glue.js";
import { generateHandlers } from "./generate-handlers.js";
import { generateManifest } from "./generate-manifest.js";
import { generateSupport } from "./generate-support.js";
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
    generateHandlers(model, file),
    generateAdapters(model, file),
    generateClients(model, file),
  ]);
  const out = [generateSupport(), generateGlue(model), generateManifest(model), ...perFile];
  return out
    .filter((f): f is GeneratedFile => f !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
