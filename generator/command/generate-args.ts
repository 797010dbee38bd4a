/**
 * Arguments of `grafana-plugin-ts generate`, parsed and validated in one place.
 *
 * --proto DIR    proto root to read (default ./proto)
 * --out DIR      output directory to replace (default ./output)
 * --config FILE  glue config (default ./protocol.config.json when it exists)
 * --check        generate, compare with DIR, write nothing; exit 1 when stale
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export interface GenerateOptions {
  protoDir: string;
  outDir: string;
  configPath: string | undefined;
  check: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseGenerateArgs(args: string[], cwd: string): GenerateOptions {
  const options: GenerateOptions = {
    protoDir: resolve(cwd, "proto"),
    outDir: resolve(cwd, "output"),
    configPath: existsSync(resolve(cwd, "protocol.config.json"))
      ? resolve(cwd, "protocol.config.json")
      : undefined,
    check: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return resolve(cwd, v);
    };
    switch (arg) {
      case "--proto":
        options.protoDir = value();
        break;
      case "--out":
        options.outDir = value();
        break;
      case "--config":
        options.configPath = value();
        if (!existsSync(options.configPath))
          throw new UsageError(`--config: ${options.configPath} does not exist`);
        break;
      case "--check":
        options.check = true;
        break;
      default:
        throw new UsageError(
          `generate: unknown argument ${arg} (see grafana-plugin-ts generate --help)`,
        );
    }
  }
  return options;
}
