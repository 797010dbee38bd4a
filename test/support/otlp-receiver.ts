/**
 * An OTLP trace receiver for tests: a real gRPC server implementing
 * opentelemetry.proto.collector.trace.v1.TraceService/Export from the
 * upstream protos (test/fixtures/otlp), keeping every span it is sent.
 */
import { fileURLToPath } from "node:url";
import { loadPackageDefinition, Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

const PROTO_ROOT = fileURLToPath(new URL("../fixtures/otlp", import.meta.url));

export interface ReceivedSpan {
  name: string;
  /** Hex, as in a traceparent. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** SPAN_KIND_SERVER, SPAN_KIND_INTERNAL, … */
  kind: string;
  attributes: Record<string, unknown>;
  status: { code: string; message: string };
  events: string[];
  /** The resource's attributes (service.name, …). */
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** host:port, what GF_INSTANCE_OTLP_ADDRESS holds. */
  address: string;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const definition = loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", {
    includeDirs: [PROTO_ROOT],
    enums: String,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  const proto = loadPackageDefinition(definition) as any;
  const service = proto.opentelemetry.proto.collector.trace.v1.TraceService.service;
  const spans: ReceivedSpan[] = [];
  const server = new Server();
  server.addService(service, {
    export(call: any, callback: (error: null, response: object) => void) {
      for (const resourceSpans of call.request.resourceSpans) {
        const resource = attributesOf(resourceSpans.resource?.attributes ?? []);
        for (const scope of resourceSpans.scopeSpans)
          for (const span of scope.spans)
            spans.push({
              name: span.name,
              traceId: hex(span.traceId),
              spanId: hex(span.spanId),
              parentSpanId: hex(span.parentSpanId),
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              status: { code: span.status?.code ?? "", message: span.status?.message ?? "" },
              events: span.events.map((e: { name: string }) => e.name),
              resource,
            });
      }
      callback(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

function hex(bytes: Buffer | undefined): string {
  return bytes ? Buffer.from(bytes).toString("hex") : "";
}

function attributesOf(list: { key: string; value: Record<string, unknown> }[]) {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    const kind = value.value as string;
    const v = value[kind];
    out[key] = kind === "intValue" ? Number(v) : v;
  }
  return out;
}
