/**
 * Typed clients: promises for unary calls, async iterators for streams,
 * cancellation through an AbortSignal. They wrap ts-proto's grpc-js clients,
 * which stay reachable as `.raw`.
 */
import type { DescFile } from "@bufbuild/protobuf";
import { Scope } from "ts-morph";
import {
  streamsOf,
  type ProtocolModel,
  type RpcModel,
  type ServiceModel,
  type StreamingKind,
} from "./model.js";
import { rpcSignatureNote, SUPPORT_STEM } from "./generate-handlers.js";
import { serviceSymbols } from "./naming.js";
import { docText, emitForServices, type ImportSet, type GeneratedFile } from "./source-file.js";

export function typedClientName(service: ServiceModel): string {
  return `${service.name}TypedClient`;
}

export function generateClients(model: ProtocolModel, file: DescFile): GeneratedFile | undefined {
  return emitForServices(model, file, "clients", (service, source, imports) => {
    const raw = imports.value(`${service.stem}.grpc`, serviceSymbols(service).client);
    const className = typedClientName(service);
    source.addClass({
      name: className,
      isExported: true,
      docs: [`Promise and async-iterator client for \`${service.fullName}\`.`],
      ctors: [{ parameters: [{ name: "raw", type: raw, scope: Scope.Public, isReadonly: true }] }],
      methods: [
        {
          name: "connect",
          isStatic: true,
          docs: [`Opens a new connection to \`address\` (close it with \`.raw.close()\`).`],
          parameters: [
            { name: "address", type: "string" },
            {
              name: "credentials",
              type: imports.external("@grpc/grpc-js", "ChannelCredentials", true),
            },
            {
              name: "options",
              type: `Partial<${imports.external("@grpc/grpc-js", "ClientOptions", true)}>`,
              hasQuestionToken: true,
            },
          ],
          returnType: className,
          statements: [`return new ${className}(new ${raw}(address, credentials, options));`],
        },
        ...service.rpcs.map((rpc) => clientMethod(rpc, imports)),
      ],
    });
  });
}

/** Per streaming kind: the rpc-support call that makes it. */
const supportCall: Record<StreamingKind, string> = {
  unary: "unaryCall",
  "server-streaming": "serverStreamingCall",
  "client-streaming": "clientStreamingCall",
  "bidi-streaming": "bidiStreamingCall",
};

function clientMethod(rpc: RpcModel, imports: ImportSet) {
  const streams = streamsOf(rpc.kind);
  const req = imports.value(rpc.input.stem, rpc.input.tsName);
  const res = imports.message(rpc.output);
  const input = streams.request
    ? { name: "requests", type: `AsyncIterable<${req}> | Iterable<${req}>` }
    : { name: "request", type: `${imports.type(SUPPORT_STEM, "DeepPartial")}<${req}>` };
  const argument = streams.request ? "requests" : `${req}.fromPartial(request)`;
  return {
    name: rpc.key,
    docs: [docText(rpc.comment, rpcSignatureNote(rpc))],
    parameters: [
      input,
      {
        name: "options",
        type: imports.type(SUPPORT_STEM, "ClientCallOptions"),
        hasQuestionToken: true,
      },
    ],
    returnType: streams.response
      ? `${imports.type(SUPPORT_STEM, "ResponseStream")}<${res}>`
      : `Promise<${res}>`,
    statements: [
      `return ${imports.value(SUPPORT_STEM, supportCall[rpc.kind])}<${req}, ${res}>(this.raw, ${JSON.stringify(rpc.key)}, ${argument}, options);`,
    ],
  };
}
