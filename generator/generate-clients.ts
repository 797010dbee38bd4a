/**
 * Typed clients: promises for unary calls, async iterators for streams,
 * cancellation through an AbortSignal. They wrap ts-proto's grpc-js clients,
 * which stay reachable as `.raw`.
 */
import type { DescFile } from "@bufbuild/protobuf";
import { Scope } from "ts-morph";
import type { ProtocolModel, RpcModel, ServiceModel } from "./model.js";
import { rpcSignatureNote, SUPPORT_STEM } from "./generate-handlers.js";
import {
  docText,
  finishSourceFile,
  ImportSet,
  newSourceFile,
  type GeneratedFile,
} from "./source-file.js";

export function typedClientName(service: ServiceModel): string {
  return `${service.name}TypedClient`;
}

export function generateClients(model: ProtocolModel, file: DescFile): GeneratedFile | undefined {
  const services = model.services.filter((s) => s.stem === file.name);
  if (services.length === 0) return undefined;
  const name = `${file.name}.clients.ts`;
  const source = newSourceFile(name);
  const imports = new ImportSet(name);
  for (const service of services) {
    const raw = imports.value(service.stem, `${service.name}Client`);
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
  }
  imports.writeTo(source);
  return finishSourceFile(source, {
    generator: "grafana-plugin-ts (clients)",
    sources: [file.proto.name],
  });
}

function clientMethod(rpc: RpcModel, imports: ImportSet) {
  const req = imports.value(rpc.input.stem, rpc.input.tsName);
  const res = imports.message(rpc.output);
  const partial = imports.type(SUPPORT_STEM, "DeepPartial");
  const options = {
    name: "options",
    type: imports.type(SUPPORT_STEM, "ClientCallOptions"),
    hasQuestionToken: true,
  };
  const key = JSON.stringify(rpc.key);
  const docs = [docText(rpc.comment, rpcSignatureNote(rpc))];
  switch (rpc.kind) {
    case "unary":
      return {
        name: rpc.key,
        docs,
        parameters: [{ name: "request", type: `${partial}<${req}>` }, options],
        returnType: `Promise<${res}>`,
        statements: [
          `return ${imports.value(SUPPORT_STEM, "unaryCall")}<${req}, ${res}>(this.raw, ${key}, ${req}.fromPartial(request), options);`,
        ],
      };
    case "server-streaming":
      return {
        name: rpc.key,
        docs,
        parameters: [{ name: "request", type: `${partial}<${req}>` }, options],
        returnType: `${imports.type(SUPPORT_STEM, "ResponseStream")}<${res}>`,
        statements: [
          `return ${imports.value(SUPPORT_STEM, "serverStreamingCall")}<${req}, ${res}>(this.raw, ${key}, ${req}.fromPartial(request), options);`,
        ],
      };
    case "client-streaming":
      return {
        name: rpc.key,
        docs,
        parameters: [
          { name: "requests", type: `AsyncIterable<${req}> | Iterable<${req}>` },
          options,
        ],
        returnType: `Promise<${res}>`,
        statements: [
          `return ${imports.value(SUPPORT_STEM, "clientStreamingCall")}<${req}, ${res}>(this.raw, ${key}, requests, options);`,
        ],
      };
    case "bidi-streaming":
      return {
        name: rpc.key,
        docs,
        parameters: [
          { name: "requests", type: `AsyncIterable<${req}> | Iterable<${req}>` },
          options,
        ],
        returnType: `${imports.type(SUPPORT_STEM, "ResponseStream")}<${res}>`,
        statements: [
          `return ${imports.value(SUPPORT_STEM, "bidiStreamingCall")}<${req}, ${res}>(this.raw, ${key}, requests, options);`,
        ],
      };
  }
}
