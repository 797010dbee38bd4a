/**
 * Frames as plain-text tables for terminals and logs, laid out like the Go SDK's
 * `Frame.StringTable`: a header with the frame's name and size, then one column per field whose
 * head shows the field name, labels and type, then the first rows.
 */
import type { Field } from "./field.js";
import type { Frame } from "./frame.js";
import { goJSON } from "./go-json.js";
import { formatNanos } from "./time.js";

export interface TableOptions {
  /** Rows shown per frame (default 20); the rest is summarised in one line. */
  maxRows?: number;
  /** Cells longer than this many characters are cut with "…" (default 40). */
  maxCellWidth?: number;
}

/** All frames as text tables, separated by a blank line. */
export function renderFramesTable(frames: readonly Frame[], options: TableOptions = {}): string {
  return frames.map((f) => renderFrame(f, options)).join("\n");
}

function renderFrame(frame: Frame, options: TableOptions): string {
  const maxRows = options.maxRows ?? 20;
  const maxWidth = options.maxCellWidth ?? 40;
  const rows = frame.fields.length === 0 ? 0 : Math.max(...frame.fields.map((f) => f.length));
  const lines = [
    `Name: ${frame.name}${frame.refId ? `  (refId ${frame.refId})` : ""}`,
    `Dimensions: ${frame.fields.length} fields by ${rows} rows`,
  ];
  if (frame.meta !== undefined) lines.push(`Meta: ${cut(goJSON(frame.meta), 200)}`);
  if (frame.fields.length === 0) return lines.join("\n") + "\n";

  const shown = Math.min(rows, maxRows);
  const head = frame.fields.map((f) =>
    [
      `Name: ${f.name}`,
      `Labels: ${labelsText(f)}`,
      `Type: ${f.nullable ? "nullable " : ""}${f.type}`,
    ].map((t) => cut(t, maxWidth)),
  );
  const body = Array.from({ length: shown }, (_, r) =>
    frame.fields.map((f) => cut(cellText(f, r), maxWidth)),
  );
  const widths = head.map((h, c) => Math.max(...h.map(width), ...body.map((row) => width(row[c]))));
  const rule = "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+";
  const line = (texts: string[]) =>
    "| " + texts.map((t, c) => t + " ".repeat(widths[c] - width(t))).join(" | ") + " |";
  lines.push(rule);
  for (let i = 0; i < 3; i++) lines.push(line(head.map((h) => h[i])));
  lines.push(rule, ...body.map(line), rule);
  if (rows > shown) lines.push(`(${rows - shown} more rows)`);
  return lines.join("\n") + "\n";
}

function labelsText(field: Field): string {
  const entries = Object.entries(field.labels ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

function cellText(field: Field, row: number): string {
  if (row >= field.length || field.isNull(row)) return "null";
  const raw = field.values[row];
  switch (field.type) {
    case "time":
      return formatNanos(raw as bigint);
    case "bool":
      return raw !== 0 ? "true" : "false";
    case "json":
      return raw === "" ? "null" : String(raw);
    case "enum": {
      const text = field.config?.type?.enum?.text?.[raw as number];
      return text === undefined ? String(raw) : `${JSON.stringify(text)} (${raw})`;
    }
    case "string":
      return JSON.stringify(raw).slice(1, -1); // escapes newlines and control characters
    default:
      return String(raw);
  }
}

/** Approximate terminal columns: wide (CJK, emoji) characters take 2, combining marks 0. */
function width(text: string): number {
  let columns = 0;
  for (const ch of text) columns += charWidth(ch.codePointAt(0)!);
  return columns;
}

function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x200d) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x1f000;
  return wide ? 2 : 1;
}

function cut(text: string, max: number): string {
  if (width(text) <= max) return text;
  let out = "";
  for (const ch of text) {
    if (width(out + ch) > max - 1) break;
    out += ch;
  }
  return out + "…";
}
