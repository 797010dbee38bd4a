/**
 * The shape of the generated glue (output/glue.ts `protocol`) as the runtime
 * sees it. Structural on purpose: the runtime never imports a particular
 * protocol revision, so bindings generated from any .proto plug straight in.
 */
import type { Client, ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";

export interface PluginDefinition {
  readonly serviceName: string;
  readonly service: ServiceDefinition<any> | Record<string, unknown>;
  readonly createService: (
    handler: any,
    options?: { onError?(error: unknown, rpc: string): void },
  ) => UntypedServiceImplementation | object;
  readonly Client: new (address: string, credentials: any, options?: any) => Client;
  readonly TypedClient: new (raw: any) => unknown;
}

export interface PluginSetDefinition {
  readonly protocolVersion: number;
  readonly packages: readonly string[];
  readonly plugins: { readonly [name: string]: PluginDefinition };
}

export interface ProtocolGlue {
  readonly handshake: {
    readonly coreProtocolVersion: number;
    readonly magicCookieKey: string;
    readonly magicCookieValue: string;
  };
  readonly pluginSets: { readonly [version: number]: PluginSetDefinition };
  readonly latestProtocolVersion: number;
}

/** Handlers for one plugin set: per go-plugin plugin name, the generated handler interface. */
export type HandlersFor<S extends PluginSetDefinition> = {
  [K in keyof S["plugins"]]?: Parameters<S["plugins"][K]["createService"]>[0];
};

/** Handlers per protocol version. */
export type VersionedHandlersFor<G extends ProtocolGlue> = {
  [V in keyof G["pluginSets"]]?: G["pluginSets"][V] extends PluginSetDefinition
    ? HandlersFor<G["pluginSets"][V]>
    : never;
};

/** Typed clients for one plugin set, as the host returns them. */
export type ClientsFor<S extends PluginSetDefinition> = {
  [K in keyof S["plugins"]]: InstanceType<S["plugins"][K]["TypedClient"]>;
};
