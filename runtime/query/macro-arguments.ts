/**
 * The argument list after a macro name: `(col, '5m', previous)`. Split on commas at the top level
 * only, so nested calls and quoted text keep theirs: `$__timeFilter(coalesce(a, b))` has one
 * argument, `$__m('a,b', "c)")` two. Each argument is trimmed, as in the Go SDK's sqlutil; `()`
 * is no arguments at all. Quotes are ', " and ` (SQL strings, identifiers and MySQL names); a
 * doubled quote inside a string ('it''s') needs no special case, it closes and reopens.
 */

export type ParsedArguments =
  { ok: true; args: string[]; end: number } | { ok: false; problem: string; at: number };

const QUOTES = new Set(["'", '"', "`"]);

/**
 * Parses the list whose "(" is at `open` in `text`. On success `end` is the index just past the
 * closing ")"; on failure `problem` says what is missing and `at` where it started.
 */
export function parseMacroArguments(text: string, open: number): ParsedArguments {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let quoteStart = -1;
  let argStart = open + 1;
  const opened: number[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (QUOTES.has(c)) {
      quote = c;
      quoteStart = i;
    } else if (c === "(") {
      depth++;
      opened.push(i);
    } else if (c === ")") {
      depth--;
      opened.pop();
      if (depth === 0) {
        args.push(text.slice(argStart, i).trim());
        const empty = args.length === 1 && args[0] === "";
        return { ok: true, args: empty ? [] : args, end: i + 1 };
      }
    } else if (c === "," && depth === 1) {
      args.push(text.slice(argStart, i).trim());
      argStart = i + 1;
    }
  }
  if (quote !== null) {
    return { ok: false, problem: `the quote ${quote} opened here is never closed`, at: quoteStart };
  }
  const at = opened[opened.length - 1] ?? open;
  const which = at === open ? "the argument list" : "a parenthesis inside the arguments";
  return { ok: false, problem: `missing ")" to close ${which}`, at };
}
