/**
 * PluginContext.grafanaConfig with typed getters. Grafana sends a few of its
 * own settings with every request (app URL, concurrency and size limits,
 * feature toggles) as a string map; the key names are Grafana's, the same the
 * Go SDK reads (backend/config.go).
 */

/** The keys Grafana sends, as the Go SDK names them. */
export const GrafanaConfigKey = {
  appUrl: "GF_APP_URL",
  concurrentQueryCount: "GF_CONCURRENT_QUERY_COUNT",
  userFacingDefaultError: "GF_USER_FACING_DEFAULT_ERROR",
  sqlRowLimit: "GF_SQL_ROW_LIMIT",
  responseLimit: "GF_RESPONSE_LIMIT",
  featureToggles: "GF_INSTANCE_FEATURE_TOGGLES_ENABLE",
  appClientSecret: "GF_PLUGIN_APP_CLIENT_SECRET",
} as const;

export class GrafanaConfig {
  readonly #raw: Readonly<Record<string, string>>;
  #map: ReadonlyMap<string, string> | undefined;
  #fingerprint: string | undefined;

  constructor(values: Readonly<Record<string, string>> = {}) {
    this.#raw = values;
  }

  /** Built on first use: every call carries a config, and most only look up a key or two. */
  get #values(): ReadonlyMap<string, string> {
    return (this.#map ??= new Map(Object.entries(this.#raw)));
  }

  /** The raw value, or undefined when Grafana did not send the key. */
  get(key: string): string | undefined {
    return Object.hasOwn(this.#raw, key) ? this.#raw[key] : undefined;
  }

  /** The value as a finite number, or undefined when absent or not a number. */
  number(key: string): number | undefined {
    const raw = this.get(key)?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Grafana's public URL (root_url), without a trailing slash. */
  appUrl(): string | undefined {
    return this.get(GrafanaConfigKey.appUrl)?.replace(/\/+$/, "");
  }

  /** [query] concurrent_query_count: how many queries of one request may run at once. */
  concurrentQueryCount(): number | undefined {
    const n = this.number(GrafanaConfigKey.concurrentQueryCount);
    return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
  }

  userFacingDefaultError(): string | undefined {
    return this.get(GrafanaConfigKey.userFacingDefaultError);
  }

  sqlRowLimit(): number | undefined {
    return this.number(GrafanaConfigKey.sqlRowLimit);
  }

  /** Largest response (bytes) Grafana accepts from a data source; 0 or absent for no limit. */
  responseLimit(): number | undefined {
    return this.number(GrafanaConfigKey.responseLimit);
  }

  /** Feature toggles enabled for this Grafana instance. */
  featureToggles(): ReadonlySet<string> {
    const raw = this.get(GrafanaConfigKey.featureToggles) ?? "";
    return new Set(
      raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }

  featureToggleEnabled(name: string): boolean {
    return this.featureToggles().has(name);
  }

  /** Same keys with the same values (an instance is rebuilt when this changes, as in the Go SDK). */
  equals(other: GrafanaConfig): boolean {
    if (other.#values.size !== this.#values.size) return false;
    for (const [k, v] of this.#values) if (other.#values.get(k) !== v) return false;
    return true;
  }

  /** A stable text form, usable as part of a cache key. */
  fingerprint(): string {
    // Memoized: the instance manager asks on every call.
    return (this.#fingerprint ??= JSON.stringify(
      [...this.#values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ));
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}
