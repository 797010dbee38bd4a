/**
 * grpc-message's encoding (gRPC over HTTP/2 spec): the message's UTF-8
 * bytes outside 0x20–0x7E, and "%", as %XX. No dependencies: the bench's
 * floor peer uses it too without loading a gRPC library.
 */
const PLAIN = /^[\x20-\x24\x26-\x7e]*$/;

/** grpc-message: bytes outside 0x20–0x7E, and "%", as %XX of their UTF-8. */
export function percentEncode(message: string): string {
  if (PLAIN.test(message)) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8"))
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}
