/**
 * Raised by every frame decoder (Arrow and JSON) when the input cannot be turned into a Frame:
 * bytes that are not an Arrow IPC file, truncated or corrupt files, Arrow types the Go SDK has no
 * field type for, metadata that is not valid JSON, JSON frames whose columns do not fit their schema.
 * The message names the problem (and the field, where there is one); decoders never let a lower-level
 * error escape, so callers can catch this one type.
 */
export class FrameDecodeError extends Error {
  override name = "FrameDecodeError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Raised when a frame's shape is inconsistent: fields of different lengths, a row with the wrong
 * number of values, a value that does not fit its field's type. Thrown at build time rather than at
 * encode time wherever possible, so the mistake is reported where it was made.
 */
export class FrameShapeError extends Error {
  override name = "FrameShapeError";
}

/** Message of an unknown thrown value, for wrapping it in one of the errors above. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
