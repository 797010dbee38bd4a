/**
 * Why JSON text failed to parse, without the text. V8 quotes the start of
 * the input in some JSON.parse errors (`Unexpected token 'q', "qj-token…" is
 * not valid JSON`), and the input is often a query, settings or an upstream
 * body that can hold credentials; these messages reach Grafana's UI and the
 * logs. The reason and position stay (Go's encoding/json names the bad
 * character too); the quoted input goes.
 */
export function jsonSyntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // `, "text" is not valid JSON`, the text cut short with `...` on either side.
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
}
