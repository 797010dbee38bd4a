/**
 * Every subcommand's usage text, in one light module: `--help`, `-h` and
 * `help <command>` print from here without loading the command, and each
 * command quotes its own entry when it rejects a command line.
 */

export interface CommandUsage {
  /** `<name> <arguments>`, the first line of the usage. */
  synopsis: string;
  /** One line for the command overview. */
  summary: string;
  /** Options and notes after the synopsis. */
  details: string;
}

export const COMMAND_USAGE = {
  generate: {
    synopsis: "generate [--proto DIR] [--out DIR] [--config FILE] [--check]",
    summary: "regenerate bindings from .proto files (default proto/ → output/)",
    details: `  --proto DIR    proto root to read (default ./proto)
  --out DIR      output directory to replace (default ./output); refuses a non-empty
                 directory that is not generated output
  --config FILE  glue config (default ./protocol.config.json when it exists)
  --check        generate, compare with --out, write nothing; exit 1 when stale`,
  },
  init: {
    synopsis:
      "init <dir> --id <org-name-type> [--capabilities data,resource,stream] [--backend-only] [--force] [--registry] [--tracing]",
    summary: "write a new backend plugin project (or add a backend to a create-plugin one)",
    details: `  --id            plugin id, <org>-<name>-<type> (type datasource or app); read from
                  src/plugin.json with --backend-only
  --capabilities  what the backend answers besides CheckHealth (default data)
  --backend-only  add a backend to an existing @grafana/create-plugin project
  --force         write into a non-empty directory / over existing backend files
  --registry      depend on grafana-plugin-ts from the npm registry; without it the
                  runtime and tools tarballs are copied into vendor/ (file: dependencies)
  --tracing       add the OpenTelemetry SDK, so the plugin traces when Grafana turns tracing
                  on; without it the plugin runs untraced (and says how to add it) and
                  node_modules stays ~24 MB smaller`,
  },
  build: {
    synopsis: "build [DIR...]",
    summary: "build plugin directories (src/plugin.json + src/main.ts → dist/)",
    details: `  DIR   plugin project directories (default .); each gets dist/<executable>_<os>_<arch>
        (an sh launcher running the bundled dist/<executable>_<os>_<arch>.cjs with the
        Node.js that built it, so it starts without PATH) and dist/plugin.json`,
  },
  dev: {
    synopsis: "dev [DIR] [--port N] [--inspect-port N | --no-inspect]",
    summary: "run the plugin for a Grafana to attach to; rebuild and restart on changes",
    details: `  DIR             plugin project (src/plugin.json + src/main.ts); default .
  --port N        the plugin's TCP port on 127.0.0.1, kept across restarts (default: a free one)
  --inspect-port  Node inspector port for VS Code / Chrome DevTools (default 9229; 0: any)
  --no-inspect    no inspector
Builds DIR/dist with source maps and writes dist/standalone.txt and dist/pid.txt: a host
(Grafana with dist/ in its plugins directory) that starts the plugin's executable then
attaches to this process, as with the Go SDK's standalone mode. Ctrl-C stops it.`,
  },
  package: {
    synopsis:
      "package [DIR] [--out DIR] [--arch amd64,arm64] [--node VERSION] [--no-strip] [--sign [--root-urls URL,...]]",
    summary: "self-contained executables (no Node.js needed) + plugin zips per arch",
    details: `  DIR          plugin project (src/plugin.json + src/main.ts); default .
  --out DIR    where <plugin-id>/ and the zips go; default DIR/dist
  --arch LIST  Go architecture names, comma-separated; default this machine's
  --node V     the Node.js to embed, from the npm registry (cached): 24.22.3, or 24 for the
               newest 24.x (the default line: the newest LTS), or current for the Node.js
               running this (offline; this machine's architecture only)
  --no-strip   keep the embedded Node binary's symbols (strip takes off ~17 MiB)
  --sign       sign with \`npx @grafana/sign-plugin\` (needs GRAFANA_ACCESS_POLICY_TOKEN)
  --root-urls  with --sign: a private signature for these Grafana URLs`,
  },
  frames: {
    synopsis: "frames <file.arrow|file.json> [--to table|json|arrow] [--out FILE]",
    summary: "inspect or convert data frames (Arrow IPC or JSON)",
    details: `Prints a data frame file as a table (default), or converts it:
  --to json    the Go SDK's JSON frame format, pretty-printed
  --to arrow   an Arrow IPC file, as the Go SDK writes it (one frame only)
  --out FILE   write to FILE instead of standard output`,
  },
  call: {
    synopsis: "call <executable> <call> [options] | call <executable> --interactive [options]",
    summary: "start a plugin executable as Grafana would and make calls to it",
    details: `calls:
  check-health                         CheckHealth
  query --json JSON                    QueryData; JSON is a QueryDataRequest ({"queries": [...]}),
                                       an array of queries or one query (its "json" defaults to the
                                       query object itself, as Grafana's frontend sends it)
  resource METHOD PATH [--body TEXT] [--header "Name: value"]...
                                       CallResource, e.g. resource GET /hello
  stream PATH [--packets N] [--data JSON]
                                       RunStream: print N packets (default 3), then cancel

options:
  --settings JSON|@FILE
                       the instance settings every call carries, as Grafana's data source
                       (or app) settings: {"url": …, "jsonData": {…}, "secureJsonData": {…}}
  --secure KEY=VALUE   a decrypted secure value (repeatable; adds to secureJsonData)
  --interactive, -i    keep the plugin running and read one call per line from standard
                       input (e.g. \`query --json '{"refId":"A"}'\`), until end of input or exit
  --automtls           start the plugin with AutoMTLS, as a go-plugin host may
  --log-level LEVEL    lowest plugin log level shown on stderr (default debug)
  --timeout MS         deadline of the call (default 30000)`,
  },
} satisfies Record<string, CommandUsage>;

export type CommandName = keyof typeof COMMAND_USAGE;

/** The full usage of one command, as `<command> --help` prints it. */
export function usageOf(name: CommandName): string {
  const { synopsis, details } = COMMAND_USAGE[name];
  return `usage: grafana-plugin-ts ${synopsis}\n\n${details}\n`;
}

/** The overview `grafana-plugin-ts --help` prints. */
export function overview(): string {
  const lines = Object.values(COMMAND_USAGE).map(
    ({ synopsis, summary }) => `  ${synopsis}\n                       ${summary}`,
  );
  return `usage: grafana-plugin-ts <command> [options]

commands:
${lines.join("\n")}

  grafana-plugin-ts <command> --help   (or help <command>) shows a command's options
  grafana-plugin-ts --version          prints the version
`;
}
