/**
 * One instance per data source (by uid) or per app (by org), built by the
 * plugin's factory and cached; rebuilt when the settings were saved again
 * (lastUpdatedMS) or Grafana's config changed. grafana-plugin-sdk-go's
 * instancemgmt, for a single-threaded runtime: the cache holds promises, so
 * every request racing for a key while its instance is being built shares
 * that one build.
 *
 * A replaced instance is disposed once the last call using it has finished
 * (calls hold a lease: see acquire), never under a running query. The Go
 * SDK waits a fixed 5 s instead (grafana-plugin-sdk-go#753, #765), which a
 * slow query outlives. An instance nobody uses is disposed before its
 * replacement is built, so one holding an exclusive resource (a port, a
 * lock) releases it first.
 */
import type { PluginContext } from "./context.js";
import type { InstanceMetrics } from "./metrics.js";

/** An instance may hold clients or pools; `dispose` releases them. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export type InstanceFactory<I, J = unknown> = (pluginContext: PluginContext<J>) => I | Promise<I>;

/** An instance held by one call; the instance is not disposed before `release`. */
export interface InstanceLease<I> {
  readonly instance: I;
  /** Ends the hold (idempotent). A replaced instance is disposed after its last release. */
  release(): void;
}

export interface InstanceManager<I, J = unknown> {
  /**
   * The instance for this context's data source or app, held until
   * `release`. Builds it on first use or after the settings changed; a
   * failed build is not cached, so the next call tries again.
   */
  acquire(pluginContext: PluginContext<J>): Promise<InstanceLease<I>>;
  /** The instance, without holding it: it may be disposed while you use it once replaced. */
  get(pluginContext: PluginContext<J>): Promise<I>;
  /** Disposes every instance, held or not, and empties the cache (for shutdown). */
  disposeAll(): Promise<void>;
  /** Number of cached (or building) instances, replaced ones awaiting disposal not counted. */
  readonly size: number;
}

export interface InstanceManagerOptions<J> {
  /** Cache key; default: `ds:<uid>` for data sources, `app:<orgId>` for apps, `plugin` otherwise. */
  key?: (pluginContext: PluginContext<J>) => string;
  /**
   * Dispose an instance no call has used for this long (the Go SDK's TTL
   * instance manager, whose default is an hour); the next call builds a new
   * one. Default: kept until its settings change.
   */
  ttlMs?: number;
  /** Called when disposing an instance fails. */
  onDisposeError?: (error: unknown, key: string) => void;
  /** Called when an instance is dropped for being unused longer than ttlMs. */
  onEvict?: (key: string) => void;
  /** Told of every instance built and disposed (plugins_active_instances). */
  metrics?: InstanceMetrics;
}

interface Entry<I> {
  key: string;
  version: string;
  instance: Promise<I>;
  /** Calls holding the instance. */
  leases: number;
  lastUsed: number;
  /** Replaced or evicted: dispose once the last lease is released. */
  retired: boolean;
  disposal?: Promise<void>;
}

export function createInstanceManager<I, J = unknown>(
  factory: InstanceFactory<I, J>,
  options: InstanceManagerOptions<J> = {},
): InstanceManager<I, J> {
  const keyOf = options.key ?? defaultInstanceKey;
  const entries = new Map<string, Entry<I>>();
  const retired = new Set<Entry<I>>();
  let sweeper: NodeJS.Timeout | undefined;

  const dispose = (entry: Entry<I>): Promise<void> =>
    (entry.disposal ??= (async () => {
      let instance: I;
      try {
        instance = await entry.instance;
      } catch {
        return; // never built: nothing to release
      } finally {
        retired.delete(entry);
      }
      options.metrics?.disposed();
      try {
        if (isDisposable(instance)) await instance.dispose();
      } catch (error) {
        options.onDisposeError?.(error, entry.key);
      }
    })());

  /** Takes `entry` out of service; disposes it now when idle (the returned promise), else on its last release. */
  const retire = (entry: Entry<I>): Promise<void> | undefined => {
    entry.retired = true;
    retired.add(entry);
    return entry.leases === 0 ? dispose(entry) : undefined;
  };

  const build = (key: string, version: string, pluginContext: PluginContext<J>) => {
    const previous = entries.get(key);
    const entry: Entry<I> = {
      key,
      version,
      leases: 0,
      lastUsed: Date.now(),
      retired: false,
      instance: undefined as unknown as Promise<I>,
    };
    // Replace synchronously: whoever asks next, even before the build
    // finishes, shares it instead of starting a second one.
    entries.set(key, entry);
    const idleDisposal = previous ? retire(previous) : undefined;
    entry.instance = (async () => {
      if (idleDisposal) await idleDisposal;
      const instance = await factory(pluginContext);
      options.metrics?.created();
      return instance;
    })();
    entry.instance.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    startSweeping();
    return entry;
  };

  const startSweeping = () => {
    const ttl = options.ttlMs;
    if (!ttl || sweeper) return;
    sweeper = setInterval(sweep, Math.min(Math.max(ttl / 2, 10), 60_000));
    sweeper.unref(); // an idle cache must not keep the plugin alive
  };

  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries)
      if (entry.leases === 0 && now - entry.lastUsed >= options.ttlMs!) {
        entries.delete(key);
        void retire(entry);
        options.onEvict?.(key);
      }
    if (entries.size === 0) stopSweeping();
  };

  const stopSweeping = () => {
    clearInterval(sweeper);
    sweeper = undefined;
  };

  const acquire = async (pluginContext: PluginContext<J>): Promise<InstanceLease<I>> => {
    const key = keyOf(pluginContext);
    const version = instanceVersion(pluginContext);
    const cached = entries.get(key);
    const entry =
      cached && cached.version === version ? cached : build(key, version, pluginContext);
    // Held from before the build is awaited, so a replacement racing in
    // meanwhile cannot dispose it under this call.
    entry.leases++;
    entry.lastUsed = Date.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.leases--;
      entry.lastUsed = Date.now();
      if (entry.retired && entry.leases === 0) void dispose(entry);
    };
    try {
      return { instance: await entry.instance, release };
    } catch (error) {
      release();
      throw error;
    }
  };

  return {
    acquire,
    async get(pluginContext) {
      const lease = await acquire(pluginContext);
      lease.release();
      return lease.instance;
    },
    async disposeAll() {
      stopSweeping();
      const all = [...entries.values(), ...retired];
      entries.clear();
      await Promise.all(all.map(dispose));
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
