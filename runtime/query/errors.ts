/**
 * Errors a query's text can cause: a duration or interval that does not parse, a relative time
 * Grafana would reject, a macro used wrongly. Each names the input (and, for macros, the macro and
 * its position), so the message can go back to the user as is; they are the user's mistakes, which
 * the Go SDK marks as downstream errors.
 */

/** A duration or interval text (`1h30m`, `1d`, `<10s>`) that does not parse. */
export class DurationError extends Error {
  override name = "DurationError";
}

/** A relative or absolute time (`now-6h`, `now/d`, `2024-01-01T00:00:00Z`) that does not parse. */
export class RelativeTimeError extends Error {
  override name = "RelativeTimeError";
}

/** A time zone name `Intl` does not know. */
export class TimeZoneError extends Error {
  override name = "TimeZoneError";
}

/** A macro used wrongly: wrong argument count, bad argument, unclosed parenthesis or quote. */
export class MacroError extends Error {
  override name = "MacroError";
  /** The macro as written, e.g. `$__timeGroup`. */
  readonly macro: string;
  /** Zero-based offset of the macro in the query text. */
  readonly position: number;

  constructor(macro: string, position: number, problem: string) {
    super(`macro ${macro} at character ${position + 1}: ${problem}`);
    this.macro = macro;
    this.position = position;
  }
}
