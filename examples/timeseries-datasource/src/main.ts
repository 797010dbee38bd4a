/**
 * Entry point of the example datasource: serve its handlers to the host.
 */
import { serve } from "../../../runtime/index.js";
import { protocol } from "../../../output/glue.js";
import { handlers } from "./handlers.js";

await serve({ protocol, handlers });
