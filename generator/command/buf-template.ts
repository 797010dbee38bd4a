/**
 * The buf generation template the command runs (buf.gen.yaml in this repo
 * says the same for people who call `buf generate` themselves). Local plugins
 * only: generation works offline.
 *
 * ts-proto options, and why:
 * - outputServices=grpc-js: grpc-js service definitions and clients, the
 *   transport go-plugin hosts speak.
 * - env=node: bytes fields are Buffers (a Uint8Array), what grpc-js hands us.
 * - forceLong=bigint: int64 fields (epoch ms, ids) as bigint, no precision loss.
 * - useOptionals=none: decoded messages always carry every field (proto3
 *   defaults), so handlers never check for undefined scalars; handlers may
 *   still *return* partial messages (see rpc-support DeepPartial).
 * - oneof: default (flat optional fields); the plugin protocol has no oneofs
 *   today, and flat fields keep a future one source-compatible.
 * - esModuleInterop, importSuffix=.js: ESM output that Node runs as is.
 * - exportCommonSymbols=false: no clashing helper exports between files.
 */
export const tsProtoOptions = [
  "outputServices=grpc-js",
  "env=node",
  "forceLong=bigint",
  "useOptionals=none",
  "esModuleInterop=true",
  "importSuffix=.js",
  "exportCommonSymbols=false",
];

export interface TemplateInput {
  tsProtoPlugin: string;
  grafanaPlugin: string[];
  configPath: string | undefined;
  out: string;
}

export function bufTemplate(input: TemplateInput): string {
  return JSON.stringify({
    version: "v2",
    plugins: [
      { local: input.tsProtoPlugin, out: input.out, opt: tsProtoOptions },
      {
        local: input.grafanaPlugin,
        out: input.out,
        // One invocation over all files: the glue and manifest span packages.
        strategy: "all",
        opt: input.configPath ? [`config=${input.configPath}`] : [],
      },
    ],
  });
}
