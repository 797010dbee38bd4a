/** Entry point of the example datasource: serve its handlers to the host. */
import { protocol } from "../../../output/glue.js";
import { serve } from "../../../runtime/index.js";
import { disposePlugin } from "../../../runtime/sdk/index.js";
import { plugin } from "./plugin.js";

await serve({ protocol, handlers: plugin, onStop: () => disposePlugin(plugin) });
