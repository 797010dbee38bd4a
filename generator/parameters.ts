/**
 * The plugin's options (buf.gen.yaml `opt:`), parsed in one place; unknown
 * keys are rejected so a typo fails loudly.
 *
 * - `config=<path>`: the glue config (protocol.config.json). Default: none,
 *   i.e. go-plugin's Grafana handshake and conventional plugin names.
 */
import { readFileSync } from "node:fs";
import {
  defaultProtocolConfig,
  parseProtocolConfig,
  ConfigError,
  type ProtocolConfig,
} from "./config.js";

export interface PluginParameters {
  config: ProtocolConfig;
}

export function parsePluginParameters(parameter: string): PluginParameters {
  let config = defaultProtocolConfig;
  for (const pair of parameter.split(",").filter((p) => p.trim() !== "")) {
    const [key, ...rest] = pair.split("=");
    const value = rest.join("=");
    switch (key.trim()) {
      case "config":
        config = readConfig(value.trim());
        break;
      default:
        throw new ConfigError(`unknown plugin option "${key}" (known: config)`);
    }
  }
  return { config };
}

function readConfig(path: string): ProtocolConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read glue config ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseProtocolConfig(json, path);
}
