/**
 * Adapters: a handler object → a grpc-js service implementation. The adapter
 * is built once per server (no per-call allocation beyond the call context);
 * a missing handler answers UNIMPLEMENTED naming the rpc, and a thrown error
 * becomes a gRPC status instead of crashing the process.
 */
import type { DescFile } from "@bufbuild/protobuf";
import type { ProtocolModel, ServiceModel, StreamingKind } from "./model.js";
import { handlerInterfaceName, SUPPORT_STEM } from "./generate-handlers.js";
import { serviceSymbols } from "./naming.js";
import { emitForServices, type GeneratedFile } from "./source-file.js";

const methodFactory: Record<StreamingKind, string> = {
  unary: "unaryMethod",
  "server-streaming": "serverStreamingMethod",
  "client-streaming": "clientStreamingMethod",
  "bidi-streaming": "bidiStreamingMethod",
};

export function adapterFunctionName(service: ServiceModel): string {
  return `create${service.name}Service`;
}

export function generateAdapters(model: ProtocolModel, file: DescFile): GeneratedFile | undefined {
  return emitForServices(model, file, "adapters", (service, source, imports) => {
    const handler = imports.type(`${file.name}.handlers`, handlerInterfaceName(service));
    const server = imports.type(`${service.stem}.grpc`, serviceSymbols(service).server);
    const options = imports.type(SUPPORT_STEM, "AdapterOptions");
    const entries = service.rpcs.map((rpc) => {
      const factory = imports.value(SUPPORT_STEM, methodFactory[rpc.kind]);
      const req = imports.message(rpc.input);
      const res = imports.value(rpc.output.stem, rpc.output.tsName);
      return `${rpc.key}: ${factory}<${req}, ${res}>(${JSON.stringify(rpc.path)}, handler.${rpc.key}?.bind(handler), ${res}, options),`;
    });
    source.addFunction({
      name: adapterFunctionName(service),
      isExported: true,
      docs: [
        `Serves a {@link ${handlerInterfaceName(service)}} as \`${service.fullName}\`: pass the result to \`server.addService(${serviceSymbols(service).definition}, …)\`.`,
      ],
      parameters: [
        { name: "handler", type: handler },
        { name: "options", type: options, hasQuestionToken: true },
      ],
      returnType: server,
      statements: [`return {`, ...entries, `};`],
    });
  });
}
