/**
 * The handshake line a plugin prints once it listens, go-plugin's
 * `CORE|APP|NETWORK|ADDRESS|grpc|CERT[|MULTIPLEX]` (docs/go-plugin-protocol.md §2):
 * the first and only thing this process writes to stdout.
 */
import { writeSync } from "node:fs";
import { MULTIPLEX_GRPC_ENV } from "../go-plugin/environment.js";
import type { Logger } from "../log/hclog.js";
import type { ListenAddress } from "./listener.js";

export interface HandshakeFields {
  coreProtocolVersion: number;
  protocolVersion: number;
  address: ListenAddress;
  /** The AutoMTLS certificate field, or "". */
  certField: string;
}

export function writeHandshakeLine(
  fields: HandshakeFields,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): void {
  const line = [
    fields.coreProtocolVersion,
    fields.protocolVersion,
    fields.address.network,
    fields.address.address,
    "grpc",
    fields.certField,
    ...multiplexField(env, logger),
  ].join("|");
  // fd 1 itself: process.stdout goes to the log (log/console-capture.ts).
  writeSync(1, line + "\n");
}

/**
 * The handshake line's 7th field, written only when the host set
 * PLUGIN_MULTIPLEX_GRPC, as go-plugin does: older hosts split the line into
 * six fields and would glue a seventh onto the certificate. A Go plugin
 * answers `true` and speaks yamux on its socket from then on; we do not
 * multiplex broker connections (no Grafana protocol uses the broker), so we
 * answer `false`, and a host that asked for multiplexing stops with
 * go-plugin's own ErrGRPCBrokerMuxNotSupported instead of talking yamux to a
 * plain gRPC server. A host that did not ask ignores the field.
 */
function multiplexField(env: NodeJS.ProcessEnv, logger: Logger): string[] {
  const value = env[MULTIPLEX_GRPC_ENV];
  if (!value) return [];
  // Go's strconv.ParseBool spellings of true: what go-plugin takes as a request.
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value))
    logger.warn(
      "PLUGIN_MULTIPLEX_GRPC asks for gRPC broker multiplexing, which this runtime does not do",
      {
        [MULTIPLEX_GRPC_ENV]: value,
        answer: "false",
      },
    );
  return ["false"];
}
