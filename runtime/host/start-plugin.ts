/**
 * startPlugin(): go-plugin's client, in TypeScript. Starts a plugin
 * executable exactly as Grafana would (magic cookie, offered versions, port
 * range, optional AutoMTLS), validates its handshake, connects one gRPC
 * channel and returns the generated typed clients for the negotiated plugin
 * set. kill() asks for Shutdown, then escalates to SIGKILL.
 */
import { credentials as grpcCredentials, Channel, type ChannelCredentials } from "@grpc/grpc-js";
import { GRPCControllerTypedClient } from "../../output/plugin/grpc_controller.clients.js";
import { GRPCControllerClient } from "../../output/plugin/grpc_controller.grpc.js";
import { GRPCStdioTypedClient } from "../../output/plugin/grpc_stdio.clients.js";
import { GRPCStdioClient } from "../../output/plugin/grpc_stdio.grpc.js";
import { StdioData_Channel } from "../../output/plugin/grpc_stdio.js";
import type { ClientsFor, PluginSetDefinition, ProtocolGlue } from "../protocol-glue.js";
import { DEFAULT_PORT_RANGE, KILL_GRACE_MS } from "../go-plugin/constants.js";
import {
  CLIENT_CERT_ENV,
  MAX_PORT_ENV,
  MIN_PORT_ENV,
  PARENT_PIPE_ENV,
  PROTOCOL_VERSIONS_ENV,
} from "../go-plugin/environment.js";
import { decodeHandshakeCert, generateCertificate, type Certificate } from "../go-plugin/mtls.js";
import { parseHandshakeLine, type Handshake } from "./handshake-line.js";
import { spawnPlugin, type PluginLogEntry } from "./plugin-process.js";

export interface StartPluginOptions<G extends ProtocolGlue> {
  /** Path of the plugin executable. */
  executable: string;
  args?: string[];
  /** The generated glue of the protocol to speak. */
  protocol: G;
  /** Versions to offer (PLUGIN_PROTOCOL_VERSIONS); default: every version in the glue. */
  versions?: number[];
  /** Extra environment; the plugin sees process.env + the handshake variables + this. */
  env?: NodeJS.ProcessEnv;
  /** Replace process.env entirely (Grafana passes an explicit environment). */
  inheritEnv?: boolean;
  autoMTLS?: boolean;
  cwd?: string;
  /** Default 10 s. */
  startTimeoutMs?: number;
  /** Plugin log lines (hclog JSON on stderr); default: ignored. */
  onLog?: (entry: PluginLogEntry) => void;
  /** What the plugin wrote to stdout/stderr after the handshake, relayed through GRPCStdio. */
  onStdio?: (channel: "stdout" | "stderr", data: Buffer) => void;
}

