/**
 * docs/bench.svg: QueryData calls/s per concurrency, one bar per peer, the
 * min–max of the rounds as a whisker, the p99 written above each bar; date
 * and machine in the title. A hand-written SVG string (no dependency), kept
 * to what GitHub's renderer shows: plain shapes and text, a white
 * background so it reads in dark mode too, no scripts, no external fonts.
 */
import { formatNumber, findRow, type SectionReport } from "./report.js";
import {
  CONCURRENCY,
  PEERS,
  PEER_LABELS,
  QUERY_DATA_SECTION,
  throughputRowName,
  type Peer,
} from "./query-data-rows.js";

export interface ChartMeta {
  /** e.g. "2026-12-01". */
  date: string;
  /** e.g. "node v20.20.2, 2 × Intel Xeon". */
  machine: string;
  rounds: number;
}

const COLORS: Readonly<Record<Peer, string>> = {
  go: "#6b7280",
  floor: "#0f766e",
  naive: "#2563eb",
  "ts-echo": "#ea580c",
  "ts-example": "#a855f7",
};

const WIDTH = 960;
const HEIGHT = 480;
const MARGIN = { top: 78, right: 20, bottom: 82, left: 64 };
const BAR = 44;
const BAR_GAP = 6;
const LEGEND_FONT = 11;

interface Bar {
  peer: Peer;
  concurrency: number;
  callsPerSec: number;
  min: number;
  max: number;
  p99Ms: number | undefined;
}

/** The chart for the query-data section of `reports`; throws if the run has none. */
export function renderThroughputSvg(reports: readonly SectionReport[], meta: ChartMeta): string {
  const bars = collectBars(reports);
  if (bars.length === 0) throw new Error("no QueryData figures to chart (section skipped?)");
  const peers = PEERS.filter((p) => bars.some((b) => b.peer === p));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // Headroom above the tallest whisker for its two lines of text.
  const step = niceStep((Math.max(...bars.map((b) => b.max)) * 1.15) / 4);
  const ticks = Math.ceil((Math.max(...bars.map((b) => b.max)) * 1.15) / step);
  const yMax = step * ticks;
  const y = (v: number) => round(MARGIN.top + plotHeight - (v / yMax) * plotHeight);
  const groupWidth = plotWidth / CONCURRENCY.length;
  const barsWidth = peers.length * BAR + (peers.length - 1) * BAR_GAP;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(
      WIDTH / 2,
      26,
      17,
      "middle",
      "QueryData through the go-plugin host: calls/s per concurrency",
      "bold",
    ),
    text(
      WIDTH / 2,
      48,
      12,
      "middle",
      `${meta.date} · ${meta.machine} · median of ${meta.rounds} interleaved round${meta.rounds === 1 ? "" : "s"}, whisker = min–max, p99 in ms above each bar`,
    ),
  ];
  for (let i = 0; i <= ticks; i++) {
    const value = step * i;
    const at = y(value);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${at}" x2="${WIDTH - MARGIN.right}" y2="${at}" stroke="#e5e7eb"/>`,
      text(MARGIN.left - 6, at + 4, 11, "end", formatCount(value)),
    );
  }
  parts.push(
    text(
      16,
      MARGIN.top + plotHeight / 2,
      12,
      "middle",
      "calls/s",
      undefined,
      "rotate(-90 16 " + (MARGIN.top + plotHeight / 2) + ")",
    ),
  );
  CONCURRENCY.forEach((c, g) => {
    const left = MARGIN.left + g * groupWidth + (groupWidth - barsWidth) / 2;
    peers.forEach((peer, i) => {
      const bar = bars.find((b) => b.peer === peer && b.concurrency === c);
      if (!bar) return;
      const x = round(left + i * (BAR + BAR_GAP));
      const mid = x + BAR / 2;
      parts.push(
        `<rect x="${x}" y="${y(bar.callsPerSec)}" width="${BAR}" height="${round(y(0) - y(bar.callsPerSec))}" fill="${COLORS[peer]}"><title>${escapeXml(`${PEER_LABELS[peer]}, c=${c}: ${formatCount(bar.callsPerSec)} calls/s`)}</title></rect>`,
        `<line x1="${mid}" y1="${y(bar.min)}" x2="${mid}" y2="${y(bar.max)}" stroke="#111827"/>`,
        `<line x1="${mid - 5}" y1="${y(bar.max)}" x2="${mid + 5}" y2="${y(bar.max)}" stroke="#111827"/>`,
        `<line x1="${mid - 5}" y1="${y(bar.min)}" x2="${mid + 5}" y2="${y(bar.min)}" stroke="#111827"/>`,
      );
      const top = y(Math.max(bar.max, bar.callsPerSec));
      parts.push(text(mid, top - 6, 10, "middle", formatCount(bar.callsPerSec), "bold"));
      if (bar.p99Ms !== undefined)
        parts.push(text(mid, top - 18, 9, "middle", `p99 ${formatNumber(bar.p99Ms)}`));
    });
    parts.push(
      text(
        MARGIN.left + g * groupWidth + groupWidth / 2,
        y(0) + 20,
        13,
        "middle",
        `c = ${c}`,
        "bold",
      ),
    );
  });
  parts.push(
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${WIDTH - MARGIN.right}" y2="${y(0)}" stroke="#111827"/>`,
  );
  // Legend centred on one line; text width estimated (no font metrics in a string).
  const legendText = peers.map((peer) => `${peer} (${PEER_LABELS[peer]})`);
  const itemWidth = legendText.map((t) => 18 + t.length * LEGEND_FONT * 0.58 + 22);
  let legendX = (WIDTH - itemWidth.reduce((a, b) => a + b, 0)) / 2;
  peers.forEach((peer, i) => {
    const at = HEIGHT - 26;
    parts.push(
      `<rect x="${round(legendX)}" y="${at - 10}" width="12" height="12" fill="${COLORS[peer]}"/>`,
      text(legendX + 18, at, LEGEND_FONT, "start", legendText[i]!),
    );
    legendX += itemWidth[i]!;
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}

function collectBars(reports: readonly SectionReport[]): Bar[] {
  const bars: Bar[] = [];
  for (const peer of PEERS)
    for (const c of CONCURRENCY) {
      const rate = findRow(reports, QUERY_DATA_SECTION, throughputRowName(peer, c, "calls/s"));
      if (!rate) continue;
      const p99 = findRow(reports, QUERY_DATA_SECTION, throughputRowName(peer, c, "p99"));
      bars.push({
        peer,
        concurrency: c,
        callsPerSec: rate.value,
        min: rate.spread?.min ?? rate.value,
        max: rate.spread?.max ?? rate.value,
        p99Ms: p99?.value,
      });
    }
  return bars;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`: a tick step that reads well. */
export function niceStep(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** 10400 → "10.4k", 950 → "950". */
function formatCount(value: number): string {
  if (value < 1000) return formatNumber(value);
  const thousands = formatNumber(value / 1000);
  return `${thousands.includes(".") ? thousands.replace(/\.?0+$/, "") : thousands}k`;
}

function text(
  x: number,
  y: number,
  size: number,
  anchor: "start" | "middle" | "end",
  content: string,
  weight?: "bold",
  transform?: string,
): string {
  const extra = `${weight ? ` font-weight="${weight}"` : ""}${transform ? ` transform="${transform}"` : ""}`;
  return `<text x="${round(x)}" y="${round(y)}" font-size="${size}" text-anchor="${anchor}" fill="#111827"${extra}>${escapeXml(content)}</text>`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function escapeXml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
