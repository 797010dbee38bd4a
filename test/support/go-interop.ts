// Builds and runs the Go go-plugin peers in test/interop/ (a Grafana-like host
// and a plain Go plugin) so interop tests can check our TypeScript runtime
// against the real hashicorp/go-plugin implementation, in two releases:
//
// - 1.0.1, Debian's packaged sources in /usr/share/gocode, pluginv2 stubs from
//   Debian's protoc-gen-go (plugins=grpc);
// - 1.8.0 (what grafana-plugin-sdk-go requires), the offline GOPATH tree in
//   ../shared/go-plugin-v1.8 (extracted once into .tmp/), stubs from the
//   protoc-gen-go and protoc-gen-go-grpc built from that tree, Go sources built
//   with the goplugin_v1_8 tag (the host's client config is per version).
//
// Builds are offline: Go in GOPATH mode, stubs generated into a throwaway
// GOPATH. Results are cached per machine in .tmp/interop-<hash>/, keyed by the
// version, the Go sources, the proto and the toolchain (for 1.8 also the tarball).

import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** The go-plugin releases the peers are built against; 1.0.1 is the default. */
export const GO_PLUGIN_VERSIONS = ["1.0.1", "1.8.0"] as const;
export type GoPluginVersion = (typeof GO_PLUGIN_VERSIONS)[number];

export type GoInterop =
  | {
      ok: true;
      version: GoPluginVersion;
      hostPath: string;
      pluginPath: string;
      /** Where this go-plugin came from, e.g. Debian's package version. */
      goPluginVersion: string;
    }
  | { ok: false; reason: string };

