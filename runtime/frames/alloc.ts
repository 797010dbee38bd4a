/**
 * Output buffers that are about to be overwritten completely. In Node they come from
 * Buffer.allocUnsafeSlow: no zero-filling, and the allocator can hand back recently freed memory
 * instead of fresh pages, which for multi-megabyte columns is most of the cost of producing them.
 * Each buffer has its own ArrayBuffer (never Node's shared pool), so `.buffer` exposes nothing
 * else. Elsewhere they are ordinary zeroed arrays.
 */

type NodeBuffer = { allocUnsafeSlow(size: number): Uint8Array };
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** `length` bytes whose content is unspecified; the caller writes every byte. */
export function uninitializedBytes(length: number): Uint8Array {
  if (!NodeBuffer) return new Uint8Array(length);
  const buffer = NodeBuffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A BigInt64Array of `length` unspecified values; the caller writes every element. */
export function uninitializedBigInt64(length: number): BigInt64Array {
  const bytes = uninitializedBytes(length * 8);
  return new BigInt64Array(bytes.buffer, bytes.byteOffset, length);
}
