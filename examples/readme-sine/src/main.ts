import { protocol } from "grafana-plugin-ts/output/glue.js";
import { createPlugin, disposePlugin, QueryTypeMux, serve } from "grafana-plugin-ts/runtime";
import { float64Field, newFrame, timeField } from "grafana-plugin-ts/runtime/frames";

const queries = new QueryTypeMux().handle("", ({ timeRange: { fromMs, toMs } }) => {
  const times = Array.from({ length: 100 }, (_, i) => fromMs + ((toMs - fromMs) * i) / 99);
  const values = times.map((t) => Math.sin(t / 60_000));
  return newFrame("sine", timeField("time", times), float64Field("value", values));
});
const handlers = createPlugin({ queryData: queries });
// onStop: instances are disposed and pending spans flushed before the plugin exits.
await serve({ protocol, handlers, onStop: () => disposePlugin(handlers) });