export interface GoHostRun {
  /** One parsed JSON object per stdout line (see test/interop/gohost). */
  lines: any[];
  stderr: string;
  /** Exit code; -1 if the host was killed by a signal. */
  code: number;
  timedOut: boolean;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const interopDir = path.join(repoRoot, "test", "interop");
const cacheRoot = path.join(repoRoot, ".tmp");
const ownProtoDir = path.join(repoRoot, "proto", "pluginv2");
const debianGoPath = "/usr/share/gocode";
/** Go's build cache, shared by every build (not the staging dirs) so rebuilds after edits are fast. */
const goCache = process.env.GOCACHE ?? path.join(cacheRoot, "go-build");
/** Import path of the generated stubs; the Go sources import it. */
const stubPkg = "grafanaplugints/interop/pluginv2";
/** Bump when the build recipe below changes, to invalidate cached builds. */
const recipeVersion = "2";
/** The offline go-plugin 1.8.0 GOPATH tree (see its README). */
const v18Dir = path.resolve(repoRoot, "..", "shared", "go-plugin-v1.8");
const v18Tarball = path.join(v18Dir, "gopath-src.tar.xz");
/** Build tag that selects the go-plugin 1.8 files of test/interop/gohost. */
const v18BuildTag = "goplugin_v1_8";

/** Exactly what .ci/run and README's "Interop tests" install. */
const aptHint =
  "apt-get install -y golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-goprotobuf-dev protobuf-compiler golang-golang-x-net-dev golang-golang-x-sys-dev golang-golang-x-text-dev golang-github-fatih-color-dev golang-github-mattn-go-colorable-dev golang-github-mattn-go-isatty-dev";

/** Go packages the two programs import, looked up in the GOPATH entries. */
const requiredGoPackages: Record<GoPluginVersion, string[]> = {
  "1.0.1": [
    "github.com/hashicorp/go-plugin",
    "github.com/hashicorp/go-hclog",
    "google.golang.org/grpc",
    "github.com/golang/protobuf/proto",
  ],
  // The 1.8 tree holds go-plugin, grpc and protobuf; these come from Debian.
  "1.8.0": [
    "golang.org/x/net/http2",
    "golang.org/x/sys/unix",
    "golang.org/x/text/unicode/bidi",
    "github.com/fatih/color",
    "github.com/mattn/go-colorable",
    "github.com/mattn/go-isatty",
  ],
};

const memo = new Map<GoPluginVersion, Promise<GoInterop>>();

/**
 * Builds gohost and goplugin against go-plugin `version` once per machine
 * (cached by content hash) and returns their absolute paths. Resolves
 * `{ ok: false, reason }` only when the toolchain, the packaged Go sources or
 * (for 1.8) the shared tarball are missing; a build failure with all of them
 * present rejects, so broken Go code fails tests instead of skipping them.
 */
export function buildGoInterop(version: GoPluginVersion = "1.0.1"): Promise<GoInterop> {
  if (!memo.has(version)) memo.set(version, build(version));
  return memo.get(version)!;
}

/**
 * Builds every version, printing once why any of them skips (`tag` names the
 * test file in the message).
 */
export async function buildEveryGoInterop(
  tag: string,
): Promise<Record<GoPluginVersion, GoInterop>> {
  const builds = await Promise.all(GO_PLUGIN_VERSIONS.map((v) => buildGoInterop(v)));
  const byVersion = Object.fromEntries(GO_PLUGIN_VERSIONS.map((v, i) => [v, builds[i]]));
  for (const [version, built] of Object.entries(byVersion))
    if (!built.ok) console.warn(`[${tag}] go-plugin ${version} cases SKIPPED: ${built.reason}`);
  return byVersion as Record<GoPluginVersion, GoInterop>;
}

async function build(version: GoPluginVersion): Promise<GoInterop> {
  const tools = await probeToolchain(version);
  if (!tools.ok) return tools;

  const protoFiles = await protoSources();
  if (protoFiles.length === 0) {
    return {
      ok: false,
      reason: `no pluginv2 proto in ${ownProtoDir}`,
    };
  }
  const goFiles = await listFiles(interopDir);

  const hash = createHash("sha256");
  hash.update(`recipe ${recipeVersion}\n${tools.goVersion}\n${tools.protocVersion}\n`);
  hash.update(`go-plugin ${version} ${tools.goPluginVersion} ${tools.tarballHash ?? ""}\n`);
  for (const f of [...goFiles, ...protoFiles.map((p) => p.abs)]) {
    hash.update(`${path.relative(repoRoot, f)}\n`);
    hash.update(await fs.readFile(f));
  }
  const finalDir = path.join(cacheRoot, `interop-${hash.digest("hex").slice(0, 16)}`);
  const result: GoInterop = {
    ok: true,
    version,
    hostPath: path.join(finalDir, "gohost"),
    pluginPath: path.join(finalDir, "goplugin"),
    goPluginVersion: tools.goPluginVersion,
  };
  if (existsSync(path.join(finalDir, "build.json"))) return result;

  // Build in a private staging dir, then rename it into place. rename(2) is
  // atomic, so a concurrent worker either sees no dir or a complete one; if
  // two workers race, the loser's rename fails and it uses the winner's.
  await fs.mkdir(cacheRoot, { recursive: true });
  const staging = `${finalDir}.staging-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await compile(staging, protoFiles, version, tools);
    await fs.writeFile(
      path.join(staging, "build.json"),
      JSON.stringify(
        { ...tools, protoFiles: protoFiles.map((p) => p.abs), builtAt: new Date() },
        null,
        2,
      ),
    );
    try {
      await fs.rename(staging, finalDir);
    } catch (err: any) {
      if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return result;
}

type Toolchain =
  | {
      ok: true;
      goVersion: string;
      protocVersion: string;
      goPluginVersion: string;
      gopath: string[];
      /** go-plugin 1.8: sha256 of the shared tarball. */
      tarballHash?: string;
    }
  | { ok: false; reason: string };

async function probeToolchain(version: GoPluginVersion): Promise<Toolchain> {
  const goVersion = await tryRun("go", ["version"]);
  if (goVersion === undefined) return { ok: false, reason: `go not found: ${aptHint}` };
  const protocVersion = await tryRun("protoc", ["--version"]);
  if (protocVersion === undefined) return { ok: false, reason: `protoc not found: ${aptHint}` };
  // 1.8 builds its protoc plugins from the tarball.
  if (version === "1.0.1" && (await which("protoc-gen-go")) === undefined) {
    return { ok: false, reason: `protoc-gen-go not found: ${aptHint}` };
  }
  if (version === "1.8.0" && !existsSync(v18Tarball)) {
    return {
      ok: false,
      reason: `${v18Tarball} not found (the offline go-plugin 1.8.0 sources; see its README)`,
    };
  }
  if (version === "1.8.0" && (await tryRun("xz", ["--version"])) === undefined) {
    return {
      ok: false,
      reason: `xz not found, needed to unpack ${v18Tarball}: apt-get install xz-utils`,
    };
  }

  // Debian's packaged sources first, then any GOPATH the user already has.
  const gopath = [debianGoPath, ...(process.env.GOPATH ?? "").split(path.delimiter)].filter(
    (p, i, all) => p !== "" && all.indexOf(p) === i,
  );
  for (const pkg of requiredGoPackages[version]) {
    if (!gopath.some((root) => existsSync(path.join(root, "src", pkg)))) {
      return {
        ok: false,
        reason: `Go package ${pkg} not found in ${gopath.join(":")}: ${aptHint}`,
      };
    }
  }

  if (version === "1.8.0") {
    const tarballHash = createHash("sha256")
      .update(await fs.readFile(v18Tarball))
      .digest("hex");
    const goPluginVersion = `1.8.0 (${path.relative(repoRoot, v18Tarball)})`;
    return { ok: true, goVersion, protocVersion, goPluginVersion, gopath, tarballHash };
  }
  const goPluginVersion =
    (await tryRun("dpkg-query", [
      "-W",
      "-f=${Version}",
      "golang-github-hashicorp-go-plugin-dev",
    ])) || "unknown (not from a Debian package)";
  return { ok: true, goVersion, protocVersion, goPluginVersion, gopath };
}

/** Our own transcription when present, else the pinned upstream file. */
async function protoSources(): Promise<{ abs: string; rel: string }[]> {
  if (existsSync(ownProtoDir)) {
    const own = (await fs.readdir(ownProtoDir)).filter((f) => f.endsWith(".proto")).sort();
    if (own.length > 0)
      return own.map((f) => ({ abs: path.join(ownProtoDir, f), rel: `pluginv2/${f}` }));
  }
  return [];
}

async function compile(
  staging: string,
  protoFiles: { abs: string; rel: string }[],
  version: GoPluginVersion,
  tools: Extract<Toolchain, { ok: true }>,
) {
  const work = path.join(staging, "gopath");
  const pkgRoot = path.join(work, "src", path.dirname(stubPkg));
  const protoRoot = path.join(staging, "proto");
  await fs.mkdir(path.join(pkgRoot, "pluginv2"), { recursive: true });

  // Copy the protos into a pluginv2/ dir so paths=source_relative lands the
  // stubs in <pkgRoot>/pluginv2 whatever their go_package option says.
  for (const p of protoFiles) {
    await fs.mkdir(path.dirname(path.join(protoRoot, p.rel)), { recursive: true });
    await fs.copyFile(p.abs, path.join(protoRoot, p.rel));
  }
  // go-plugin 1.8's tree goes before Debian's: its grpc, protobuf, hclog and
  // yamux replace Debian's older ones; Debian supplies x/net, x/sys and the rest.
  const v18 = version === "1.8.0" ? await goPluginV18Tree(tools) : undefined;
  const env = {
    ...process.env,
    GO111MODULE: "off",
    GOPATH: [work, ...(v18 ? [v18] : []), ...tools.gopath].join(path.delimiter),
    GOFLAGS: "",
    GOPROXY: "off",
    CGO_ENABLED: "0",
    GOCACHE: goCache,
  };
  const protos = protoFiles.map((p) => path.join(protoRoot, p.rel));
  if (v18) {
    // protoc-gen-go 1.34 + protoc-gen-go-grpc 1.5 (what grpc 1.64 expects);
    // M options give the stubs our import path whatever go_package says.
    const importPaths = protoFiles.map((p) => `M${p.rel}=${stubPkg}`).join(",");
    await run("protoc", [
      `-I${protoRoot}`,
      `--plugin=protoc-gen-go=${path.join(v18, "bin", "protoc-gen-go")}`,
      `--plugin=protoc-gen-go-grpc=${path.join(v18, "bin", "protoc-gen-go-grpc")}`,
      `--go_out=paths=source_relative,${importPaths}:${pkgRoot}`,
      `--go-grpc_out=paths=source_relative,${importPaths}:${pkgRoot}`,
      ...protos,
    ]);
  } else {
    await run("protoc", [
      `-I${protoRoot}`,
      `--go_out=plugins=grpc,paths=source_relative:${pkgRoot}`,
      ...protos,
    ]);
  }

  // Go sources go next to the stubs so everything builds from one GOPATH.
  for (const prog of ["gohost", "goplugin"]) {
    await fs.cp(path.join(interopDir, prog), path.join(pkgRoot, prog), { recursive: true });
  }
  const tags = v18 ? ["-tags", v18BuildTag] : [];
  for (const prog of ["gohost", "goplugin"]) {
    await run(
      "go",
      ["build", ...tags, "-o", path.join(staging, prog), `${path.dirname(stubPkg)}/${prog}`],
      { env },
    );
  }
}

/**
 * The go-plugin 1.8 GOPATH tree, extracted from the shared tarball into
 * .tmp/go-plugin-v1.8-<hash>/ with its protoc-gen-go and protoc-gen-go-grpc
 * built into bin/, once per tarball and Go toolchain. Both steps land by
 * rename, so concurrent test workers never see half a tree.
 */
async function goPluginV18Tree(tools: Extract<Toolchain, { ok: true }>): Promise<string> {
  const key = createHash("sha256")
    .update(`${recipeVersion}\n${tools.tarballHash}\n${tools.goVersion}\n`)
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(cacheRoot, `go-plugin-v1.8-${key}`);
  const bin = path.join(dir, "bin");
  if (existsSync(path.join(bin, "protoc-gen-go-grpc"))) return dir;
  await fs.mkdir(cacheRoot, { recursive: true });
  const suffix = `staging-${process.pid}-${randomBytes(4).toString("hex")}`;
  if (!existsSync(path.join(dir, "src"))) {
    const staging = `${dir}.${suffix}`;
    try {
      await fs.mkdir(staging);
      await run("tar", ["-xJf", v18Tarball, "-C", staging]);
      await fs.rename(staging, dir).catch((err) => {
        if (!existsSync(path.join(dir, "src"))) throw err; // another worker won the race
      });
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  const binStaging = path.join(dir, `bin.${suffix}`);
  const env = {
    ...process.env,
    GO111MODULE: "off",
    GOPATH: [dir, ...tools.gopath].join(path.delimiter),
    GOFLAGS: "",
    GOPROXY: "off",
    CGO_ENABLED: "0",
    GOCACHE: goCache,
  };
  try {
    for (const [name, pkg] of [
      ["protoc-gen-go", "google.golang.org/protobuf/cmd/protoc-gen-go"],
      ["protoc-gen-go-grpc", "tools/protoc-gen-go-grpc"],
    ])
      await run("go", ["build", "-o", path.join(binStaging, name), pkg], { env });
    await fs.rename(binStaging, bin).catch((err) => {
      if (!existsSync(path.join(bin, "protoc-gen-go-grpc"))) throw err;
    });
  } finally {
    await fs.rm(binStaging, { recursive: true, force: true });
  }
  return dir;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

async function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  try {
    await execFileP(cmd, args, { env: opts.env, maxBuffer: 16 << 20 });
  } catch (err: any) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${err.stderr || err.message}`);
  }
}

