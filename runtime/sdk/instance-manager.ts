/**
 * One instance per data source (by uid) or per app (by org), built by the
 * plugin's factory and cached; rebuilt when the settings were saved again
 * (lastUpdatedMS) or Grafana's config changed, the old one disposed first.
 * grafana-plugin-sdk-go's instancemgmt, for a single-threaded runtime: the
 * cache holds promises, so every request racing for a key while its instance
 * is being built shares that one build.
 */
import type { PluginContext } from "./context.js";

/** An instance may hold clients or pools; `dispose` releases them before a replacement is built. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export type InstanceFactory<I, J = unknown> = (pluginContext: PluginContext<J>) => I | Promise<I>;

export interface InstanceManager<I, J = unknown> {
  /**
   * The instance for this context's data source or app. Builds it on first use
   * or after the settings changed (awaiting the old one's dispose first); a
   * failed build is not cached, so the next call tries again.
   */
  get(pluginContext: PluginContext<J>): Promise<I>;
  /** Disposes every cached instance and empties the cache. */
  disposeAll(): Promise<void>;
  /** Number of cached (or building) instances. */
  readonly size: number;
}

export interface InstanceManagerOptions<J> {
  /** Cache key; default: `ds:<uid>` for data sources, `app:<orgId>` for apps, `plugin` otherwise. */
  key?: (pluginContext: PluginContext<J>) => string;
  /** Called when disposing an instance fails; the replacement is built anyway. */
  onDisposeError?: (error: unknown, key: string) => void;
}

interface Entry<I> {
  version: string;
  instance: Promise<I>;
}

export function createInstanceManager<I, J = unknown>(
  factory: InstanceFactory<I, J>,
  options: InstanceManagerOptions<J> = {},
): InstanceManager<I, J> {
  const keyOf = options.key ?? defaultInstanceKey;
  const entries = new Map<string, Entry<I>>();

  const dispose = async (entry: Entry<I>, key: string) => {
    let instance: I;
    try {
      instance = await entry.instance;
    } catch {
      return; // never built: nothing to release
    }
    try {
      if (isDisposable(instance)) await instance.dispose();
    } catch (error) {
      options.onDisposeError?.(error, key);
    }
  };

  return {
    get(pluginContext) {
      const key = keyOf(pluginContext);
      const version = instanceVersion(pluginContext);
      const cached = entries.get(key);
      if (cached && cached.version === version) return cached.instance;
      // Synchronously replace the entry: whoever asks next, even before the
      // build finishes, shares it instead of starting a second one.
      const instance = (async () => {
        if (cached) await dispose(cached, key);
        return factory(pluginContext);
      })();
      const entry = { version, instance };
      entries.set(key, entry);
      instance.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return instance;
    },
    async disposeAll() {
      const all = [...entries];
      entries.clear();
      await Promise.all(all.map(([key, entry]) => dispose(entry, key)));
    },
    get size() {
      return entries.size;
    },
  };
}

export function defaultInstanceKey(pluginContext: PluginContext<unknown>): string {
  const ds = pluginContext.dataSourceInstanceSettings;
  if (ds) return `ds:${ds.uid || ds.id}`;
  if (pluginContext.appInstanceSettings) return `app:${pluginContext.orgId}`;
  return "plugin";
}

/** What makes a cached instance stale: newer saved settings or a different Grafana config. */
function instanceVersion(pluginContext: PluginContext<unknown>): string {
  const settings = pluginContext.dataSourceInstanceSettings ?? pluginContext.appInstanceSettings;
  return `${settings?.lastUpdatedMS ?? ""}|${pluginContext.grafanaConfig.fingerprint()}`;
}

function isDisposable(value: unknown): value is Disposable {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<Disposable>).dispose === "function"
  );
}
