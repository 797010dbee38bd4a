/**
 * The environment contract between a go-plugin host and a plugin, as
 * go-plugin's client sets it and its `Serve` reads it (hashicorp/go-plugin
 * constants.go, client.go, server.go), plus our own two variables. The host
 * (runtime/host) and the plugin side (runtime/plugin) both read these names here.
 */

/** Versions the host can speak, comma-separated (e.g. "1,2"). Absent with old hosts. */
export const PROTOCOL_VERSIONS_ENV = "PLUGIN_PROTOCOL_VERSIONS";
/** TCP port range the host allows (go-plugin uses TCP on Windows, we when asked). */
export const MIN_PORT_ENV = "PLUGIN_MIN_PORT";
export const MAX_PORT_ENV = "PLUGIN_MAX_PORT";
/** Directory for the unix socket (default: the OS temp dir). */
export const UNIX_SOCKET_DIR_ENV = "PLUGIN_UNIX_SOCKET_DIR";
/** Group (name or gid) that should own the socket, so a host under another user can connect. */
export const UNIX_SOCKET_GROUP_ENV = "PLUGIN_UNIX_SOCKET_GROUP";
/** The host's PEM certificate: when set, AutoMTLS is on and only that certificate is accepted. */
export const CLIENT_CERT_ENV = "PLUGIN_CLIENT_CERT";
/** Host can multiplex broker connections; we do not, so the handshake line answers `false` (serve.ts). */
export const MULTIPLEX_GRPC_ENV = "PLUGIN_MULTIPLEX_GRPC";
/**
 * Ours, not go-plugin's: "tcp" makes the plugin listen on 127.0.0.1 within the
 * port range instead of a unix socket (go-plugin picks TCP only on Windows).
 */
export const TRANSPORT_ENV = "GF_PLUGIN_TS_TRANSPORT";
/**
 * Ours: "1" when the host (startPlugin) gives the plugin a stdin pipe that
 * closes when the host dies, so the plugin may stop on its end
 * (plugin/lifecycle.ts). Other hosts pass their own stdin, which says nothing.
 */
export const PARENT_PIPE_ENV = "GF_PLUGIN_TS_PARENT_PIPE";
