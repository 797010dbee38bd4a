/**
 * How the QueryData sections name their rows (query-data.ts writes them;
 * goals.ts and svg-chart.ts read them), kept apart so those pure modules do
 * not import the benchmark that spawns processes.
 */

/** The peers of the QueryData benchmark, in chart order. */
export const PEERS = ["go", "floor", "naive", "ts-echo", "ts-example"] as const;
export type Peer = (typeof PEERS)[number];

/** What each peer is, for legends and docs. */
export const PEER_LABELS: Readonly<Record<Peer, string>> = {
  go: "Go reference",
  floor: "node:http2 floor",
  naive: "naive grpc-js",
  "ts-echo": "our runtime",
  "ts-example": "example datasource",
};

export const CONCURRENCY = [1, 8, 32] as const;

export const QUERY_DATA_SECTION = "query-data";
export const PLUGIN_START_SECTION = "plugin-start";

/** "ts-echo c=8" (calls/s), "ts-echo c=8 p50" and "ts-echo c=8 p99" (ms). */
export function throughputRowName(
  peer: string,
  concurrency: number,
  metric: "calls/s" | "p50" | "p99",
): string {
  return metric === "calls/s" ? `${peer} c=${concurrency}` : `${peer} c=${concurrency} ${metric}`;
}

/** "ts-echo start to handshake" (ms), "ts-echo idle RSS" (MiB). */
export function startRowName(peer: string, metric: "start" | "rss"): string {
  return metric === "start" ? `${peer} start to handshake` : `${peer} idle RSS`;
}
