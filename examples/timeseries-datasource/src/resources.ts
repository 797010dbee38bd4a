/** CallResource: a greeting and the list of series types, for the query editor. */
import { jsonResponse, ResourceRouter } from "grafana-plugin-ts/runtime/sdk";
import { SERIES_TYPES } from "./series.js";
import type { Settings } from "./settings.js";

export const resources = new ResourceRouter<Settings>()
  .get("/hello", (req) => ({ message: "hello from typescript", path: req.path }))
  .get("/series-types", () => SERIES_TYPES)
  .get("/series-types/:type", (req) => {
    const found = SERIES_TYPES.find((t) => t.type === req.params.type);
    if (!found)
      return jsonResponse({ message: `unknown series type "${req.params.type}"` }, { status: 404 });
    return found;
  });
