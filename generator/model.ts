/**
 * The protocol model: what every emitter needs to know, computed once from
 * the descriptors in the buf request plus the glue config. Emitters never
 * look at raw descriptors for services, so naming and plugin-set decisions
 * are made in exactly one place.
 */
import type { DescFile, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";
import { versionFromPackageSuffix, type HandshakeConfig, type ProtocolConfig } from "./config.js";
import { fileStem, methodKey, serviceKey, tsTypeName } from "./naming.js";

export type StreamingKind = "unary" | "server-streaming" | "client-streaming" | "bidi-streaming";

/** A message type as our emitted code refers to it. */
export interface TypeRef {
  /** Fully-qualified proto name, e.g. `pluginv2.CheckHealthRequest`. */
  fullName: string;
  /** ts-proto's exported TypeScript name. */
  tsName: string;
  /** Stem of the output file that defines it (ts-proto writes `<stem>.ts`). */
  stem: string;
}

export interface RpcModel {
  name: string;
  /** grpc-js method key and handler method name. */
  key: string;
  /** gRPC path, `/package.Service/Rpc`. */
  path: string;
  kind: StreamingKind;
  input: TypeRef;
  output: TypeRef;
  comment: string;
}

export interface ServiceModel {
  name: string;
  fullName: string;
  /** lower-camel key used in handler maps, e.g. `diagnostics`. */
  key: string;
  stem: string;
  comment: string;
  rpcs: RpcModel[];
  /** go-plugin plugin name, present for services in a plugin set. */
  goPluginName?: string;
  /** Where the go-plugin name came from: the config, or the lower-case convention (with a warning). */
  goPluginNameSource?: "config" | "convention";
}

export interface PluginSetModel {
  protocolVersion: number;
  packages: string[];
  services: ServiceModel[];
}

export interface ProtocolModel {
  handshake: HandshakeConfig;
  files: DescFile[];
  services: ServiceModel[];
  /**
   * Sorted by protocol version. Defaults taken (a service named by convention,
   * a package versioned by its suffix) are recorded here and in the manifest,
   * where the generate command reads them to warn.
   */
  pluginSets: PluginSetModel[];
  /** The input and output types of every rpc, in order of first use (the wire tables start from these). */
  rpcMessages: DescMessage[];
}

export class ModelError extends Error {
  override name = "ModelError";
}

export function buildProtocolModel(files: DescFile[], config: ProtocolConfig): ProtocolModel {
  const services: ServiceModel[] = [];
  const rpcMessages = new Set<DescMessage>();
  const sets = new Map<number, PluginSetModel>();
  for (const file of files) {
    const pkg = file.proto.package;
    const infra = config.infrastructurePackages.includes(pkg);
    const setConfig = config.pluginSets[pkg];
    for (const desc of file.services) {
      for (const method of desc.methods) rpcMessages.add(method.input).add(method.output);
      const service = serviceModel(desc);
      services.push(service);
      if (infra) continue;
      const version = setConfig?.protocolVersion ?? versionFromPackage(pkg);
      const configured = setConfig?.services[desc.name];
      service.goPluginName = configured ?? desc.name.toLowerCase();
      service.goPluginNameSource = configured ? "config" : "convention";
      const set = sets.get(version) ?? { protocolVersion: version, packages: [], services: [] };
      if (!set.packages.includes(pkg)) set.packages.push(pkg);
      const clash = set.services.find((s) => s.goPluginName === service.goPluginName);
      if (clash)
        throw new ModelError(
          `${file.proto.name}: services ${clash.fullName} and ${service.fullName} both register as go-plugin plugin "${service.goPluginName}" in protocol version ${version}; name one differently in protocol.config.json`,
        );
      set.services.push(service);
      sets.set(version, set);
    }
  }
  const pluginSets = [...sets.values()].sort((a, b) => a.protocolVersion - b.protocolVersion);
  return {
    handshake: config.handshake,
    files,
    services,
    pluginSets,
    rpcMessages: [...rpcMessages],
  };
}

/** A package without a plugin set: version from its `vN` suffix, else 1. */
function versionFromPackage(pkg: string): number {
  return versionFromPackageSuffix(pkg) ?? 1;
}

function serviceModel(desc: DescService): ServiceModel {
  return {
    name: desc.name,
    fullName: desc.typeName,
    key: serviceKey(desc),
    stem: fileStem(desc.file),
    comment: commentOf(desc),
    rpcs: desc.methods.map((m) => rpcModel(desc, m)),
  };
}

function rpcModel(service: DescService, method: DescMethod): RpcModel {
  return {
    name: method.name,
    key: methodKey(method.name),
    path: `/${service.typeName}/${method.name}`,
    kind: streamingKind(method),
    input: typeRef(method.input),
    output: typeRef(method.output),
    comment: commentOf(method),
  };
}

/** Which sides of an rpc of this kind stream (grpc-js's requestStream / responseStream). */
export function streamsOf(kind: StreamingKind): { request: boolean; response: boolean } {
  return {
    request: kind === "client-streaming" || kind === "bidi-streaming",
    response: kind === "server-streaming" || kind === "bidi-streaming",
  };
}

function streamingKind(method: DescMethod): StreamingKind {
  switch (method.methodKind) {
    case "unary":
      return "unary";
    case "server_streaming":
      return "server-streaming";
    case "client_streaming":
      return "client-streaming";
    case "bidi_streaming":
      return "bidi-streaming";
  }
}

export function typeRef(message: DescMessage): TypeRef {
  return { fullName: message.typeName, tsName: tsTypeName(message), stem: fileStem(message.file) };
}

function commentOf(desc: DescService | DescMethod): string {
  try {
    return (getComments(desc).leading ?? "").trim();
  } catch {
    return "";
  }
}
