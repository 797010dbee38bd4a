/**
 * The gRPC server a plugin serves on, behind one small interface so serve()
 * does not care which: `node-http2` (ours, the default: node-http2/server.ts)
 * or `grpc-js` (@grpc/grpc-js's Server). Both take the grpc-js service
 * definitions and implementations the generated adapters produce, so
 * handlers are the same on either. GF_PLUGIN_TS_GRPC_SERVER or serve()'s
 * `grpcServer` option picks one.
 */
import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";

export const GRPC_SERVER_ENV = "GF_PLUGIN_TS_GRPC_SERVER";
export const GRPC_SERVERS = ["node-http2", "grpc-js"] as const;
export type GrpcServerKind = (typeof GRPC_SERVERS)[number];
export const DEFAULT_GRPC_SERVER: GrpcServerKind = "node-http2";

/** AutoMTLS: our certificate and key, and the host's certificate every client must present. */
export interface TlsIdentity {
  clientCaPem: string;
  keyPem: string;
  certPem: string;
}

export interface GrpcServing {
  readonly kind: GrpcServerKind;
  addService(service: ServiceDefinition, implementation: UntypedServiceImplementation): void;
  /** Listens on `unix:<path>` or `<host>:<port>`; resolves the bound port (0 for unix). */
  bind(target: string): Promise<number>;
  /** Refuse new calls (GOAWAY), let in-flight ones finish, then `done`. */
  tryShutdown(done: (error?: Error) => void): void;
  /** Cut every call now. */
  forceShutdown(): void;
}

export class GrpcServerChoiceError extends Error {
  override name = "GrpcServerChoiceError";
}

/** The option if given, else the environment, else the default; anything else is an error naming its source. */
export function chooseGrpcServer(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
): GrpcServerKind {
  const [value, source] =
    option !== undefined
      ? [option, "serve() option grpcServer"]
      : [env[GRPC_SERVER_ENV], GRPC_SERVER_ENV];
  if (value === undefined || value === "") return DEFAULT_GRPC_SERVER;
  if ((GRPC_SERVERS as readonly string[]).includes(value)) return value as GrpcServerKind;
  throw new GrpcServerChoiceError(
    `${source}="${value}": expected one of ${GRPC_SERVERS.map((s) => `"${s}"`).join(", ")}`,
  );
}
