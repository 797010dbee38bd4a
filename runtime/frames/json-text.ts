/**
 * JSON text helpers the frame JSON format needs beyond JSON.parse/stringify: int64 and uint64
 * values are written as plain JSON integers (Go writes -9223372036854775808 as is), which JSON.parse
 * would round, so parsing keeps every integer literal outside the safe range as a bigint. Text
 * without such literals takes the native JSON.parse path; only the rest goes through the small
 * parser below.
 */

/** Thrown for malformed JSON text; decoders wrap it into FrameDecodeError. */
export class JSONTextError extends Error {
  override name = "JSONTextError";
}

const MAX_DEPTH = 512;
// Any run of 16 digits may be an integer above 2^53; 15 digits never are.
const MAYBE_UNSAFE_INTEGER = /\d{16}/;

/** Parse JSON text; integers beyond Number.MAX_SAFE_INTEGER become bigints. */
export function parseJSONText(text: string): unknown {
  if (!MAYBE_UNSAFE_INTEGER.test(text)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new JSONTextError(err instanceof Error ? err.message : String(err));
    }
  }
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.value(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected text after the JSON value");
    return value;
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(
      c === undefined ? "unexpected end of JSON" : `unexpected character ${JSON.stringify(c)}`,
    );
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail("expected a property name");
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos++] !== ":") this.fail("expected ':'");
      out[key] = this.value(depth + 1);
      this.skipSpace();
      const sep = this.text[this.pos++];
      if (sep === "}") return out;
      if (sep !== ",") this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      const sep = this.text[this.pos++];
      if (sep === "]") return out;
      if (sep !== ",") this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    const start = this.pos;
    let end = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(end);
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c === 0x22) break; // "
      end += c === 0x5c ? 2 : 1; // skip the escaped character
    }
    this.pos = end + 1;
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string;
    } catch {
      return this.fail("invalid string literal");
    }
  }

  private number(): number | bigint {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
      this.text.slice(this.pos, this.pos + 400),
    );
    if (!match) return this.fail("invalid number");
    this.pos += match[0].length;
    const literal = match[0];
    if (match[2] === undefined && match[3] === undefined) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  private fail(message: string): never {
    throw new JSONTextError(`${message} at offset ${this.pos}`);
  }
}

/**
 * Re-indent valid compact JSON text without parsing it, so numbers (int64 extremes, float32
 * digits) keep their exact text. Empty objects and arrays stay `{}` / `[]`.
 */
export function indentJSON(text: string, indent = "  "): string {
  const out: string[] = [];
  let depth = 0;
  let i = 0;
  const newline = () => out.push("\n", indent.repeat(depth));
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      out.push(text.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    if ((c === "{" || c === "[") && (text[i + 1] === "}" || text[i + 1] === "]")) {
      out.push(c, text[i + 1]);
      i += 2;
      continue;
    }
    if (c === "{" || c === "[") {
      out.push(c);
      depth++;
      newline();
    } else if (c === "}" || c === "]") {
      depth--;
      newline();
      out.push(c);
    } else if (c === ",") {
      out.push(c);
      newline();
    } else if (c === ":") {
      out.push(": ");
    } else if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") {
      out.push(c);
    }
    i++;
  }
  return out.join("");
}
