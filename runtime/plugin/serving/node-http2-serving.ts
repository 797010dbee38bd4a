/** serve()'s GrpcServing on our node:http2 server (node-http2/server.ts). */
import type { GrpcServing, TlsIdentity } from "./grpc-serving.js";
import { NodeHttp2GrpcServer } from "./node-http2/server.js";

export function nodeHttp2Serving(options: {
  maxReceiveMessageBytes: number;
  tls?: TlsIdentity;
}): GrpcServing {
  const server = new NodeHttp2GrpcServer(options);
  return {
    kind: "node-http2",
    addService: (service, implementation) => server.addService(service, implementation),
    bind: (target) => server.bind(target),
    tryShutdown: (done) => server.tryShutdown(done),
    forceShutdown: () => server.forceShutdown(),
  };
}
