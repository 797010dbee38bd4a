/**
 * Parsing the handshake line a plugin prints, the way go-plugin's client
 * does (client.go): `CORE|APP|NETWORK|ADDRESS|PROTOCOL[|CERT[|MULTIPLEX]]`.
 * Every check has its own message quoting the line, because a handshake
 * failure is the first (and most opaque) thing plugin authors meet.
 */

export interface Handshake {
  coreProtocolVersion: number;
  protocolVersion: number;
  network: "unix" | "tcp";
  address: string;
  protocol: "grpc";
  /** Base64 (no padding) DER of the plugin's certificate, when AutoMTLS is on. */
  cert?: string;
  multiplex: boolean;
}

export class HandshakeError extends Error {
  override name = "HandshakeError";
}

/**
 * @param coreProtocolVersion go-plugin's core protocol version, from the
 *   generated glue's handshake (protocol.config.json says it once).
 */
export function parseHandshakeLine(
  line: string,
  offeredVersions: readonly number[],
  coreProtocolVersion: number,
): Handshake {
  const trimmed = line.trim();
  const parts = trimmed.split("|");
  const quote = JSON.stringify(trimmed.length > 200 ? trimmed.slice(0, 200) + "…" : trimmed);
  if (parts.length < 5)
    throw new HandshakeError(
      `unrecognized remote plugin message ${quote}: expected CORE|VERSION|NETWORK|ADDRESS|grpc (was anything printed to stdout before the handshake?)`,
    );
  const [core, version, network, address, protocol, cert, multiplex] = parts;
  if (Number(core) !== coreProtocolVersion)
    throw new HandshakeError(
      `incompatible core protocol version ${core} in ${quote}: this host speaks ${coreProtocolVersion}`,
    );
  const protocolVersion = Number(version);
  if (!offeredVersions.includes(protocolVersion))
    throw new HandshakeError(
      `plugin chose protocol version ${version} in ${quote}, but the host offered ${offeredVersions.join(", ")}`,
    );
  if (network !== "unix" && network !== "tcp")
    throw new HandshakeError(`unknown network "${network}" in ${quote}: expected unix or tcp`);
  if (protocol !== "grpc")
    throw new HandshakeError(`plugin speaks "${protocol}" in ${quote}; only grpc is supported`);
  if (!address) throw new HandshakeError(`empty address in ${quote}`);
  return {
    coreProtocolVersion,
    protocolVersion,
    network,
    address,
    protocol: "grpc",
    cert: cert ? cert : undefined,
    multiplex: multiplex === "true",
  };
}
