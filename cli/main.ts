/**
 * The `grafana-plugin-ts` command: one dispatcher, one module per subcommand.
 */
const usage = `usage: grafana-plugin-ts <command> [options]

commands:
  generate [--proto DIR] [--out DIR] [--config FILE] [--check]
                       regenerate bindings from .proto files (default proto/ → output/)
  init <dir> --id <org-name-type> [--capabilities data,resource,stream] [--backend-only] [--force]
                       write a new backend plugin project (or add a backend to a create-plugin one)
  build [DIR...]       build plugin directories (src/plugin.json + src/main.ts → dist/)
  package [DIR] [--out DIR] [--arch amd64,arm64] [--sign [--root-urls URLS]]
                       self-contained executables (no Node.js needed) + plugin zips per arch
  frames <file> [--to json|arrow|table] [--out FILE]
                       inspect or convert data frames (Arrow IPC or JSON)
  call <executable> check-health|query|resource|stream [options]
                       start a plugin executable as Grafana would and make one call
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  generate: async () => (await import("../generator/command/generate-command.js")).generateCommand,
  init: async () => (await import("./init-command.js")).initCommand,
  build: async () => (await import("./build-command.js")).buildCommand,
  package: async () => (await import("./package-command.js")).packageCommand,
  call: async () => (await import("./call-command.js")).callCommand,
  frames: async () => {
    const { framesCommand } = await import("./frames-command.js");
    return (args) => framesCommand(args, { stdout: process.stdout, stderr: process.stderr });
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`grafana-plugin-ts: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  try {
    return await (
      await load()
    )(args);
  } catch (error) {
    process.stderr.write(
      `grafana-plugin-ts ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    // 2 for a mistake in the command line, 1 for a failure of the job itself
    // (so `generate --check`'s "stale" stays distinguishable from a typo).
    return error instanceof Error && error.name === "UsageError" ? 2 : 1;
  }
}
