/**
 * undici, loaded on the first request rather than when the SDK is imported:
 * plugins that never make HTTP calls do not pay for it, and a Node release
 * the installed undici does not support fails those calls with a message
 * saying so instead of failing every plugin at start-up.
 */
import { PluginError } from "../errors.js";

export type Undici = typeof import("undici");

let loading: Promise<Undici> | undefined;

export function loadUndici(): Promise<Undici> {
  loading ??= import("undici").catch((error: unknown) => {
    loading = undefined;
    throw new PluginError(
      `the HTTP client could not load undici on Node ${process.version} ` +
        `(is the installed undici one that supports this Node?): ${(error as Error).message}`,
      { source: "plugin", cause: error },
    );
  });
  return loading;
}
