/**
 * Time columns hold int64 nanoseconds since the Unix epoch, the unit of Go's Arrow timestamp
 * column. JavaScript produces milliseconds (Date.now(), Date#getTime()), so the conversions here are
 * on the hot path of building a frame: they fill the BigInt64Array's two 32-bit words with double
 * arithmetic instead of creating a BigInt per row, which is several times faster and exact for every
 * millisecond value an int64 nanosecond count can hold.
 */

import { uninitializedBigInt64 } from "./alloc.js";

const INV_TWO_32 = 1 / 4294967296;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Nanoseconds for each millisecond value (fractions of a millisecond are rounded to the nearest
 * nanosecond). Throws RangeError, naming the row, for NaN, ±Infinity and values outside int64 range.
 */
export function millisToNanos(
  ms: ArrayLike<number>,
  out = uninitializedBigInt64(ms.length), // every element is written below
): BigInt64Array {
  if (LITTLE_ENDIAN && wholeMillisToNanos(ms, out)) return out;
  // Some value was fractional or invalid: redo every row exactly (and throw for the invalid one).
  for (let i = 0; i < ms.length; i++) out[i] = millisToNanoAt(ms[i], i);
  return out;
}

/**
 * The fast path, for whole milliseconds: writes both 32-bit words of each int64 and reports
 * whether every row was a whole millisecond count in range (if not, some rows hold garbage).
 *
 * With v = hi·2³² + lo (0 ≤ lo < 2³², from ToUint32), ns = hi·1e6·2³² + lo·1e6, where lo·1e6 < 2⁵²
 * is exact: storing it into an Int32Array keeps its low 32 bits (the low word), and the rest
 * carries into the high word. `hi` is fractional exactly when v is, and the high word leaves the
 * int32 range exactly when ns leaves int64; both deviations (NaN for NaN or ±Infinity) are summed
 * as squares, so no branch is taken per row and errors cannot cancel out.
 */
function wholeMillisToNanos(ms: ArrayLike<number>, out: BigInt64Array): boolean {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  const n = ms.length;
  let deviation = 0;
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const v = ms[i];
    const lo = v >>> 0;
    const hi = (v - lo) * INV_TWO_32;
    const product = lo * 1e6;
    const high = hi * 1e6 + Math.floor(product * INV_TWO_32);
    words[j] = product;
    words[j + 1] = high;
    const d1 = high - (high | 0);
    const d2 = hi - (hi | 0);
    deviation += d1 * d1 + d2 * d2;
  }
  return deviation === 0;
}

function millisToNanoAt(ms: number, row: number): bigint {
  try {
    return millisToNano(ms);
  } catch {
    throw new RangeError(
      `time value ${ms} at row ${row} is not a millisecond count in int64 nanosecond range`,
    );
  }
}

/** One millisecond value as nanoseconds (fractions rounded to the nearest nanosecond). */
export function millisToNano(ms: number): bigint {
  if (Number.isFinite(ms)) {
    const whole = Math.floor(ms);
    const ns = BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
    if (BigInt.asIntN(64, ns) === ns) return ns;
  }
  throw new RangeError(`time value ${ms} is not a millisecond count in int64 nanosecond range`);
}

/**
 * Splits nanoseconds into whole milliseconds (rounded down, like Go's time.UnixMilli) and the
 * remaining 0–999999 nanoseconds, which is how the JSON frame format carries time (`values` and
 * `nanos`). Reads the two 32-bit words directly; `words` is an Int32Array over the column.
 */
export function splitNanosAt(words: Int32Array, i: number, out: { ms: number; rem: number }): void {
  if (!LITTLE_ENDIAN) {
    const ns = new BigInt64Array(words.buffer, words.byteOffset, words.length >> 1)[i];
    const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
    out.ms = Number(ms);
    out.rem = Number(ns - ms * 1_000_000n);
    return;
  }
  const hi = words[2 * i + 1];
  const lo = words[2 * i] >>> 0;
  // ns = hi·2³² + lo = hi·4294·1e6 + (hi·967296 + lo), and the bracket stays below 2⁵³.
  const x = hi * 967296 + lo;
  let q = Math.floor(x / 1e6);
  let r = x - q * 1e6;
  if (r < 0) {
    q -= 1;
    r += 1e6;
  } else if (r >= 1e6) {
    q += 1;
    r -= 1e6;
  }
  out.ms = hi * 4294 + q;
  out.rem = r;
}

/** Int32 view over a time column, for {@link splitNanosAt}. */
export function nanoWords(ns: BigInt64Array): Int32Array {
  return new Int32Array(ns.buffer, ns.byteOffset, ns.length * 2);
}

/** RFC 3339 UTC text with as many fractional digits as needed (up to nanoseconds). */
export function formatNanos(ns: bigint): string {
  let ms = ns / 1_000_000n;
  let rem = ns % 1_000_000n;
  if (rem < 0n) {
    ms -= 1n;
    rem += 1_000_000n;
  }
  const iso = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  if (rem === 0n) return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
  const frac = (iso.slice(-4, -1) + rem.toString().padStart(6, "0")).replace(/0+$/, "");
  return `${iso.slice(0, -5)}.${frac}Z`;
}
