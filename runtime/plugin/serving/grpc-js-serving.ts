/**
 * serve()'s GrpcServing on @grpc/grpc-js's Server, as plugins were served
 * before the node:http2 server: with grpc-go's answers to malformed framing
 * (grpc-framing-checks.ts) and raised HTTP/2 stream reset limits.
 */
import { Server, ServerCredentials, type ChannelOptions } from "@grpc/grpc-js";
import { grpcFramingChecks } from "../grpc-framing-checks.js";
import { raiseStreamResetLimits } from "../stream-reset-limits.js";
import type { GrpcServing, TlsIdentity } from "./grpc-serving.js";

export function grpcJsServing(options: {
  maxReceiveMessageBytes: number;
  tls?: TlsIdentity;
  grpcOptions?: ChannelOptions;
  onDrift: (message: string) => void;
}): GrpcServing {
  const server = new Server({
    "grpc.max_receive_message_length": options.maxReceiveMessageBytes,
    "grpc.max_send_message_length": -1,
    ...options.grpcOptions,
    // Malformed framing gets grpc-go's answers (see grpc-framing-checks.ts).
    interceptors: [grpcFramingChecks(options.onDrift)],
  });
  raiseStreamResetLimits(server);
  const tls = options.tls;
  const credentials = tls
    ? ServerCredentials.createSsl(
        Buffer.from(tls.clientCaPem),
        [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }],
        true,
      )
    : ServerCredentials.createInsecure();
  return {
    kind: "grpc-js",
    addService: (service, implementation) => server.addService(service, implementation),
    bind: (target) =>
      new Promise((resolve, reject) =>
        server.bindAsync(target, credentials, (error, port) =>
          error ? reject(error) : resolve(port),
        ),
      ),
    tryShutdown: (done) => server.tryShutdown(done),
    forceShutdown: () => server.forceShutdown(),
  };
}
