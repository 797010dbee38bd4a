/**
 * Deterministic byte-level damage for the reliability fuzz tests: from one
 * valid input, a seeded stream of mutated copies (flipped, overwritten,
 * inserted, deleted, duplicated and truncated bytes), so a failure names a
 * seed and an index that reproduce it.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every run. */
export function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/** Values that steer parsers: zero, all-ones, sign bits, protobuf wire-type and varint edges. */
const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0xc0, 0xfe];

/** One mutated copy of `input`; `random` comes from seededRandom. */
export function mutateBytes(input: Uint8Array, random: (below: number) => number): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(input);
  const rounds = 1 + random(4);
  for (let round = 0; round < rounds; round++) {
    const at = bytes.length ? random(bytes.length) : 0;
    switch (random(7)) {
      case 0: // flip one bit
        if (bytes.length) bytes[at] ^= 1 << random(8);
        break;
      case 1: // overwrite with a value parsers care about
        if (bytes.length) bytes[at] = INTERESTING[random(INTERESTING.length)];
        break;
      case 2: // overwrite with anything
        if (bytes.length) bytes[at] = random(256);
        break;
      case 3: {
        // insert a few random bytes
        const insert = Uint8Array.from({ length: 1 + random(4) }, () => random(256));
        bytes = concat(bytes.subarray(0, at), insert, bytes.subarray(at));
        break;
      }
      case 4: // delete a range
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1 + random(8)));
        break;
      case 5: {
        // duplicate a range
        const range = bytes.subarray(at, at + 1 + random(16));
        bytes = concat(bytes.subarray(0, at), range, bytes.subarray(at));
        break;
      }
      default: // truncate
        bytes = bytes.slice(0, at);
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
