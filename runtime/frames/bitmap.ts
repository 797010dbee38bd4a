/**
 * Validity bitmaps in Arrow's layout (bit i of byte i>>3, least significant bit first; a set bit
 * means the value is present). Fields keep nulls this way so that encoding and decoding hand the
 * bitmap to and from Arrow without converting it.
 */

/** Bytes needed for a bitmap of `length` bits. */
export function bitmapBytes(length: number): number {
  return (length + 7) >> 3;
}

export function getBit(bitmap: Uint8Array, i: number): boolean {
  return (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

export function setBit(bitmap: Uint8Array, i: number, present: boolean): void {
  if (present) bitmap[i >> 3] |= 1 << (i & 7);
  else bitmap[i >> 3] &= ~(1 << (i & 7));
}

/** A bitmap of `capacity` bits whose first `present` bits are set. */
export function bitmapAllSet(capacity: number, present: number): Uint8Array {
  const bitmap = new Uint8Array(bitmapBytes(capacity));
  bitmap.fill(0xff, 0, present >> 3);
  for (let i = present & ~7; i < present; i++) setBit(bitmap, i, true);
  return bitmap;
}

const POPCOUNT = new Uint8Array(256).map((_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/** Number of clear bits (nulls) among the first `length` bits. */
export function countNulls(bitmap: Uint8Array, length: number): number {
  let present = 0;
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) present += POPCOUNT[bitmap[i]];
  for (let i = whole << 3; i < length; i++) if (getBit(bitmap, i)) present++;
  return length - present;
}

/** Pack one byte per value (non-zero = true) into a bitmap, as Arrow stores booleans. */
export function packBytes(bytes: Uint8Array, length: number): Uint8Array {
  const bitmap = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < length; i++) if (bytes[i] !== 0) bitmap[i >> 3] |= 1 << (i & 7);
  return bitmap;
}

/** Unpack `length` bits starting at bit `offset` into one byte (0/1) per value. */
export function unpackBits(bitmap: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = getBit(bitmap, offset + i) ? 1 : 0;
  return bytes;
}

/** Copy `length` bits starting at `offset` into a fresh bitmap starting at bit 0. */
export function sliceBits(bitmap: Uint8Array, offset: number, length: number): Uint8Array {
  if ((offset & 7) === 0) return bitmap.slice(offset >> 3, (offset >> 3) + bitmapBytes(length));
  const out = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < length; i++) if (getBit(bitmap, offset + i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}
