/**
 * What `init` can be asked for, and the error it reports when it cannot do
 * it. Kept apart from init-command.ts so the planning modules can use them
 * without importing the entry that imports them.
 */

export const CAPABILITIES = ["data", "resource", "stream"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface InitOptions {
  /** The project directory (created if missing). */
  dir: string;
  /** Plugin id, e.g. "myorg-my-datasource"; required unless backendOnly (then read from src/plugin.json). */
  id?: string;
  /** Default ["data"]. CheckHealth is always included. */
  capabilities?: Capability[];
  backendOnly?: boolean;
  /** Write into a non-empty directory (full) or over existing backend files (backendOnly). */
  force?: boolean;
  /**
   * Where the project gets grafana-plugin-ts (library-dependencies.ts):
   * "registry" (default, `^version`) or "local" (tarballs copied into vendor/).
   */
  library?: "registry" | "local";
  /**
   * Add the OpenTelemetry SDK, so the plugin traces when Grafana turns
   * tracing on (runtime/sdk/tracing/tracing-packages.ts). Default false: it
   * is ~24 MB of node_modules and a plugin runs without it.
   */
  tracing?: boolean;
  /** Told each long step (building or packing tarballs). */
  progress?: (step: string) => void;
}

/** A request `init` refuses (bad id, would overwrite, …); nothing has been written. */
export class InitError extends Error {
  override name = "InitError";
}
