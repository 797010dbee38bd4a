/**
 * JSON text the way Go's encoding/json writes it, so that metadata strings this package puts into
 * Arrow files are the bytes the Go SDK would have put there: `<`, `>`, `&`, U+2028 and U+2029 are
 * escaped (json.Marshal's HTML-safe default), map-like objects can be written with sorted keys (Go
 * sorts map keys), -0 stays "-0", and bigints are written as plain integers.
 *
 * Number formatting: Go's float64 encoding ('f' unless the magnitude is below 1e-6 or at least
 * 1e21, then 'e' with the exponent's leading zeros removed) yields exactly JavaScript's
 * Number#toString for every finite double, so that is used as is.
 */

/** Pre-formatted JSON text, written verbatim (for Go types with their own MarshalJSON). */
export class RawJSON {
  constructor(readonly text: string) {}
}

export interface GoJSONOptions {
  /** Sort object keys, as Go does for maps (`map[string]T`, decoded `interface{}` objects). */
  sortKeys?: boolean;
  /** Escape `<`, `>`, `&`, U+2028, U+2029 as json.Marshal does (default true). */
  escapeHTML?: boolean;
}

/** Serialise `value` as Go's json.Marshal would; undefined object properties are left out. */
export function goJSON(value: unknown, options: GoJSONOptions = {}): string {
  const quote = options.escapeHTML === false ? JSON.stringify : goQuote;
  return write(value, options.sortKeys === true, quote);
}

type Quote = (s: string) => string;

// Strings are concatenated rather than pushed and joined: this runs for the meta, config and
// labels of every frame encoded, and V8 concatenates short strings without copying them.
function write(v: unknown, sortKeys: boolean, quote: Quote): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") return Number.isFinite(v) ? formatFloat64(v) : "null";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof RawJSON) return v.text;
  if (Array.isArray(v)) return writeArray(v, sortKeys, quote);
  if (typeof v === "object") return writeObject(v as Record<string, unknown>, sortKeys, quote);
  return "null";
}

function writeArray(v: unknown[], sortKeys: boolean, quote: Quote): string {
  let out = "[";
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) continue; // holes are skipped, as forEach did
    if (i > 0) out += ",";
    out += write(v[i], sortKeys, quote);
  }
  return out + "]";
}

function writeObject(v: Record<string, unknown>, sortKeys: boolean, quote: Quote): string {
  if (typeof (v as { toJSON?: unknown }).toJSON === "function")
    return write((v as { toJSON(): unknown }).toJSON(), sortKeys, quote);
  const keys = Object.keys(v);
  if (sortKeys) keys.sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const value = v[k];
    if (value === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += quote(k) + ":" + write(value, sortKeys, quote);
  }
  return out + "}";
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HAS_HTML_UNSAFE = /[<>&\u2028\u2029]/; // not global: test() keeps no lastIndex
const HTML_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** A JSON string literal with Go's HTML-safe escaping. */
export function goQuote(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Go does (\b \f \n \r \t,
  // otherwise \u00xx); the characters left to escape cannot occur outside string literals.
  const quoted = JSON.stringify(s);
  return HAS_HTML_UNSAFE.test(s) ? quoted.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]) : quoted;
}

/** A finite float64 as Go's encoding/json writes it. */
export function formatFloat64(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/**
 * A float32 value as Go writes it: the shortest decimal that reads back as the same float32
 * (3.4028235e+38 rather than the float64 digits 3.4028234663852886e+38).
 */
export function formatFloat32(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatFloat64(v);
  for (let precision = 1; precision < 9; precision++) {
    const shortest = Number(v.toPrecision(precision));
    if (Math.fround(shortest) === v) return formatFloat64(shortest);
  }
  return formatFloat64(Number(v.toPrecision(9)));
}

/**
 * Go's `%v` of a float64, which `data.ConfFloat64` (field config min/max, threshold values) uses
 * instead of encoding/json's format: exponent form from 1e6 up and below 1e-4, with at least two
 * exponent digits (1e+06, 1e-05). NaN and ±Inf become null.
 */
export function formatGoV(v: number): string {
  if (!Number.isFinite(v)) return "null";
  const abs = Math.abs(v);
  if (abs === 0 || (abs >= 1e-4 && abs < 1e6)) return formatFloat64(v);
  const [mantissa, exponent] = v.toExponential().split("e");
  const sign = exponent[0] === "-" ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${mantissa}e${sign}${digits}`;
}
