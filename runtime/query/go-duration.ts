/**
 * Go's `time.ParseDuration`, exactly: a signed sequence of decimal numbers, each with an optional
 * fraction and a unit (ns, us/µs/μs, ms, s, m, h), e.g. `1h30m`, `-1.5s`, `300ms`. Computed in int64
 * nanoseconds with Go's overflow checks and rounding of fractions, and failing with Go's messages,
 * because Grafana's Go code parses every interval this way and a TypeScript plugin must accept and
 * reject the same texts.
 */
import { DurationError } from "./errors.js";

const NS_PER: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // µ (micro sign)
  "\u03bcs": 1_000n, // μ (Greek mu)
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TWO_63 = 1n << 63n;

/** The duration `text` denotes, in nanoseconds; throws DurationError with Go's message. */
export function parseGoDuration(text: string): bigint {
  const invalid = (): never => {
    throw new DurationError(`time: invalid duration ${goQuote(text)}`);
  };
  let s = text;
  let negative = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") invalid();
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) invalid();
    const whole = leadingInt(s) ?? invalid();
    s = s.slice(whole.length);
    let fraction = { value: 0n, scale: 1, length: 0 };
    if (s[0] === ".") {
      s = s.slice(1);
      fraction = leadingFraction(s);
      s = s.slice(fraction.length);
    }
    if (whole.length === 0 && fraction.length === 0) invalid();
    let unitEnd = 0;
    while (unitEnd < s.length && !(s[unitEnd] === "." || isDigit(s[unitEnd]))) unitEnd++;
    if (unitEnd === 0) throw new DurationError(`time: missing unit in duration ${goQuote(text)}`);
    const unitName = s.slice(0, unitEnd);
    s = s.slice(unitEnd);
    const unit = NS_PER[unitName];
    if (unit === undefined) {
      throw new DurationError(
        `time: unknown unit ${goQuote(unitName)} in duration ${goQuote(text)}`,
      );
    }
    if (whole.value > TWO_63 / unit) invalid();
    let v = whole.value * unit;
    if (fraction.value > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), truncated toward zero.
      v += BigInt(Math.trunc(Number(fraction.value) * (Number(unit) / fraction.scale)));
      if (v > TWO_63) invalid();
    }
    total += v;
    if (total > TWO_63) invalid();
  }
  if (negative) return -total;
  if (total > TWO_63 - 1n) invalid();
  return total;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** The leading digits as an integer, or undefined when it exceeds 2^63 (Go's errLeadingInt). */
function leadingInt(s: string): { value: bigint; length: number } | undefined {
  let i = 0;
  let x = 0n;
  for (; i < s.length && isDigit(s[i]); i++) {
    if (x > TWO_63 / 10n) return undefined;
    x = x * 10n + BigInt(s.charCodeAt(i) - 48);
    if (x > TWO_63) return undefined;
  }
  return { value: x, length: i };
}

/** The leading fraction digits; digits past int64 precision are consumed but ignored, as in Go. */
function leadingFraction(s: string): { value: bigint; scale: number; length: number } {
  let i = 0;
  let x = 0n;
  let scale = 1;
  let overflow = false;
  for (; i < s.length && isDigit(s[i]); i++) {
    if (overflow) continue;
    if (x > (TWO_63 - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(s.charCodeAt(i) - 48);
    if (y > TWO_63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return { value: x, scale, length: i };
}

const utf8 = new TextEncoder();

/**
 * The time package's own quoting in its messages: ASCII as is (with \" and \\ escaped), every
 * other byte, and control characters, as \xNN.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const b of utf8.encode(s)) {
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += (b === 0x22 || b === 0x5c ? "\\" : "") + String.fromCharCode(b);
  }
  return out + '"';
}