async function tryRun(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await execFileP(cmd, args)).stdout.trim();
  } catch {
    return undefined;
  }
}

async function which(bin: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, bin))) return path.join(dir, bin);
  }
  return undefined;
}

export interface GoHostOptions {
  /** Environment of the host process; see runGoHost. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Which go-plugin the host is built against; default 1.0.1. */
  goPlugin?: GoPluginVersion;
}

/**
 * Runs gohost against `pluginPath` and parses its JSON lines. The plugin
 * inherits the host's environment (go-plugin appends os.Environ(), unless a
 * 1.8 host runs with -skip-host-env), so `opts.env` reaches the plugin too;
 * `-env KEY=VALUE` flags set the plugin's explicit environment (Cmd.Env). On
 * timeout the host gets SIGTERM (it then kills the plugin) and, 3s later,
 * SIGKILL.
 */
export async function runGoHost(
  pluginPath: string,
  args: string[],
  opts: GoHostOptions = {},
): Promise<GoHostRun> {
  const built = await buildGoInterop(opts.goPlugin);
  if (!built.ok) throw new Error(`Go interop unavailable: ${built.reason}`);

  const child = spawn(built.hostPath, ["-plugin", pluginPath, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));

  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGTERM");
    hardKill = setTimeout(() => child.kill("SIGKILL"), 3000);
  }, opts.timeoutMs ?? 60_000);

  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? -1));
  }).finally(() => {
    clearTimeout(timer);
    clearTimeout(hardKill);
  });

  const lines = stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { ok: false, unparsed: l };
      }
    });
  return { lines, stderr, code, timedOut };
}

/** runGoHost with the host built against `version`, for suites run once per version. */
export function goHostFor(
  version: GoPluginVersion,
): (
  pluginPath: string,
  args: string[],
  opts?: Omit<GoHostOptions, "goPlugin">,
) => Promise<GoHostRun> {
  return (pluginPath, args, opts = {}) =>
    runGoHost(pluginPath, args, { ...opts, goPlugin: version });
}
