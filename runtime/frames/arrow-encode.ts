/**
 * Frame → Arrow IPC file, in the layout the Go SDK's `Frame.MarshalArrow` produces (see
 * arrow-encode-reference.ts, which apache-arrow writes and the golden tests check against Go).
 *
 * A plugin answers most queries with frames of the same few shapes, and for small frames the
 * fixed cost of a file (building the schema and its metadata JSON, apache-arrow's objects, two
 * flatbuffer builders) is most of the work. So the reference encoder writes a shape's frames
 * until the shape comes a second time; that frame's file is cut into a template
 * (arrow-file-template.ts), and later frames of the shape are the template with their own
 * counts, offsets and body: the same bytes, checked once per shape before the template is used.
 * (Waiting for the second frame spares the cutting and checking for shapes that never repeat,
 * such as frames whose meta carries the executed query with its time range.) The shape key is
 * recomputed from each frame's current names, types, labels, config and meta, so changing any
 * of them in place gives a new schema.
 */
import { recordBatchBody } from "./arrow-body.js";
import { frameToArrowReference } from "./arrow-encode-reference.js";
import type { ArrowFileTemplate } from "./arrow-file-template.js";
import { templateFromFile, writeFromTemplate } from "./arrow-file-template.js";
import { schemaKey } from "./arrow-metadata.js";
import type { Frame } from "./frame.js";

/**
 * Shapes remembered. A plugin whose frame names or labels never repeat would otherwise grow the
 * cache forever; past the limit the oldest shape is dropped and costs one reference encode if it
 * comes back.
 */
const MAX_SHAPES = 256;

/** Seen once so far: the next frame of the shape makes its template. */
const SEEN_ONCE = "seen once";

/** Per shape key: its template, SEEN_ONCE, or null for a shape the reference encoder keeps. */
const templates = new Map<string, ArrowFileTemplate | typeof SEEN_ONCE | null>();

/**
 * Encodes `frame` as an Arrow IPC file that the Go SDK's `data.UnmarshalArrowFrame` reads back into
 * the same frame. Throws FrameShapeError if the fields differ in length.
 */
export function frameToArrow(frame: Frame): Uint8Array {
  const rows = frame.rowCount();
  // A file without a record batch has nothing to patch; empty frames are rare enough.
  if (rows === 0) return frameToArrowReference(frame);
  const key = schemaKey(frame);
  const template = templates.get(key);
  if (typeof template === "object" && template !== null) {
    return writeFromTemplate(template, rows, recordBatchBody(frame, rows));
  }
  const file = frameToArrowReference(frame);
  if (template === undefined) rememberFirstSight(key);
  else if (template === SEEN_ONCE) templates.set(key, checkedTemplate(file, frame, rows));
  return file;
}

/** The template cut from `file`, if writing `frame` with it gives `file` again byte for byte. */
function checkedTemplate(file: Uint8Array, frame: Frame, rows: number): ArrowFileTemplate | null {
  const body = recordBatchBody(frame, rows);
  const template = templateFromFile(file, body);
  if (template === undefined) return null;
  const again = writeFromTemplate(template, rows, body);
  return sameBytes(again, file) ? template : null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rememberFirstSight(key: string): void {
  if (templates.size >= MAX_SHAPES) templates.delete(templates.keys().next().value!);
  templates.set(key, SEEN_ONCE);
}

/** Number of shapes remembered, and how many of them have a template (for tests). */
export function arrowTemplateCacheStats(): { shapes: number; templates: number } {
  let withTemplate = 0;
  for (const t of templates.values()) if (typeof t === "object" && t !== null) withTemplate++;
  return { shapes: templates.size, templates: withTemplate };
}

/** Forgets every shape (for tests and benchmarks that measure the first encode of a shape). */
export function clearArrowTemplateCache(): void {
  templates.clear();
}
