/**
 * go-plugin's fixed values that host and plugin must agree on beyond the
 * environment (environment.ts) and the handshake constants of a protocol
 * (the generated glue's \`handshake\`, from protocol.config.json).
 */

/** The grpc.health.v1 service name go-plugin's client checks (Ping) for the plugin process. */
export const GO_PLUGIN_HEALTH_SERVICE = "plugin";

/**
 * The TCP port range a go-plugin client offers by default (ClientConfig
 * MinPort/MaxPort), in PLUGIN_MIN_PORT/PLUGIN_MAX_PORT; a plugin given none uses it too.
 */
export const DEFAULT_PORT_RANGE = { min: 10_000, max: 25_000 } as const;

/**
 * How long go-plugin's Kill waits for the plugin to exit after Shutdown
 * before it SIGKILLs it (client.go). The plugin's shutdown grace stays under it.
 */
export const KILL_GRACE_MS = 2_000;

/** Exactly go-plugin's text for a binary started without the magic cookie (server.go). */
export const NOT_A_PLUGIN_MESSAGE =
  "This binary is a plugin. These are not meant to be executed directly.\n" +
  "Please execute the program that consumes these plugins, which will\n" +
  "load any plugins automatically\n";
