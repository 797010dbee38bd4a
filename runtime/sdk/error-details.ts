/**
 * The error source on a failed rpc, as the Go SDK sends it
 * (backend/data_adapter.go enrichWithErrorSourceInfo): the gRPC status
 * carries a google.rpc.ErrorInfo detail whose metadata has
 * {"errorSource": "plugin" | "downstream"}, in the standard
 * `grpc-status-details-bin` trailer. Grafana reads it back
 * (ErrorSourceFromGrpcStatusError) to tell, for its plugin-health view, a
 * failing upstream from a failing plugin.
 *
 * The three messages are tiny and fixed (google/rpc/status.proto,
 * error_details.proto, protobuf's Any), so they are written with the wire
 * codec rather than generated.
 */
import { Metadata, type status as GrpcStatus } from "@grpc/grpc-js";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import type { ErrorSource } from "./errors.js";

/** grpc's trailer for a serialized google.rpc.Status. */
export const STATUS_DETAILS_KEY = "grpc-status-details-bin";
/** The ErrorInfo metadata key the Go SDK uses (errorSourceMetadataKey). */
export const ERROR_SOURCE_METADATA_KEY = "errorSource";
const ERROR_INFO_TYPE_URL = "type.googleapis.com/google.rpc.ErrorInfo";

/**
 * Trailing metadata for a failed call with status `code` and `message`
 * whose error source is `source`. The status inside repeats the code and
 * message: grpc-go takes both from it when the trailer is present.
 */
export function errorSourceMetadata(
  code: GrpcStatus,
  message: string,
  source: ErrorSource,
): Metadata {
  const errorInfo = new BinaryWriter();
  // ErrorInfo.metadata (3): map<string, string>, one entry {key: 1, value: 2}.
  errorInfo.uint32((3 << 3) | 2).fork();
  errorInfo.uint32((1 << 3) | 2).string(ERROR_SOURCE_METADATA_KEY);
  errorInfo.uint32((2 << 3) | 2).string(source);
  errorInfo.join();
  const status = new BinaryWriter();
  if (code !== 0) status.uint32((1 << 3) | 0).int32(code); // Status.code
  if (message) status.uint32((2 << 3) | 2).string(message); // Status.message
  status.uint32((3 << 3) | 2).fork(); // Status.details: Any
  status.uint32((1 << 3) | 2).string(ERROR_INFO_TYPE_URL); // Any.type_url
  status.uint32((2 << 3) | 2).bytes(errorInfo.finish()); // Any.value
  status.join();
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(status.finish()));
  return metadata;
}

/** The error source a failed call's trailers carry, or undefined (absent, or not one we know). */
export function errorSourceFromMetadata(metadata: Metadata | undefined): ErrorSource | undefined {
  const raw = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(raw instanceof Uint8Array)) return undefined;
  try {
    for (const any of fields(raw, 3)) {
      const [typeUrl] = fields(any, 1);
      if (new TextDecoder().decode(typeUrl) !== ERROR_INFO_TYPE_URL) continue;
      const [errorInfo = new Uint8Array()] = fields(any, 2);
      for (const entry of fields(errorInfo, 3)) {
        const key = new TextDecoder().decode(fields(entry, 1)[0]);
        const value = new TextDecoder().decode(fields(entry, 2)[0]);
        if (key === ERROR_SOURCE_METADATA_KEY && (value === "plugin" || value === "downstream"))
          return value;
      }
    }
  } catch {
    // Not a google.rpc.Status we can read: no source.
  }
  return undefined;
}

/** Every length-delimited field `number` of a message, in order (others skipped). */
function fields(bytes: Uint8Array, number: number): Uint8Array[] {
  const reader = new BinaryReader(bytes);
  const out: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === number && wireType === 2) out.push(reader.bytes());
    else reader.skip(wireType);
  }
  return out;
}
