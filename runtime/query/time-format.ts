/**
 * Instants as query texts need them: RFC 3339 (what the Go SDK's SQL macros write), Go's
 * `2006-01-02T15:04:05.999Z` ISO form (trailing zeros of the milliseconds dropped, as the Go SDK's
 * `${__from:date:iso}` writes), Grafana's moment-style patterns (`YYYY-MM-DD HH:mm`), and Go's `%v`
 * of a float (how Grafana's SQL macros print interval seconds: 300, 0.5, 1e+06).
 */

/** RFC 3339 in UTC at whole seconds, as Go's time.RFC3339 layout writes a UTC time. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** Go layout "2006-01-02T15:04:05.999Z": milliseconds without trailing zeros, none if zero. */
export function isoMillis(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  return iso.slice(0, 19) + (fraction ? `.${fraction}` : "") + "Z";
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const TOKENS = /\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|X|x/g;

/**
 * A moment.js-style pattern in UTC: YYYY YY MMMM MMM MM M DD D dddd ddd HH H hh h mm m ss s SSS
 * A a, X (epoch seconds), x (epoch ms); text in [brackets] is literal.
 */
export function formatPattern(ms: number, pattern: string): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  const hour12 = d.getUTCHours() % 12 || 12;
  const values: Record<string, () => string> = {
    YYYY: () => pad(d.getUTCFullYear(), 4),
    YY: () => pad(d.getUTCFullYear() % 100),
    MMMM: () => MONTHS[d.getUTCMonth()],
    MMM: () => MONTHS[d.getUTCMonth()].slice(0, 3),
    MM: () => pad(d.getUTCMonth() + 1),
    M: () => String(d.getUTCMonth() + 1),
    DD: () => pad(d.getUTCDate()),
    D: () => String(d.getUTCDate()),
    dddd: () => DAYS[d.getUTCDay()],
    ddd: () => DAYS[d.getUTCDay()].slice(0, 3),
    HH: () => pad(d.getUTCHours()),
    H: () => String(d.getUTCHours()),
    hh: () => pad(hour12),
    h: () => String(hour12),
    mm: () => pad(d.getUTCMinutes()),
    m: () => String(d.getUTCMinutes()),
    ss: () => pad(d.getUTCSeconds()),
    s: () => String(d.getUTCSeconds()),
    SSS: () => pad(d.getUTCMilliseconds(), 3),
    A: () => (d.getUTCHours() < 12 ? "AM" : "PM"),
    a: () => (d.getUTCHours() < 12 ? "am" : "pm"),
    X: () => String(Math.floor(ms / 1000)),
    x: () => String(ms),
  };
  return pattern.replace(TOKENS, (token) =>
    token.startsWith("[") ? token.slice(1, -1) : values[token](),
  );
}

/** Go's fmt `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e+06 on. */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(v);
}
