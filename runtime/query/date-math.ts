/**
 * The date-math language Grafana's time pickers write (`now-6h`, `now/d`, `now-1d/d`,
 * `2024-01-01T10:00:00Z||+1M/M`), parsed as jszwedko/go-datemath parses it for the Go SDK
 * (gtime.TimeRange). Parsing only: relative-time.ts evaluates the result against a clock, a time
 * zone and a week start.
 *
 *   expression := "now" math* | absolute ("||" math*)?
 *   absolute   := date | time | date "T" time zone | epoch-ms (5 or more digits)
 *   date       := YYYY ("-" MM ("-" DD)?)?        time := HH (":" mm (":" ss ("." S{1,3})?)?)?
 *   zone       := "" | "Z" | ("+"|"-") HH ":" MM
 *   math       := ("+"|"-") digits? unit | "/" unit
 *   unit       := y fy Q fQ M w d b h H m s
 */
import { RelativeTimeError } from "./errors.js";
import { utcFromFields } from "./time-zone.js";

export type DateMathUnit = "y" | "fy" | "Q" | "fQ" | "M" | "w" | "d" | "b" | "h" | "m" | "s";

export type DateMathStep =
  { op: "add"; amount: number; unit: DateMathUnit } | { op: "round"; unit: DateMathUnit };

/** The starting point: now, or a wall clock (read in `offsetMs`, or the caller's zone if absent). */
export type DateMathAnchor =
  | { kind: "now" }
  | { kind: "epochMs"; ms: number }
  | { kind: "wall"; fieldsAsUTC: number; offsetMs?: number };

export interface DateMathExpression {
  anchor: DateMathAnchor;
  steps: DateMathStep[];
}

const UNITS: Record<string, DateMathUnit> = {
  y: "y",
  Q: "Q",
  M: "M",
  w: "w",
  d: "d",
  b: "b",
  h: "h",
  H: "h",
  m: "m",
  s: "s",
};

/** Parses `text`; throws RelativeTimeError naming the character where it went wrong. */
export function parseDateMath(text: string): DateMathExpression {
  return new Parser(text).expression();
}

class Parser {
  #pos = 0;
  constructor(readonly text: string) {}

  expression(): DateMathExpression {
    let anchor: DateMathAnchor;
    if (this.text.startsWith("now")) {
      this.#pos = 3;
      anchor = { kind: "now" };
    } else {
      anchor = this.absolute();
      if (this.#pos === this.text.length) return { anchor, steps: [] };
      this.expect("||");
    }
    const steps: DateMathStep[] = [];
    while (this.#pos < this.text.length) steps.push(this.step());
    return { anchor, steps };
  }

  absolute(): DateMathAnchor {
    const run = this.digitRun();
    if (run >= 5) return { kind: "epochMs", ms: Number(this.digits(run)) };
    if (run === 2) return { kind: "wall", fieldsAsUTC: this.time(1970, 1, 1) };
    if (run !== 4)
      this.fail(run === 0 ? "expected now, a date or a time" : "expected a 4-digit year");
    const year = this.number(4);
    let month = 1;
    let day = 1;
    if (this.peek("-")) {
      this.#pos++;
      month = this.number(2);
      if (month > 12) this.fail(`month out of bounds ${month}`, -2);
      if (this.peek("-")) {
        this.#pos++;
        day = this.number(2);
        if (day > daysIn(year, month)) this.fail(`day ${day} out of bounds for month ${month}`, -2);
      }
    }
    if (!this.peek("T"))
      return { kind: "wall", fieldsAsUTC: utcFromFields(year, month, day, 0, 0, 0, 0) };
    this.#pos++;
    const fieldsAsUTC = this.time(year, month, day);
    return { kind: "wall", fieldsAsUTC, offsetMs: this.zone() };
  }

  time(year: number, month: number, day: number): number {
    const hour = this.bounded(23, "hours");
    let [minute, second, ms] = [0, 0, 0];
    if (this.peek(":")) {
      this.#pos++;
      minute = this.bounded(59, "minutes");
      if (this.peek(":")) {
        this.#pos++;
        second = this.bounded(59, "seconds");
        if (this.peek(".")) {
          this.#pos++;
          const run = this.digitRun();
          if (run < 1 || run > 3) this.fail("expected 1 to 3 digits of fractional seconds");
          ms = Number(this.digits(run).padEnd(3, "0"));
        }
      }
    }
    return utcFromFields(year, month, day, hour, minute, second, ms);
  }

  zone(): number | undefined {
    if (this.peek("Z")) {
      this.#pos++;
      return 0;
    }
    if (!this.peek("+") && !this.peek("-")) return undefined;
    const sign = this.text[this.#pos++] === "-" ? -1 : 1;
    const hours = this.number(2);
    this.expect(":");
    const minutes = this.number(2);
    return sign * (hours * 60 + minutes) * 60_000;
  }

  step(): DateMathStep {
    const c = this.text[this.#pos];
    if (c === "/") {
      this.#pos++;
      return { op: "round", unit: this.unit() };
    }
    if (c !== "+" && c !== "-") this.fail('expected "+", "-" or "/"');
    this.#pos++;
    const run = this.digitRun();
    const amount = run === 0 ? 1 : Number(this.digits(run));
    return { op: "add", amount: c === "-" ? -amount : amount, unit: this.unit() };
  }

  unit(): DateMathUnit {
    const two = this.text.slice(this.#pos, this.#pos + 2);
    if (two === "fy" || two === "fQ") {
      this.#pos += 2;
      return two;
    }
    const unit = UNITS[this.text[this.#pos] ?? ""];
    if (!unit) this.fail("expected a unit (y, fy, Q, fQ, M, w, d, b, h, m or s)");
    this.#pos++;
    return unit;
  }

  bounded(max: number, what: string): number {
    const value = this.number(2);
    if (value > max) this.fail(`${what} out of bounds ${value}`, -2);
    return value;
  }

  number(length: number): number {
    if (this.digitRun() < length) this.fail(`expected ${length} digits`);
    return Number(this.digits(length));
  }

  digitRun(): number {
    let i = this.#pos;
    while (i < this.text.length && this.text[i] >= "0" && this.text[i] <= "9") i++;
    return i - this.#pos;
  }

  digits(length: number): string {
    const d = this.text.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return d;
  }

  peek(s: string): boolean {
    return this.text.startsWith(s, this.#pos);
  }

  expect(s: string): void {
    if (!this.peek(s)) this.fail(`expected ${JSON.stringify(s)}`);
    this.#pos += s.length;
  }

  fail(problem: string, back = 0): never {
    const at = this.#pos + back;
    const rest = this.text.slice(at);
    const found = rest === "" ? "the end" : JSON.stringify(rest);
    throw new RelativeTimeError(
      `invalid time ${JSON.stringify(this.text)}: ${problem} at character ${at + 1} (found ${found})`,
    );
  }
}

function daysIn(year: number, month: number): number {
  return new Date(utcFromFields(year, month + 1, 0, 0, 0, 0, 0)).getUTCDate();
}
