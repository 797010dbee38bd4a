// Grafana's frontend data library as a test peer for the JSON frame format.
//
// Why createRequire: @grafana/data's ESM build (dist/esm) does `import { tz } from
// "moment-timezone"`, and moment-timezone is CommonJS whose named exports Node's ESM loader cannot
// detect, so `import "@grafana/data"` fails under Node (and under vitest, which leaves node_modules
// to Node's loader) with "Named export 'tz' not found". The package's CommonJS build
// (dist/cjs/index.cjs, its "require" export) has no such import and loads under plain Node, so the
// tests load that one. (Inlining the package through Vite — `server.deps.inline` — would also
// work, but needs a project-wide vitest setting for one test peer.)

import { createRequire } from "node:module";

export interface GrafanaField {
  name: string;
  type: string;
  labels?: Record<string, string>;
  config: Record<string, unknown>;
  values: unknown[];
  nanos?: number[];
  entities?: Record<string, number[]>;
}

export interface GrafanaDataFrame {
  name?: string;
  refId?: string;
  meta?: unknown;
  length: number;
  fields: GrafanaField[];
}

interface GrafanaData {
  dataFrameFromJSON(dto: unknown): GrafanaDataFrame;
}

const require = createRequire(import.meta.url);

/** Grafana's frontend decoder for the JSON frame format. */
export const { dataFrameFromJSON } = require("@grafana/data") as GrafanaData;
