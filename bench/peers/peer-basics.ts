/**
 * What both benchmark peers (floor-plugin.ts, naive-plugin.ts) need besides
 * their transport, written out by hand instead of taken from the runtime so
 * that neither peer runs any of our serving code:
 *
 * - go-plugin's start contract, with the generated handshake constants: refuse to run without the magic cookie, pick
 *   a unix socket in PLUGIN_UNIX_SOCKET_DIR (else the temp dir), print the
 *   handshake line `CORE|APP|unix|PATH|grpc|` on fd 1 (runtime/plugin/
 *   handshake.ts and listener.ts do the same with every option handled);
 * - the fixed QueryData answer test/fixtures/plugins/echo-plugin.ts and the
 *   Go plugin give: per query, one "frame" `goplugin-frame:refId=<refId>`,
 *   status 200.
 */
import { writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The generated manifest: the same constants as output/glue.js's `handshake`
// and `latestProtocolVersion`, without glue's import of grpc-js (the floor
// peer must not load it).
import manifest from "../../output/protocol.json" with { type: "json" };
import { QueryDataResponse, type QueryDataRequest } from "../../output/pluginv2/backend.js";

const { handshake, latestProtocolVersion } = manifest;
const FRAME_PREFIX = "goplugin-frame:refId=";

/** Exits with go-plugin's own refusal when the host's magic cookie is missing. */
export function requireMagicCookie(): void {
  if (process.env[handshake.magicCookieKey] === handshake.magicCookieValue) return;
  process.stderr.write("This binary is a plugin. These are not meant to be executed directly.\n");
  process.exit(1);
}

/**
 * A fresh socket path in the host's socket dir. The caller binds it under
 * umask 0177, so the socket is born 0600 (no window for other local users).
 */
export function unixSocketPath(): string {
  const dir = process.env.PLUGIN_UNIX_SOCKET_DIR || tmpdir();
  return join(dir, `plugin${randomBytes(6).toString("hex")}`);
}

/** Binds with `bind` under umask 0177 and restores the umask afterwards. */
export async function bindPrivately<T>(bind: () => Promise<T>): Promise<T> {
  const previous = process.umask(0o177);
  try {
    return await bind();
  } finally {
    process.umask(previous);
  }
}

/**
 * Prints the handshake line on fd 1 (the only stdout write). A 7th field is
 * added only when the host offered multiplexing (older hosts split the line
 * into six fields); we answer `false`, as we do not multiplex.
 */
export function printHandshake(socketPath: string): void {
  const fields = [
    handshake.coreProtocolVersion,
    latestProtocolVersion,
    "unix",
    socketPath,
    "grpc",
    "",
  ];
  if (process.env.PLUGIN_MULTIPLEX_GRPC) fields.push("false");
  writeSync(1, fields.join("|") + "\n");
}

/** The benchmark's fixed answer: one small "frame" per query, as the Go plugin sends. */
export function fixedAnswer(request: QueryDataRequest): QueryDataResponse {
  return QueryDataResponse.fromPartial({
    responses: Object.fromEntries(
      request.queries.map((q) => [
        q.refId,
        { frames: [Buffer.from(FRAME_PREFIX + q.refId)], status: 200 },
      ]),
    ),
  });
}
