/**
 * serve(): what a plugin's main calls — go-plugin's `plugin.Serve` for a
 * TypeScript process, in named steps: check the cookie, negotiate the version,
 * build the gRPC server, listen, print the handshake line, and stay up until
 * the host says Shutdown (or SIGTERM, or the host dies). Console output goes
 * to the log on stderr (log/console-capture.ts), never to stdout.
 */
import { X509Certificate } from "node:crypto";
import { writeSync } from "node:fs";
import type { ChannelOptions } from "@grpc/grpc-js";
import { captureConsole } from "../log/console-capture.js";
import { createLogger, type Logger } from "../log/hclog.js";
import type {
  HandlersFor,
  PluginSetDefinition,
  ProtocolGlue,
  VersionedHandlersFor,
} from "../protocol-glue.js";
import { KILL_GRACE_MS, NOT_A_PLUGIN_MESSAGE } from "../go-plugin/constants.js";
import { CLIENT_CERT_ENV, PROTOCOL_VERSIONS_ENV } from "../go-plugin/environment.js";
import { encodeHandshakeCert, generateCertificate } from "../go-plugin/mtls.js";
import { NODE_20_RESET_WARNING, nodeHonoursStreamResetLimits } from "./stream-reset-limits.js";
import { addGoPluginServices } from "./go-plugin-services.js";
import { guardCrashes } from "./crash-guard.js";
import { createGrpcServing } from "./serving/create-grpc-serving.js";
import {
  chooseGrpcServer,
  type GrpcServerKind,
  type GrpcServing,
  type TlsIdentity,
} from "./serving/grpc-serving.js";
import { writeHandshakeLine } from "./handshake.js";
import { watchLifecycle } from "./lifecycle.js";
import { listen, type ListenAddress } from "./listener.js";
import { negotiateVersion } from "./negotiate.js";
import {
  STANDALONE_SERVER_ENV,
  pluginDirectory,
  pointAtStandaloneServer,
  runningStandaloneServer,
} from "./standalone.js";

type LatestSet<G extends ProtocolGlue> = G["pluginSets"][G["latestProtocolVersion"]];

export interface ServeOptions<G extends ProtocolGlue> {
  /** The generated glue: `import { protocol } from "<output>/glue.js"`. */
  protocol: G;
  /** Handlers for the newest protocol version, keyed by go-plugin plugin name. */
  handlers?: LatestSet<G> extends PluginSetDefinition ? HandlersFor<LatestSet<G>> : never;
  /** Handlers per protocol version, for plugins serving several majors (instead of `handlers`). */
  versions?: VersionedHandlersFor<G>;
  /** Default: hclog JSON on stderr, module "plugin", level from GF_PLUGIN_LOG_LEVEL. */
  logger?: Logger;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Largest request accepted; default 16 MiB, the Go SDK's default. */
  maxReceiveMessageBytes?: number;
  /**
   * The gRPC server: "node-http2" (default; ours, on node:http2) or "grpc-js".
   * Default: GF_PLUGIN_TS_GRPC_SERVER, else "node-http2".
   */
  grpcServer?: GrpcServerKind;
  /** Extra grpc-js server options (the "grpc-js" server only). */
  grpcOptions?: ChannelOptions;
  /**
   * How long in-flight calls may finish on shutdown before they are cut;
   * default 1.5 s, under the 2 s a go-plugin host waits after Shutdown before
   * it SIGKILLs the plugin.
   */
  shutdownGraceMs?: number;
  /**
   * Runs once the server has stopped taking calls, before the process exits
   * (release pools, dispose instances). Bounded by ON_STOP_TIMEOUT_MS: the
   * host kills the process soon after asking it to stop.
   */
  onStop?: (reason: string) => void | Promise<void>;
  /** Default: process.exit. Tests pass their own. */
  exit?: (code: number) => void;
}

export interface ServingPlugin {
  protocolVersion: number;
  listen: ListenAddress;
  /** Graceful stop: refuse new calls, let in-flight ones finish (up to the grace), then exit(0). */
  stop(reason: string): Promise<void>;
}

export class ServeError extends Error {
  override name = "ServeError";
}

/** In-flight calls get this long on shutdown: under go-plugin's Kill wait, with room to exit. */
const SHUTDOWN_GRACE_MS = KILL_GRACE_MS - 500;

