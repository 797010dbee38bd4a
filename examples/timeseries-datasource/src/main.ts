/** Entry point of the example datasource: serve its handlers to the host. */
import { protocol } from "grafana-plugin-ts/output/glue.js";
import { serve } from "grafana-plugin-ts/runtime";
import { disposePlugin } from "grafana-plugin-ts/runtime/sdk";
import { plugin } from "./plugin.js";

await serve({ protocol, handlers: plugin, onStop: () => disposePlugin(plugin) });
