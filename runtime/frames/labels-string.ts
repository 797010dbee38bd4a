/**
 * Labels as text and back, as the Go SDK writes and reads them (data/labels.go): `a=1, b=2` with
 * keys sorted; reading also accepts Prometheus-style `{job="api", le="0.5"}` and JSON objects.
 * Plus the comparisons and the fingerprint (a 64-bit FNV-1 hash over sorted pairs) that Go code
 * uses to match series, so a TypeScript plugin can key series the same way.
 */
import type { Labels } from "./meta-types.js";

/** `a=valueA, b=valueB`, keys sorted (Go's Labels.String). */
export function labelsToString(labels: Labels | undefined): string {
  if (!labels) return "";
  return sortedKeys(labels)
    .map((k) => `${k}=${labels[k]}`)
    .join(", ");
}

/**
 * Go's LabelsFromString: "" is no labels (undefined); text starting `{"` is tried as a JSON
 * object of strings; otherwise `k=v` pairs separated by ", ", with any {, }, and " dropped.
 * Throws Error `invalid label key=value pair "<pair>"` for a pair that is not exactly k=v.
 */
export function labelsFromString(text: string): Labels | undefined {
  if (text === "") return undefined;
  if (text.startsWith('{"')) {
    const parsed = tryStringMap(text);
    if (parsed) return parsed;
  }
  const labels: Labels = {};
  for (const pair of text.split(", ")) {
    const parts = pair.split(/[={}"]/).filter((p) => p !== "");
    if (parts.length !== 2) throw new Error(`invalid label key=value pair ${JSON.stringify(pair)}`);
    labels[parts[0]] = parts[1];
  }
  return labels;
}

/** Same key/value pairs (Go's Labels.Equals); undefined is no labels. */
export function labelsEqual(a: Labels | undefined, b: Labels | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && labelsContain(b, a);
}

/** Every pair of `sub` is in `labels` (Go's Labels.Contains). */
export function labelsContain(labels: Labels | undefined, sub: Labels | undefined): boolean {
  return Object.entries(sub ?? {}).every(
    ([k, v]) => Object.hasOwn(labels ?? {}, k) && labels![k] === v,
  );
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/** Go's Labels.Fingerprint as its 16 hex digits: FNV-1 64 over key 0xff value 0xff, keys sorted. */
export function labelsFingerprint(labels: Labels | undefined): string {
  let h = FNV_OFFSET;
  const write = (bytes: Uint8Array): void => {
    for (const b of bytes) h = ((h * FNV_PRIME) & MASK_64) ^ BigInt(b);
  };
  const separator = new Uint8Array([255]);
  for (const k of sortedKeys(labels ?? {})) {
    write(utf8.encode(k));
    write(separator);
    write(utf8.encode(labels![k]));
    write(separator);
  }
  return h.toString(16).padStart(16, "0");
}

/** Keys in Go's sort.Strings order (byte order of UTF-8, which code-point order matches). */
export function sortedKeys(labels: Labels): string[] {
  return Object.keys(labels).sort(compareGoStrings);
}

/**
 * Go compares strings byte by byte in UTF-8, which orders by code point; JavaScript's `<` orders
 * by UTF-16 unit and differs for characters beyond U+FFFF against U+E000–U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function tryStringMap(text: string): Labels | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    return entries.every(([, v]) => typeof v === "string") ? (value as Labels) : undefined;
  } catch {
    return undefined;
  }
}
