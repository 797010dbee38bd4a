/**
 * Reads what a test needs from a 64-bit little-endian ELF executable: its
 * machine (0x3E x86-64, 0xB7 AArch64) and the notes in its PT_NOTE
 * segments, where postject puts a single executable's NODE_SEA_BLOB. Enough
 * to check a binary built for an architecture this machine cannot run.
 */
import { readFileSync } from "node:fs";

export const EM_X86_64 = 0x3e;
export const EM_AARCH64 = 0xb7;
const PT_NOTE = 4;

export interface ElfNote {
  name: string;
  type: number;
  desc: Buffer;
}

export interface ElfSummary {
  machine: number;
  notes: ElfNote[];
}

export function readElf(path: string): ElfSummary {
  const file = readFileSync(path);
  if (file.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  if (file[4] !== 2 || file[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF`);
  const machine = file.readUInt16LE(0x12);
  const phoff = Number(file.readBigUInt64LE(0x20));
  const phentsize = file.readUInt16LE(0x36);
  const phnum = file.readUInt16LE(0x38);
  const notes: ElfNote[] = [];
  for (let i = 0; i < phnum; i++) {
    const header = phoff + i * phentsize;
    if (file.readUInt32LE(header) !== PT_NOTE) continue;
    const offset = Number(file.readBigUInt64LE(header + 0x08));
    const size = Number(file.readBigUInt64LE(header + 0x20));
    notes.push(...readNotes(file.subarray(offset, offset + size)));
  }
  return { machine, notes };
}

/** Elf64_Nhdr entries: namesz, descsz, type, then name and desc, each padded to 4 bytes. */
function readNotes(segment: Buffer): ElfNote[] {
  const notes: ElfNote[] = [];
  const pad = (n: number) => (n + 3) & ~3;
  for (let at = 0; at + 12 <= segment.length;) {
    const nameSize = segment.readUInt32LE(at);
    const descSize = segment.readUInt32LE(at + 4);
    const type = segment.readUInt32LE(at + 8);
    const nameStart = at + 12;
    const descStart = nameStart + pad(nameSize);
    notes.push({
      name: segment.toString("latin1", nameStart, nameStart + Math.max(0, nameSize - 1)),
      type,
      desc: segment.subarray(descStart, descStart + descSize),
    });
    at = descStart + pad(descSize);
  }
  return notes;
}
