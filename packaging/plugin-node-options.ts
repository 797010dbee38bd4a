/**
 * Node.js options every plugin runs with: the sh launcher (node-launcher.ts)
 * passes them, `dev` too, and `package` writes them into the single executable's
 * `execArgv` (read by Node.js 24; an executable embedding Node 20 through
 * `--node current` runs without them).
 *
 * `--max-semi-space-size=4` (MiB): V8 grows the young generation to 16 MiB
 * under load, and a plugin answering many small calls then stops for 10–17 ms
 * per scavenge, which is its p99. With 4 MiB scavenges are shorter and more
 * frequent: QueryData through the go-plugin host at c=8, p99 11.6–14.1 ms →
 * 5.1–5.4 ms for ts-echo (a naive grpc-js plugin: 4.0–5.4 ms), calls/s the
 * same or better (5.7–7.1k → 7.1–7.4k); the example datasource p99
 * 13.7–14.7 → 8.3–9.9 ms (2026-12-01, 2 cores, Node 20).
 */
export const PLUGIN_NODE_OPTIONS: readonly string[] = ["--max-semi-space-size=4"];
