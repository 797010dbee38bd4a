/**
 * The `grafana-plugin-ts` command: one dispatcher, one module per subcommand.
 * Help and version are answered here, the same way for every command.
 */
import { ownPackageJson } from "./own-package.js";
import { COMMAND_USAGE, overview, usageOf, type CommandName } from "./usage.js";

type Command = (args: string[]) => Promise<number>;

const commands: Record<CommandName, () => Promise<Command>> = {
  generate: async () => (await import("../generator/command/generate-command.js")).generateCommand,
  init: async () => (await import("./init-command.js")).initCommand,
  build: async () => (await import("./build-command.js")).buildCommand,
  package: async () => (await import("./package-command.js")).packageCommand,
  call: async () => (await import("./call-command.js")).callCommand,
  dev: async () => (await import("./dev-command.js")).devCommand,
  frames: async () => {
    const { framesCommand } = await import("./frames-command.js");
    return (args) => framesCommand(args, { stdout: process.stdout, stderr: process.stderr });
  },
};

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMAND_USAGE, name);

/** `--help`/`-h` anywhere before a `--` separator. */
const asksForHelp = (args: string[]) => {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(`${ownPackageJson().version}\n`);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? args[0] : undefined;
    if (topic === undefined) process.stdout.write(overview());
    else if (isCommand(topic)) process.stdout.write(usageOf(topic));
    else return unknown(topic);
    return name === undefined ? 2 : 0;
  }
  if (!isCommand(name)) return unknown(name);
  if (asksForHelp(args)) {
    process.stdout.write(usageOf(name));
    return 0;
  }
  try {
    return await (
      await commands[name]()
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

function unknown(name: string): number {
  process.stderr.write(`grafana-plugin-ts: unknown command "${name}"\n\n${overview()}`);
  return 2;
}
