/** The chosen gRPC server, set up: what serve() and the SDK's test server serve on. */
import type { ChannelOptions } from "@grpc/grpc-js";
import { grpcJsServing } from "./grpc-js-serving.js";
import {
  GrpcServerChoiceError,
  type GrpcServerKind,
  type GrpcServing,
  type TlsIdentity,
} from "./grpc-serving.js";
import { NodeHttp2GrpcServer } from "./node-http2/server.js";

/** Largest request message accepted by default: 16 MiB, the Go SDK's default. */
export const DEFAULT_MAX_RECEIVE_BYTES = 16 * 1024 * 1024;

export interface GrpcServingOptions {
  kind: GrpcServerKind;
  /** Default DEFAULT_MAX_RECEIVE_BYTES. */
  maxReceiveMessageBytes?: number;
  tls?: TlsIdentity;
  /** grpc-js server options: the grpc-js server only. */
  grpcOptions?: ChannelOptions;
  /** Told when grpc-js's internals moved and some framing checks are off (grpc-js only). */
  onDrift?: (message: string) => void;
}

export function createGrpcServing(options: GrpcServingOptions): GrpcServing {
  const maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
  if (options.kind === "grpc-js")
    return grpcJsServing({
      maxReceiveMessageBytes,
      tls: options.tls,
      grpcOptions: options.grpcOptions,
      onDrift: options.onDrift ?? (() => {}),
    });
  const grpcOptions = Object.keys(options.grpcOptions ?? {});
  if (grpcOptions.length > 0)
    throw new GrpcServerChoiceError(
      `grpcOptions (${grpcOptions.join(", ")}) apply to the grpc-js server only: set grpcServer: "grpc-js" to use them`,
    );
  return new NodeHttp2GrpcServer({ maxReceiveMessageBytes, tls: options.tls });
}
