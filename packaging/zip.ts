/**
 * A minimal zip writer (deflate, no zip64) that records Unix modes, so an
 * executable unzips executable: Grafana's plugin installer and `unzip` both
 * restore the mode from the "external attributes" of a zip made on Unix.
 * Written here rather than shelling out to `zip`, which is not everywhere.
 *
 * Format: PKWARE APPNOTE 6.3.x, sections 4.3.7 (local header), 4.3.12
 * (central directory header) and 4.3.16 (end of central directory).
 */
import { open, readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import * as zlib from "node:zlib";

const deflateRaw = promisify(zlib.deflateRaw);

export interface ZipEntry {
  /** Path inside the archive, "/"-separated; directories end with "/". */
  name: string;
  /** File to read; omitted for directories. */
  source?: string;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** "Made by" Unix (3), spec version 2.0: tells unzip the high 16 bits of the external attributes are a mode. */
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const STORE = 0;
const DEFLATE = 8;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** MS-DOS directory attribute, for tools that only read the low byte. */
const DOS_DIRECTORY = 0x10;

/** Writes `entries` in order to `outFile`, keeping each source file's mode and mtime. */
export async function writeZip(outFile: string, entries: ZipEntry[]): Promise<void> {
  const file = await open(outFile, "w");
  try {
    const central: Buffer[] = [];
    let offset = 0;
    for (const entry of entries) {
      const data = await entryData(entry);
      const name = Buffer.from(entry.name, "utf8");
      const fields = {
        method: data.compressed === data.raw ? STORE : DEFLATE,
        ...dosDateTime(data.mtime),
        crc: crc32(data.raw),
        compressedSize: data.compressed.length,
        size: data.raw.length,
      };
      if (
        offset + data.compressed.length + 30 + name.length > 0xffffffff ||
        data.raw.length > 0xffffffff
      )
        throw new Error(`${outFile}: over 4 GiB, which needs zip64 (not supported)`);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(LOCAL_HEADER, 0);
      local.writeUInt16LE(VERSION_NEEDED, 4);
      local.writeUInt16LE(UTF8_NAMES, 6);
      local.writeUInt16LE(fields.method, 8);
      local.writeUInt16LE(fields.time, 10);
      local.writeUInt16LE(fields.date, 12);
      local.writeUInt32LE(fields.crc, 14);
      local.writeUInt32LE(fields.compressedSize, 18);
      local.writeUInt32LE(fields.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      await file.write(Buffer.concat([local, name, data.compressed]));

      const header = Buffer.alloc(46);
      header.writeUInt32LE(CENTRAL_HEADER, 0);
      header.writeUInt16LE(MADE_BY_UNIX, 4);
      header.writeUInt16LE(VERSION_NEEDED, 6);
      header.writeUInt16LE(UTF8_NAMES, 8);
      header.writeUInt16LE(fields.method, 10);
      header.writeUInt16LE(fields.time, 12);
      header.writeUInt16LE(fields.date, 14);
      header.writeUInt32LE(fields.crc, 16);
      header.writeUInt32LE(fields.compressedSize, 20);
      header.writeUInt32LE(fields.size, 24);
      header.writeUInt16LE(name.length, 28);
      // extra field, comment, disk number, internal attributes: all 0 (offsets 30–37)
      header.writeUInt32LE(((data.mode << 16) | (data.directory ? DOS_DIRECTORY : 0)) >>> 0, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += local.length + name.length + data.compressed.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await file.write(Buffer.concat([directory, end]));
  } finally {
    await file.close();
  }
}

interface EntryData {
  raw: Buffer;
  compressed: Buffer;
  mode: number;
  mtime: Date;
  directory: boolean;
}

async function entryData(entry: ZipEntry): Promise<EntryData> {
  const directory = entry.name.endsWith("/");
  if (directory || entry.source === undefined) {
    if (!directory) throw new Error(`zip entry ${entry.name}: no source file`);
    const empty = Buffer.alloc(0);
    return { raw: empty, compressed: empty, mode: S_IFDIR | 0o755, mtime: new Date(), directory };
  }
  const [raw, info] = await Promise.all([readFile(entry.source), stat(entry.source)]);
  const deflated = await deflateRaw(raw, { level: 6 });
  return {
    raw,
    // Store what deflate cannot shrink (already-compressed images, tiny files).
    compressed: deflated.length < raw.length ? deflated : raw,
    mode: S_IFREG | (info.mode & 0o777),
    mtime: info.mtime,
    directory,
  };
}

/** MS-DOS date and time (local time, 2-second resolution, from 1980). */
function dosDateTime(when: Date): { date: number; time: number } {
  const year = Math.max(when.getFullYear(), 1980);
  return {
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | (when.getSeconds() >> 1),
  };
}

let crcTable: Uint32Array | undefined;

/** zlib's CRC-32 where Node has it (20.15+), else the table-driven one. */
function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (data: Buffer) => number }).crc32;
  if (native) return native(data);
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
