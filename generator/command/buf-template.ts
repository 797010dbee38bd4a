/**
 * The buf generation template the command runs: buf.gen.yaml (the one
 * statement of plugins and options, see generator/buf-gen.ts) with the
 * plugins pointed at the installed tools, output into a scratch directory and
 * the glue config the command was given.
 */
import { grafanaPluginEntry, readBufGen, tsProtoPlugin } from "../buf-gen.js";

export interface TemplateInput {
  tsProtoPlugin: string;
  grafanaPlugin: string[];
  configPath: string | undefined;
  out: string;
}

export function bufTemplate(input: TemplateInput): string {
  const template = readBufGen();
  const { local: _ts, out: _tsOut, ...tsProto } = tsProtoPlugin(template);
  const { local: _g, out: _gOut, opt, ...grafana } = grafanaPluginEntry(template);
  const otherOpts = (opt ?? []).filter((o) => !o.startsWith("config="));
  return JSON.stringify({
    version: template.version,
    plugins: [
      { local: input.tsProtoPlugin, out: input.out, ...tsProto },
      {
        local: input.grafanaPlugin,
        out: input.out,
        ...grafana,
        opt: [...otherOpts, ...(input.configPath ? [`config=${input.configPath}`] : [])],
      },
    ],
  });
}
