/**
 * grafana-plugin-ts runtime: the public API. Everything not exported here is
 * internal and may change.
 */
export { serve, ServeError, type ServeOptions, type ServingPlugin } from "./plugin/serve.js";
export { startPlugin, type HostedPlugin, type StartPluginOptions } from "./host/start-plugin.js";
export { HandshakeError, parseHandshakeLine, type Handshake } from "./host/handshake-line.js";
export { PluginStartError, type PluginLogEntry } from "./host/plugin-process.js";
export {
  createLogger,
  parseLogLevel,
  LOG_LEVEL_ENV,
  type Logger,
  type LogLevel,
} from "./log/hclog.js";
export { NegotiationError, negotiateVersion } from "./plugin/negotiate.js";
export * from "./go-plugin/environment.js";
export { NOT_A_PLUGIN_MESSAGE } from "./go-plugin/constants.js";
export type {
  ClientsFor,
  HandlersFor,
  PluginSetDefinition,
  ProtocolGlue,
  VersionedHandlersFor,
} from "./protocol-glue.js";
// The SDK layer (typed handlers, instance manager, query mux, resource router, streams).
export * from "./sdk/index.js";
// Query-building helpers (durations, intervals, relative time, macros), like the Go SDK's gtime.
export * from "./query/index.js";
