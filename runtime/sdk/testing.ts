/**
 * Serve plugin handlers on a real in-process gRPC server and call them with
 * the generated typed clients: test a plugin's handlers over the actual wire
 * format without building an executable or going through go-plugin. The
 * server is the one serve() runs (GF_PLUGIN_TS_GRPC_SERVER picks it too).
 */
import { credentials } from "@grpc/grpc-js";
import { createGrpcServing } from "../plugin/serving/create-grpc-serving.js";
import { chooseGrpcServer } from "../plugin/serving/grpc-serving.js";
import type { ClientsFor, PluginSetDefinition, ProtocolGlue } from "../protocol-glue.js";

export interface TestServer<S extends PluginSetDefinition> {
  clients: ClientsFor<S>;
  address: string;
  close(): Promise<void>;
}

export async function startTestServer<G extends ProtocolGlue>(
  protocol: G,
  /** What serve() would get: PluginHandlersV2 from createPlugin, or generated handlers. */
  handlers: object,
): Promise<TestServer<G["pluginSets"][G["latestProtocolVersion"]]>> {
  const set = protocol.pluginSets[protocol.latestProtocolVersion];
  const server = createGrpcServing({ kind: chooseGrpcServer(undefined, process.env) });
  for (const [name, plugin] of Object.entries(set.plugins))
    server.addService(
      plugin.service as never,
      plugin.createService((handlers as Record<string, object>)[name] ?? {}) as never,
    );
  const port = await server.bind("127.0.0.1:0");
  const address = `127.0.0.1:${port}`;
  const raw = Object.entries(set.plugins).map(([name, plugin]) => {
    const client = new plugin.Client(address, credentials.createInsecure());
    return [name, client, new plugin.TypedClient(client)] as const;
  });
  return {
    clients: Object.fromEntries(raw.map(([name, , typed]) => [name, typed])) as never,
    address,
    close: async () => {
      for (const [, client] of raw) client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
