/** Entry point of the example datasource: serve its handlers to the host. */
import { protocol } from "grafana-plugin-ts/output/glue.js";
import { serve } from "grafana-plugin-ts/runtime";
import { closeHttpClients, disposePlugin } from "grafana-plugin-ts/runtime/sdk";
import { plugin } from "./plugin.js";

await serve({
  protocol,
  handlers: plugin,
  // Instances first, then the HTTP clients (their connection pools) httpClient(ctx) kept.
  onStop: async () => {
    await disposePlugin(plugin);
    await closeHttpClients();
  },
});