export async function serve<G extends ProtocolGlue>(
  options: ServeOptions<G>,
): Promise<ServingPlugin> {
  // Bundles do this before the plugin's modules load (console-preload.ts); unbundled runs here.
  captureConsole();
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = options.logger ?? createLogger({ module: "plugin" });
  const { magicCookieKey, magicCookieValue, coreProtocolVersion } = options.protocol.handshake;
  if (env[magicCookieKey] !== magicCookieValue) {
    writeSync(2, NOT_A_PLUGIN_MESSAGE);
    exit(1);
    throw new ServeError(`magic cookie ${magicCookieKey} is not set to the expected value`);
  }
  try {
    const versions = handlersByVersion(options);
    const version = negotiateVersion([...versions.keys()], env[PROTOCOL_VERSIONS_ENV]);
    const isStandaloneServer = env[STANDALONE_SERVER_ENV] === "1";
    const standalone = isStandaloneServer ? undefined : runningStandaloneServer(pluginDirectory());
    if (standalone) {
      const locator = pointAtStandaloneServer(standalone, pluginDirectory(), {
        coreProtocolVersion,
        protocolVersion: version,
        env,
        logger,
        exit,
      });
      return { protocolVersion: version, ...locator };
    }
    const stopped = new AbortController();
    let stopping: Promise<void> | undefined;
    const { tls, certField } = await tlsIdentity(env);
    const server = createGrpcServing({
      kind: chooseGrpcServer(options.grpcServer, env),
      maxReceiveMessageBytes: options.maxReceiveMessageBytes,
      tls,
      grpcOptions: options.grpcOptions,
      onDrift: (message) => logger.warn(message),
    });
    if (!nodeHonoursStreamResetLimits()) logger.warn(NODE_20_RESET_WARNING);
    const stop = (reason: string, exitCode = 0): Promise<void> =>
      (stopping ??= shutdown(
        server,
        stopped,
        logger,
        reason,
        options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS,
      )
        .then(() => runOnStop(options.onStop, reason, logger))
        .then(() => exit(exitCode)));
    registerPluginSet(server, options.protocol.pluginSets[version], versions.get(version)!, logger);
    addGoPluginServices(server, {
      stopped: stopped.signal,
      logger,
      // A standalone server outlives the hosts that attach to it (each through its own locator).
      onShutdown: () =>
        isStandaloneServer
          ? logger.debug("Shutdown ignored: this standalone server outlives its hosts")
          : void stop("Shutdown requested by the host"),
    });
    const address = await listen((target) => server.bind(target), env);
    // Signal handlers go in before the handshake: a host may SIGTERM as soon as it has read it.
    watchLifecycle(logger, env, (reason) => void stop(reason));
    guardCrashes(logger, (reason) => void stop(reason, 1));
    writeHandshakeLine(
      { coreProtocolVersion, protocolVersion: version, address, certField },
      env,
      logger,
    );
    logger.debug("plugin serving", {
      protocol_version: version,
      grpc_server: server.kind,
      network: address.network,
      address: address.address,
    });
    return { protocolVersion: version, listen: address, stop };
  } catch (error) {
    logger.error(`plugin failed to start: ${(error as Error).message}`);
    exit(1);
    throw error;
  }
}

function handlersByVersion<G extends ProtocolGlue>(
  options: ServeOptions<G>,
): Map<number, Record<string, object>> {
  if (options.handlers && options.versions)
    throw new ServeError("give either `handlers` or `versions`, not both");
  const map = new Map<number, Record<string, object>>();
  if (options.versions) {
    for (const [key, handlers] of Object.entries(options.versions)) {
      const version = Number(key);
      if (!options.protocol.pluginSets[version])
        throw new ServeError(
          `versions: protocol version ${key} is not in the generated bindings (they have ${Object.keys(options.protocol.pluginSets).join(", ")})`,
        );
      if (handlers) map.set(version, handlers as Record<string, object>);
    }
  } else {
    map.set(
      options.protocol.latestProtocolVersion,
      (options.handlers ?? {}) as Record<string, object>,
    );
  }
  return map;
}

function registerPluginSet(
  server: GrpcServing,
  set: PluginSetDefinition,
  handlers: Record<string, object>,
  logger: Logger,
): void {
  const known = Object.keys(set.plugins);
  for (const name of Object.keys(handlers))
    if (!known.includes(name))
      throw new ServeError(
        `handlers.${name}: protocol version ${set.protocolVersion} has no plugin "${name}" (it has ${known.join(", ")})`,
      );
  const onError = (error: unknown, rpc: string) =>
    logger.error(`${rpc} failed`, {
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
  for (const [name, plugin] of Object.entries(set.plugins)) {
    // Every service is registered: one without handlers answers UNIMPLEMENTED naming the rpc.
    server.addService(
      plugin.service as never,
      plugin.createService(handlers[name] ?? {}, { onError }) as never,
    );
  }
}

/** AutoMTLS when the host sent its certificate: ours is generated per start. */
async function tlsIdentity(
  env: NodeJS.ProcessEnv,
): Promise<{ tls: TlsIdentity | undefined; certField: string }> {
  const clientCert = env[CLIENT_CERT_ENV];
  if (!clientCert) return { tls: undefined, certField: "" };
  if (!clientCert.includes("-----BEGIN CERTIFICATE-----"))
    throw new ServeError(`${CLIENT_CERT_ENV} is set but holds no PEM certificate`);
  try {
    // A TLS server would take a broken certificate and then refuse every connection silently.
    new X509Certificate(clientCert);
  } catch (error) {
    throw new ServeError(
      `${CLIENT_CERT_ENV} holds a certificate that cannot be parsed: ${(error as Error).message}`,
    );
  }
  const cert = await generateCertificate();
  return {
    tls: { clientCaPem: clientCert, keyPem: cert.keyPem, certPem: cert.certPem },
    certField: encodeHandshakeCert(cert.der),
  };
}

/** How long `onStop` may take before the plugin exits anyway. */
export const ON_STOP_TIMEOUT_MS = 400;

async function runOnStop(
  onStop: ServeOptions<ProtocolGlue>["onStop"],
  reason: string,
  logger: Logger,
): Promise<void> {
  if (!onStop) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn("onStop did not finish in time; exiting anyway", {
        timeout_ms: ON_STOP_TIMEOUT_MS,
      });
      resolve();
    }, ON_STOP_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(() => onStop(reason)), timeout]);
  } catch (error) {
    logger.error("onStop failed", { error: (error as Error)?.message ?? String(error) });
  } finally {
    clearTimeout(timer);
  }
}

function shutdown(
  server: GrpcServing,
  stopped: AbortController,
  logger: Logger,
  reason: string,
  graceMs: number,
): Promise<void> {
  logger.debug("plugin stopping", { reason });
  // Ends the host's GRPCStdio stream, which would otherwise hold up tryShutdown.
  stopped.abort();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      logger.warn("in-flight calls did not finish in time; cutting them", { grace_ms: graceMs });
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