export interface HostedPlugin<S extends PluginSetDefinition = PluginSetDefinition> {
  pid: number;
  handshake: Handshake;
  protocolVersion: number;
  /** Typed clients of the negotiated plugin set, by go-plugin plugin name. */
  clients: ClientsFor<S>;
  /** The one gRPC channel every client uses. */
  channel: Channel;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Shutdown via GRPCController, SIGKILL after `timeoutMs` (default 2 s, go-plugin's). */
  kill(
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; graceful: boolean }>;
}

export async function startPlugin<
  G extends ProtocolGlue,
  V extends keyof G["pluginSets"] = G["latestProtocolVersion"],
>(
  options: StartPluginOptions<G>,
): Promise<
  HostedPlugin<
    G["pluginSets"][V] extends PluginSetDefinition ? G["pluginSets"][V] : PluginSetDefinition
  >
> {
  const offered = options.versions ?? Object.keys(options.protocol.pluginSets).map(Number);
  const hostCert = options.autoMTLS ? await generateCertificate() : undefined;
  const { magicCookieKey, magicCookieValue } = options.protocol.handshake;
  const env: NodeJS.ProcessEnv = {
    ...(options.inheritEnv === false ? {} : process.env),
    [magicCookieKey]: magicCookieValue,
    [PROTOCOL_VERSIONS_ENV]: offered.join(","),
    [MIN_PORT_ENV]: String(DEFAULT_PORT_RANGE.min),
    [MAX_PORT_ENV]: String(DEFAULT_PORT_RANGE.max),
    [PARENT_PIPE_ENV]: "1",
    ...(hostCert ? { [CLIENT_CERT_ENV]: hostCert.certPem } : {}),
    ...options.env,
  };
  const spawned = await spawnPlugin(
    options.executable,
    options.args ?? [],
    env,
    options.startTimeoutMs ?? 10_000,
    options.onLog ?? (() => {}),
    options.cwd,
  );
  let handshake: Handshake;
  try {
    handshake = parseHandshakeLine(
      spawned.handshakeLine,
      offered,
      options.protocol.handshake.coreProtocolVersion,
    );
    if (hostCert && !handshake.cert)
      throw new Error("AutoMTLS was requested but the plugin sent no certificate in its handshake");
  } catch (error) {
    spawned.child.kill("SIGKILL");
    throw error;
  }
  const target = handshake.network === "unix" ? `unix:${handshake.address}` : handshake.address;
  const creds = channelCredentials(handshake, hostCert);
  const channelOptions = hostCert
    ? { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" }
    : {};
  const channel = new Channel(target, creds, {
    ...channelOptions,
    "grpc.max_receive_message_length": -1,
  });
  const set = options.protocol.pluginSets[handshake.protocolVersion];
  const clients = Object.fromEntries(
    Object.entries(set.plugins).map(([name, plugin]) => [
      name,
      new plugin.TypedClient(new plugin.Client(target, creds, { channelOverride: channel })),
    ]),
  ) as ClientsFor<typeof set>;
  const controller = new GRPCControllerTypedClient(
    new GRPCControllerClient(target, creds, { channelOverride: channel }),
  );
  relayStdio(
    new GRPCStdioTypedClient(new GRPCStdioClient(target, creds, { channelOverride: channel })),
    options.onStdio,
  );
  let exitedFlag = false;
  void spawned.exited.then(() => (exitedFlag = true));
  const kill = async (timeoutMs = KILL_GRACE_MS) => {
    if (!exitedFlag) await controller.shutdown({}, { deadline: timeoutMs }).catch(() => undefined);
    const graceful = await Promise.race([
      spawned.exited.then(() => true),
      delay(timeoutMs).then(() => false),
    ]);
    if (!graceful) spawned.child.kill("SIGKILL");
    const result = await spawned.exited;
    channel.close();
    return { ...result, graceful };
  };
  return {
    pid: spawned.child.pid!,
    handshake,
    protocolVersion: handshake.protocolVersion,
    clients: clients as never,
    channel,
    exited: spawned.exited,
    kill,
  };
}

function channelCredentials(
  handshake: Handshake,
  hostCert: Certificate | undefined,
): ChannelCredentials {
  if (!hostCert || !handshake.cert) return grpcCredentials.createInsecure();
  return grpcCredentials.createSsl(
    Buffer.from(decodeHandshakeCert(handshake.cert)),
    Buffer.from(hostCert.keyPem),
    Buffer.from(hostCert.certPem),
  );
}

/** Reads the plugin's stdout/stderr from GRPCStdio (called once, early, as go-plugin's client does). */
function relayStdio(
  client: GRPCStdioTypedClient,
  onStdio: StartPluginOptions<ProtocolGlue>["onStdio"],
): void {
  const stream = client.streamStdio({});
  void (async () => {
    try {
      for await (const item of stream) {
        const channel = item.channel === StdioData_Channel.STDERR ? "stderr" : "stdout";
        if (onStdio) onStdio(channel, item.data);
        else (channel === "stderr" ? process.stderr : process.stdout).write(item.data);
      }
    } catch {
      // The stream ends with the plugin; nothing to report.
    }
  })();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
