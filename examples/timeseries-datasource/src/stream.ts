/**
 * Live data: a browser subscribes to `stream/<seriesCount>` and RunStream
 * pushes one row per series every liveIntervalMs until Grafana cancels it.
 */
import { float64Field, newFrame, timeField } from "grafana-plugin-ts/runtime/frames";
import {
  PluginError,
  subscribeOk,
  SubscribeStreamStatus,
  type StreamHandler,
} from "grafana-plugin-ts/runtime/sdk";
import { mulberry32 } from "./series.js";
import { settingsOf, type Settings } from "./settings.js";

function seriesCountOf(path: string, settings: Settings): number | undefined {
  const match = /^stream\/(\d+)$/.exec(path);
  const count = match ? Number(match[1]) : NaN;
  return count >= 1 && count <= settings.maxSeriesCount ? count : undefined;
}

export const stream: StreamHandler<Settings> = {
  subscribeStream(req) {
    const settings = settingsOf(req.pluginContext);
    if (seriesCountOf(req.path, settings) === undefined)
      return { status: SubscribeStreamStatus.NOT_FOUND };
    return subscribeOk();
  },

  async runStream(req, sender, ctx) {
    const settings = settingsOf(req.pluginContext);
    const count = seriesCountOf(req.path, settings);
    if (count === undefined) throw new PluginError(`no stream at "${req.path}"`, { status: 404 });
    const random = mulberry32(Date.now());
    const values = new Float64Array(count);
    for (let packet = 0; !ctx.signal.aborted; packet++) {
      for (let s = 0; s < count; s++) values[s]! += random() * 2 - 1;
      const frame = newFrame(
        "live",
        timeField("time", [Date.now()]),
        ...Array.from(values, (v, s) => float64Field(`series-${s + 1}`, [v])),
      );
      await sender.sendFrame(frame, packet === 0 ? "all" : "data");
      await sleep(settings.liveIntervalMs, ctx.signal);
    }
  },
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
