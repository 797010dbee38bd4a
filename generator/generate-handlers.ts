/**
 * Handler interfaces: the skeleton a plugin implements. One interface per
 * service; every rpc is an optional property, so a plugin implements only
 * what it needs and an rpc added by a newer protocol never breaks it.
 */
import type { DescFile } from "@bufbuild/protobuf";
import {
  streamsOf,
  type ProtocolModel,
  type RpcModel,
  type ServiceModel,
  type StreamingKind,
} from "./model.js";
import { docText, emitForServices, type GeneratedFile } from "./source-file.js";

export const SUPPORT_STEM = "rpc-support";

/** The rpc-support handler type for each streaming kind (tests read it from here). */
export const handlerType: Record<StreamingKind, string> = {
  unary: "UnaryHandler",
  "server-streaming": "ServerStreamingHandler",
  "client-streaming": "ClientStreamingHandler",
  "bidi-streaming": "BidiStreamingHandler",
};

export function handlerInterfaceName(service: ServiceModel): string {
  return `${service.name}Handler`;
}

export function generateHandlers(model: ProtocolModel, file: DescFile): GeneratedFile | undefined {
  return emitForServices(model, file, "handlers", (service, source, imports) => {
    source.addInterface({
      name: handlerInterfaceName(service),
      isExported: true,
      docs: [
        docText(
          service.comment,
          `Handlers for \`${service.fullName}\`. Every rpc is optional: one left out answers UNIMPLEMENTED.`,
        ),
      ],
      properties: service.rpcs.map((rpc) => ({
        name: rpc.key,
        hasQuestionToken: true,
        type: `${imports.type(SUPPORT_STEM, handlerType[rpc.kind])}<${imports.message(rpc.input)}, ${imports.message(rpc.output)}>`,
        docs: [docText(rpc.comment, rpcSignatureNote(rpc))],
      })),
    });
  });
}

export function rpcSignatureNote(rpc: RpcModel): string {
  const streams = streamsOf(rpc.kind);
  const input = `${streams.request ? "stream " : ""}${rpc.input.fullName}`;
  const output = `${streams.response ? "stream " : ""}${rpc.output.fullName}`;
  return `\`rpc ${rpc.name}(${input}) returns (${output})\` — ${rpc.kind}.`;
}
