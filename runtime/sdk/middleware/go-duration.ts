/**
 * Go's time.Duration.String() ("350µs", "1.5ms", "2m3.25s"): the format of
 * the `duration` field in the Go SDK's request log lines, kept so a log
 * query that parses it works for TypeScript plugins too.
 */
export function goDuration(milliseconds: number): string {
  const ns = Math.round(milliseconds * 1e6);
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${fraction(abs, 1e3)}µs`;
  if (abs < 1e9) return `${sign}${fraction(abs, 1e6)}ms`;
  const hours = Math.floor(abs / 3.6e12);
  const minutes = Math.floor((abs % 3.6e12) / 6e10);
  const seconds = fraction(abs % 6e10, 1e9);
  if (hours) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `value / unit` with the fraction's trailing zeros dropped, as Go prints it. */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value % unit;
  if (rest === 0) return String(whole);
  // Written on every call's completion line: digits by arithmetic, no regex.
  let digits = String(unit).length - 1;
  let fractional = rest;
  while (fractional % 10 === 0) {
    fractional /= 10;
    digits--;
  }
  return `${whole}.${String(fractional).padStart(digits, "0")}`;
}
