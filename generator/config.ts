/**
 * The declarative glue config (protocol.config.json, beside buf.gen.yaml):
 * the go-plugin handshake constants and which go-plugin plugin name each
 * service registers under. It is data, not code, so a protocol upgrade never
 * needs a generator change. Parsed and validated here, in one place; unknown
 * keys are rejected so a typo cannot silently fall back to a default.
 */
export interface HandshakeConfig {
  /** go-plugin's CoreProtocolVersion, the first handshake field. Default 1 (the only one go-plugin knows). */
  coreProtocolVersion: number;
  /** Environment variable go-plugin checks before serving. Default "grafana_plugin_type". */
  magicCookieKey: string;
  /** Its required value. Default "datasource". */
  magicCookieValue: string;
}

export interface PluginSetConfig {
  /** The app protocol version this package is served under (go-plugin VersionedPlugins key). */
  protocolVersion: number;
  /** Service name → go-plugin plugin name, e.g. "Diagnostics" → "diagnostics". */
  services: Record<string, string>;
}

export interface ProtocolConfig {
  handshake: HandshakeConfig;
  /** Proto package → its plugin set. Packages not listed get a version from their `vN` suffix. */
  pluginSets: Record<string, PluginSetConfig>;
  /** Packages that are plumbing, not plugin sets (go-plugin's own services, well-known types). Default ["plugin", "google.protobuf"]. */
  infrastructurePackages: string[];
}

export const defaultProtocolConfig: ProtocolConfig = {
  handshake: {
    coreProtocolVersion: 1,
    magicCookieKey: "grafana_plugin_type",
    magicCookieValue: "datasource",
  },
  pluginSets: {},
  infrastructurePackages: ["plugin", "google.protobuf"],
};

/**
 * The `vN` rule, stated once: a package with no plugin set in the config is
 * served as protocol version N when its name ends in `vN` (`pluginv2` → 2),
 * else undefined (the model then serves it as version 1 and the command warns).
 */
export function versionFromPackageSuffix(pkg: string): number | undefined {
  const match = /v(\d+)$/.exec(pkg);
  return match ? Number(match[1]) : undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates a parsed JSON value; `where` names the file for messages. */
export function parseProtocolConfig(value: unknown, where: string): ProtocolConfig {
  const root = expectObject(value, where);
  rejectUnknownKeys(root, ["$schema", "handshake", "pluginSets", "infrastructurePackages"], where);
  const handshake = { ...defaultProtocolConfig.handshake };
  if (root.handshake !== undefined) {
    const h = expectObject(root.handshake, `${where}: handshake`);
    rejectUnknownKeys(h, Object.keys(handshake), `${where}: handshake`);
    if (h.coreProtocolVersion !== undefined)
      handshake.coreProtocolVersion = expectPositiveInt(
        h.coreProtocolVersion,
        `${where}: handshake.coreProtocolVersion`,
      );
    if (h.magicCookieKey !== undefined)
      handshake.magicCookieKey = expectString(
        h.magicCookieKey,
        `${where}: handshake.magicCookieKey`,
      );
    if (h.magicCookieValue !== undefined)
      handshake.magicCookieValue = expectString(
        h.magicCookieValue,
        `${where}: handshake.magicCookieValue`,
      );
  }
  const pluginSets: Record<string, PluginSetConfig> = {};
  const sets =
    root.pluginSets === undefined ? {} : expectObject(root.pluginSets, `${where}: pluginSets`);
  for (const [pkg, raw] of Object.entries(sets)) {
    const at = `${where}: pluginSets.${pkg}`;
    const set = expectObject(raw, at);
    rejectUnknownKeys(set, ["protocolVersion", "services"], at);
    const services = expectObject(set.services ?? {}, `${at}.services`);
    pluginSets[pkg] = {
      protocolVersion: expectPositiveInt(set.protocolVersion, `${at}.protocolVersion`),
      services: Object.fromEntries(
        Object.entries(services).map(([k, v]) => [k, expectString(v, `${at}.services.${k}`)]),
      ),
    };
  }
  let infrastructurePackages = defaultProtocolConfig.infrastructurePackages;
  if (root.infrastructurePackages !== undefined) {
    const list = root.infrastructurePackages;
    if (!Array.isArray(list))
      throw new ConfigError(`${where}: infrastructurePackages must be an array of package names`);
    infrastructurePackages = list.map((v, i) =>
      expectString(v, `${where}: infrastructurePackages[${i}]`),
    );
  }
  return { handshake, pluginSets, infrastructurePackages };
}

function expectObject(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(`${at} must be a JSON object`);
  return value as Record<string, unknown>;
}

function expectString(value: unknown, at: string): string {
  if (typeof value !== "string" || value === "")
    throw new ConfigError(`${at} must be a non-empty string`);
  return value;
}

function expectPositiveInt(value: unknown, at: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new ConfigError(`${at} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function rejectUnknownKeys(obj: Record<string, unknown>, known: string[], at: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new ConfigError(
      `${at}: unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(", ")}; allowed: ${known.join(", ")}`,
    );
}
