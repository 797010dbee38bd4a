/**
 * Settings' jsonData, parsed once per saved version. Grafana sends the
 * settings with every call; a data source's instance is rebuilt only when
 * they are saved again, and so is its parsed jsonData here: an entry holds
 * while the bytes and lastUpdatedMS match what it was parsed from. A parser
 * that throws is asked again next call (failures are not cached).
 */

/** Enough for every data source a plugin serves; past it the cache starts over. */
const MAX_ENTRIES = 256;

interface Entry {
  bytes: Buffer;
  lastUpdatedMS: bigint;
  value: unknown;
}

export class JsonDataCache {
  readonly #entries = new Map<string, Entry>();

  /** The value `parse` gave for these bytes of `key`'s settings, or parses them now. */
  parsed<J>(key: string, bytes: Buffer, lastUpdatedMS: bigint, parse: () => J): J {
    const entry = this.#entries.get(key);
    if (entry && entry.lastUpdatedMS === lastUpdatedMS && entry.bytes.equals(bytes))
      return entry.value as J;
    const value = parse();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    // A copy: the request's bytes may be a view of a buffer the transport reuses.
    this.#entries.set(key, { bytes: Buffer.from(bytes), lastUpdatedMS, value });
    return value;
  }
}

/**
 * The default jsonData parser: the JSON as it is, deep-frozen. Calls with the
 * same settings share the parsed value, so a handler that changed it would
 * change it for every later call; frozen, the change fails where it is made.
 */
export function readOnlyJson<J>(value: unknown): J {
  return deepFreeze(value) as J;
}

function deepFreeze(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
