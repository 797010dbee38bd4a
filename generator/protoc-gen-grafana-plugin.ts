/**
 * buf/protoc plugin entry: read a CodeGeneratorRequest from stdin, write a
 * CodeGeneratorResponse to stdout. Errors go into the response's `error`
 * field, which buf prints with the plugin's name.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponseSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponse_FileSchema,
} from "@bufbuild/protobuf/wkt";
import { parsePluginParameters } from "./parameters.js";
import { generateFiles } from "./plugin.js";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const request = fromBinary(CodeGeneratorRequestSchema, Buffer.concat(chunks));
const response = create(CodeGeneratorResponseSchema, {
  supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
});
try {
  const { config } = parsePluginParameters(request.parameter);
  response.file = generateFiles(request, config).map((f) =>
    create(CodeGeneratorResponse_FileSchema, { name: f.name, content: f.content }),
  );
} catch (error) {
  response.error = error instanceof Error ? error.message : String(error);
}
process.stdout.write(toBinary(CodeGeneratorResponseSchema, response));
