// Frame encode/decode throughput: `npx tsx bench/frames.ts`
//
// Two shapes: a 1M-row time + float64 frame (a long series) and a 100-field × 1k-row float64 frame
// (many short columns, where per-field metadata work dominates). For each: our Arrow encoder (with
// all Grafana metadata) and decoder, next to two memcpy floors over the same number of bytes
// (Buffer#copy into a fresh buffer and into a reused one) and apache-arrow's own tableToIPC /
// tableFromIPC on the same columns without Grafana metadata. Also the time to build the frame from
// typed arrays (milliseconds for time), which should stay below the time to encode it.
// Figures are medians over repeated runs after a warm-up.

import {
  Field as ArrowField,
  Float64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampNanosecond,
  makeData,
  tableFromIPC,
  tableToIPC,
} from "apache-arrow";
import type { Frame } from "../runtime/frames/index.js";
import {
  float64Field,
  frameFromArrow,
  frameToArrow,
  newFrame,
  timeField,
} from "../runtime/frames/index.js";
import { medianMsPerCall } from "./stats.js";

const timed = (fn: () => unknown) => medianMsPerCall(fn, { warmups: 3, minRuns: 15, minMs: 600 });

/**
 * apache-arrow table of the frame's columns (same buffers), built once outside the timed region;
 * with `metadata`, it carries the schema and field metadata of our encoder's output.
 */
function referenceTable(frame: Frame, ours: Uint8Array, metadata: boolean): Table {
  const encoded = tableFromIPC(ours).schema;
  const fields = frame.fields.map(
    (f, i) =>
      new ArrowField(
        f.name,
        f.type === "time" ? new TimestampNanosecond() : new Float64(),
        false,
        metadata ? encoded.fields[i].metadata : null,
      ),
  );
  const children = frame.fields.map((f, i) =>
    makeData({ type: fields[i].type, data: f.values } as never),
  );
  const length = frame.rowCount();
  const schema = new Schema(fields, metadata ? encoded.metadata : null);
  return new Table([
    new RecordBatch(schema, makeData({ type: new Struct(fields), length, children })),
  ]);
}

interface Row {
  what: string;
  ms: number;
  bytes: number;
}

function report(title: string, build: () => Frame): void {
  const buildMs = timed(build);
  const frame = build();
  const bytes = frameToArrow(frame);
  const plain = referenceTable(frame, bytes, false);
  const withMeta = referenceTable(frame, bytes, true);
  const plainBytes = tableToIPC(plain, "file");
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reused = Buffer.allocUnsafe(source.length);
  const row = (what: string, size: number, fn: () => unknown): Row => ({
    what,
    ms: timed(fn),
    bytes: size,
  });
  const fresh = row("memcpy, fresh buffer (Buffer#copy)", bytes.length, () =>
    source.copy(Buffer.allocUnsafe(source.length)),
  );
  const reusedCopy = row("memcpy, reused buffer (Buffer#copy)", bytes.length, () =>
    source.copy(reused),
  );
  const arrowEncode = row("apache-arrow tableToIPC, no Grafana metadata", plainBytes.length, () =>
    tableToIPC(plain, "file"),
  );
  const arrowEncodeMeta = row("apache-arrow tableToIPC, same metadata", bytes.length, () =>
    tableToIPC(withMeta, "file"),
  );
  const encode = row("frameToArrow (Grafana metadata)", bytes.length, () => frameToArrow(frame));
  const arrowDecode = row("apache-arrow tableFromIPC", plainBytes.length, () =>
    tableFromIPC(plainBytes),
  );
  const decode = row("frameFromArrow", bytes.length, () => frameFromArrow(bytes));
  const rows = [fresh, reusedCopy, arrowEncode, arrowEncodeMeta, encode, arrowDecode, decode];

  const mbps = (r: Row) => r.bytes / 1e6 / (r.ms / 1e3);
  const ratio = (a: Row, b: Row) => `${(mbps(a) / mbps(b)).toFixed(2)}×`;
  const rows0 = frame.rowCount();
  console.log(
    `\n${title}: ${frame.fields.length} fields × ${rows0} rows, ${(bytes.length / 1e6).toFixed(2)} MB`,
  );
  console.log(`  ${"".padEnd(46)}${"ms".padStart(9)}${"MB/s".padStart(9)}`);
  for (const r of rows) {
    console.log(
      `  ${r.what.padEnd(46)}${r.ms.toFixed(3).padStart(9)}${mbps(r).toFixed(0).padStart(9)}`,
    );
  }
  console.log(`  ${"build frame from typed arrays".padEnd(46)}${buildMs.toFixed(3).padStart(9)}`);
  console.log(
    `  encode vs tableToIPC (no metadata)   ${ratio(encode, arrowEncode)}  (goal ≥ 0.9×)`,
  );
  console.log(`  encode vs tableToIPC (same metadata) ${ratio(encode, arrowEncodeMeta)}`);
  console.log(
    `  encode vs memcpy fresh / reused      ${ratio(encode, fresh)} / ${ratio(encode, reusedCopy)}`,
  );
  console.log(`  decode vs tableFromIPC               ${ratio(decode, arrowDecode)}`);
  console.log(`  decode vs memcpy fresh               ${ratio(decode, fresh)}`);
  console.log(
    `  build time / encode time             ${(buildMs / encode.ms).toFixed(2)}  (goal < 1)`,
  );
}

const ROWS = 1_000_000;
const start = Date.UTC(2024, 0, 1);
const ms = new Float64Array(ROWS).map((_, i) => start + i * 1000);
const values = new Float64Array(ROWS).map((_, i) => Math.sin(i / 100) * 100);
report("1M-row series", () =>
  newFrame("series", timeField("time", ms), float64Field("value", values)),
);

const wide = Array.from({ length: 100 }, (_, c) =>
  new Float64Array(1000).map((_, i) => c * 1000 + i),
);
report("100-field frame", () =>
  newFrame(
    "wide",
    ...wide.map((v, c) =>
      float64Field(`f${c}`, v, {
        labels: { column: String(c) },
        config: { unit: "short", decimals: 2 },
      }),
    ),
  ),
);
