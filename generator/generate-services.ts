/**
 * grpc-js bindings per service, `<stem>.grpc.ts`: the service definition
 * (paths, streaming flags, ts-proto's encode/decode as serializers, each
 * message's wire table from wire-tables.ts), the
 * server interface grpc-js implementations satisfy, and a client class made
 * by grpc-js's makeGenericClientConstructor. We emit these rather than
 * ts-proto so rpc keys follow one rule (naming.ts methodKey) in every file
 * that mentions them.
 */
import type { DescFile } from "@bufbuild/protobuf";
import { streamsOf, type ProtocolModel, type RpcModel, type StreamingKind } from "./model.js";
import { rpcSignatureNote, SUPPORT_STEM } from "./generate-handlers.js";
import { serviceSymbols } from "./naming.js";
import { emitForServices, jsDoc, type ImportSet } from "./source-file.js";
import { WIRE_TABLES_STEM } from "./generate-wire-tables.js";

const GRPC = "@grpc/grpc-js";

const serverCallType: Record<StreamingKind, string> = {
  unary: "handleUnaryCall",
  "server-streaming": "handleServerStreamingCall",
  "client-streaming": "handleClientStreamingCall",
  "bidi-streaming": "handleBidiStreamingCall",
};

export function generateServices(model: ProtocolModel, file: DescFile) {
  return emitForServices(model, file, "grpc", (service, source, imports) => {
    const names = serviceSymbols(service);
    imports.reserve(Object.values(names));
    const method = imports.value(SUPPORT_STEM, "grpcMethod");
    const wireTables = imports.value(WIRE_TABLES_STEM, "wireTables");
    const definition = service.rpcs.map((rpc) => {
      const req = imports.value(rpc.input.stem, rpc.input.tsName);
      const res = imports.value(rpc.output.stem, rpc.output.tsName);
      const streams = streamsOf(rpc.kind);
      const args = [
        JSON.stringify(rpc.path),
        JSON.stringify(rpc.name),
        streams.request,
        streams.response,
        req,
        res,
        `${wireTables}[${JSON.stringify(rpc.input.fullName)}]`,
        `${wireTables}[${JSON.stringify(rpc.output.fullName)}]`,
      ];
      return `${jsDoc(rpc.comment, rpcSignatureNote(rpc))}\n${rpc.key}: ${method}(${args.join(", ")}),`;
    });
    const definitionType = imports.external(GRPC, "ServiceDefinition", true);
    const untyped = imports.external(GRPC, "UntypedServiceImplementation", true);
    const client = imports.external(GRPC, "Client", true);
    const makeClient = imports.external(GRPC, "makeGenericClientConstructor", false);
    const credentials = imports.external(GRPC, "ChannelCredentials", true);
    const clientOptions = imports.external(GRPC, "ClientOptions", true);
    source.addStatements([
      jsDoc(service.comment, `grpc-js service definition of \`${service.fullName}\`.`),
      `export const ${names.definition} = {`,
      ...definition,
      `} as const satisfies ${definitionType};`,
      `export type ${names.definition} = typeof ${names.definition};`,
      `/** What \`server.addService(${names.definition}, …)\` takes for \`${service.fullName}\`. */`,
      `export interface ${names.server} extends ${untyped} {`,
      ...service.rpcs.map(
        (rpc) =>
          `${rpc.key}: ${imports.external(GRPC, serverCallType[rpc.kind], true)}<${imports.message(rpc.input)}, ${imports.message(rpc.output)}>;`,
      ),
      `}`,
      `/** grpc-js client of \`${service.fullName}\` (callback and stream API; the typed client wraps it). */`,
      `export interface ${names.client} extends ${client} {`,
      ...service.rpcs.flatMap((rpc) => clientSignatures(rpc, imports)),
      `}`,
      `export const ${names.client} = ${makeClient}(${names.definition}, ${JSON.stringify(service.fullName)}) as unknown as {`,
      `new (address: string, credentials: ${credentials}, options?: Partial<${clientOptions}>): ${names.client};`,
      `service: typeof ${names.definition};`,
      `serviceName: string;`,
      `};`,
    ]);
  });
}

/** The call shapes grpc-js's generic client accepts, per streaming kind. */
function clientSignatures(rpc: RpcModel, imports: ImportSet): string[] {
  const req = imports.message(rpc.input);
  const res = imports.message(rpc.output);
  const metadata = imports.external(GRPC, "Metadata", true);
  const options = `Partial<${imports.external(GRPC, "CallOptions", true)}>`;
  const callback = `(error: ${imports.external(GRPC, "ServiceError", true)} | null, response: ${res}) => void`;
  const k = rpc.key;
  switch (rpc.kind) {
    case "unary": {
      const call = imports.external(GRPC, "ClientUnaryCall", true);
      return [
        `${k}(request: ${req}, callback: ${callback}): ${call};`,
        `${k}(request: ${req}, metadata: ${metadata}, callback: ${callback}): ${call};`,
        `${k}(request: ${req}, metadata: ${metadata}, options: ${options}, callback: ${callback}): ${call};`,
      ];
    }
    case "server-streaming": {
      const call = `${imports.external(GRPC, "ClientReadableStream", true)}<${res}>`;
      return [
        `${k}(request: ${req}, options?: ${options}): ${call};`,
        `${k}(request: ${req}, metadata?: ${metadata}, options?: ${options}): ${call};`,
      ];
    }
    case "client-streaming": {
      const call = `${imports.external(GRPC, "ClientWritableStream", true)}<${req}>`;
      return [
        `${k}(callback: ${callback}): ${call};`,
        `${k}(metadata: ${metadata}, callback: ${callback}): ${call};`,
        `${k}(options: ${options}, callback: ${callback}): ${call};`,
        `${k}(metadata: ${metadata}, options: ${options}, callback: ${callback}): ${call};`,
      ];
    }
    case "bidi-streaming": {
      const call = `${imports.external(GRPC, "ClientDuplexStream", true)}<${req}, ${res}>`;
      return [
        `${k}(options?: ${options}): ${call};`,
        `${k}(metadata?: ${metadata}, options?: ${options}): ${call};`,
      ];
    }
  }
}
