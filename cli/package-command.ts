/**
 * `grafana-plugin-ts package [DIR] [--out DIR] [--arch amd64,arm64] [--node VERSION] [--no-strip] [--sign [--root-urls URLS]]`:
 * a plugin directory and zip per architecture whose executable runs with no
 * Node.js installed (see packaging/package-plugin.ts and docs/packaging.md).
 *
 * DIR          plugin project (src/plugin.json + src/main.ts); default "."
 * --out DIR    where <plugin-id>/ and the zips go; default DIR/dist
 * --arch LIST  Go architecture names, comma-separated; default this machine's
 * --node V     Node.js to embed: 24.22.3, 24 (newest 24.x) or current; default the LTS line
 * --no-strip   keep the embedded Node binary's symbols
 * --sign       sign with `npx @grafana/sign-plugin` (needs GRAFANA_ACCESS_POLICY_TOKEN)
 * --root-urls  with --sign: a private signature for these Grafana URLs
 */
import { relative, resolve } from "node:path";
import { packagePlugin, type PackageOptions } from "../packaging/package-plugin.js";
import { grafanaSigner } from "../packaging/sign.js";
import { COMMAND_USAGE } from "./usage.js";

const USAGE = COMMAND_USAGE.package.synopsis;

export interface PackageCommandIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const consoleIO: PackageCommandIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

export async function packageCommand(args: string[], io = consoleIO): Promise<number> {
  const options = parsePackageArgs(args, process.cwd());
  const result = await packagePlugin(options);
  const show = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  };
  for (const { arch, reason } of result.skipped)
    io.stderr(`warning: linux/${arch} not built: ${reason}`);
  io.stdout(
    `✓ ${result.pluginId} ${result.version}: packaged in ${(result.ms / 1000).toFixed(1)} s`,
  );
  for (const exe of result.executables)
    io.stdout(
      `  ${show(exe.path)}  ${mib(exe.bytes)}, Node.js ${exe.nodeVersion}` +
        (exe.notStripped ? ` (not stripped: ${exe.notStripped})` : ", stripped") +
        (exe.handshakeMs === undefined
          ? ", not started (another architecture)"
          : `, start to handshake ${exe.handshakeMs.toFixed(0)} ms`),
    );
  for (const zip of result.archives) io.stdout(`  ${show(zip.path)}  ${mib(zip.bytes)}`);
  return 0;
}

export function parsePackageArgs(args: string[], cwd: string): PackageOptions {
  let projectDir: string | undefined;
  let outDir: string | undefined;
  let arches: string[] | undefined;
  let node: string | undefined;
  let strip: boolean | undefined;
  let sign = false;
  let rootUrls: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--out") outDir = resolve(cwd, value());
    else if (arg === "--arch") arches = value().split(",").filter(Boolean);
    else if (arg === "--node") node = value();
    else if (arg === "--no-strip") strip = false;
    else if (arg === "--sign") sign = true;
    else if (arg === "--root-urls") rootUrls = value().split(",").filter(Boolean);
    else if (!arg.startsWith("-") && projectDir === undefined) projectDir = resolve(cwd, arg);
    else throw new Error(`unknown argument ${arg} (usage: ${USAGE})`);
  }
  if (rootUrls && !sign) throw new Error("--root-urls only makes sense with --sign");
  return {
    projectDir: projectDir ?? cwd,
    outDir,
    arches,
    sign: sign ? grafanaSigner({ rootUrls }) : undefined,
    ...(node === undefined ? {} : { node }),
    ...(strip === undefined ? {} : { strip }),
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
