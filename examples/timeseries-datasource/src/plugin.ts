/** The data source: settings, health check, queries, resources and live streams. */
import { createPlugin, healthOk } from "grafana-plugin-ts/runtime/sdk";
import { queries } from "./query.js";
import { resources } from "./resources.js";
import { parseSettings } from "./settings.js";
import { stream } from "./stream.js";
import { checkUpstream, hasUpstream } from "./upstream.js";

export const plugin = createPlugin({
  jsonData: parseSettings,
  // Reaching the handler means parseSettings accepted the settings; a
  // rejection (or an unreachable HTTP API) is answered as status ERROR with
  // its message by the SDK.
  checkHealth: async (req, ctx) => {
    if (hasUpstream(ctx)) await checkUpstream(ctx);
    return healthOk(
      "timeseries datasource is working",
      req.pluginContext.dataSourceInstanceSettings?.jsonData,
    );
  },
  queryData: queries,
  queryChunkedData: queries,
  callResource: resources,
  stream,
});
