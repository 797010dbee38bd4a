/**
 * The propagator for GF_INSTANCE_OTLP_PROPAGATION, as the Go SDK picks it
 * (tracerprovider.NewTextMapPropagator): "w3c" and "jaeger", comma-separated;
 * nothing named means W3C trace context plus baggage.
 */
import type { TextMapPropagator } from "@opentelemetry/api";
import type * as Core from "@opentelemetry/core";
import { JaegerPropagator } from "./jaeger-propagator.js";

export function createPropagator(core: typeof Core, formats: string): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  for (const format of formats.split(",").map((f) => f.trim())) {
    if (format === "") continue;
    if (format === "w3c") propagators.push(new core.W3CTraceContextPropagator());
    else if (format === "jaeger") propagators.push(new JaegerPropagator());
    else
      throw new Error(
        `GF_INSTANCE_OTLP_PROPAGATION names "${format}", which is not a propagator; use w3c, jaeger or both`,
      );
  }
  if (propagators.length === 0)
    return new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    });
  if (propagators.length === 1) return propagators[0];
  return new core.CompositePropagator({ propagators });
}
