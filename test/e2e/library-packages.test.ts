// The library as a user gets it: both packages built and packed from this
// checkout, installed from their tarballs into a fresh consumer project
// (offline where the npm cache allows), then: what each tarball ships and
// depends on; consumer code compiling clean under strict settings and
// create-plugin's tsconfig, with skipLibCheck on and off; a plugin compiled
// by plain tsc running under plain node; tracing asked for without the
// optional OpenTelemetry SDK (a warning with the command that adds it, then
// with it added: spans); the installed command's help and version. Sizes and
// install time are printed for the record.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { protocol } from "../../output/glue.js";
import { CheckHealthResponse_HealthStatus } from "../../output/pluginv2/backend.js";
import { buildLibrary, type LibraryTarballs } from "../../packaging/library/build-library.js";
import { startPlugin, type HostedPlugin, type PluginLogEntry } from "../../runtime/index.js";
import { COMMAND_USAGE } from "../../cli/usage.js";
import { TRACING_SDK_PACKAGES } from "../../runtime/sdk/tracing/tracing-packages.js";
import { REPO_ROOT } from "../support/example-plugin.js";
import { npmInstall, sh } from "../support/npm-project.js";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";

const work = mkdtempSync(join(tmpdir(), "gpts-library-"));
const consumer = join(work, "consumer");
const repoPackage = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
let tarballs: LibraryTarballs;
/** The tracing packages at the repository's ranges: what the published manifests must state. */
const tracingRanges = Object.fromEntries(
  TRACING_SDK_PACKAGES.map((name) => [name, repoPackage.dependencies[name]]),
);
const tracingInstall = `npm install ${TRACING_SDK_PACKAGES.map((n) => `${n}@${tracingRanges[n]}`).join(" ")}`;
const TRACING_MISSING =
  "Tracing disabled: Grafana turned tracing on, but the OpenTelemetry SDK is not installed";

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  tarballs = await buildLibrary({ repoRoot: REPO_ROOT, out: join(work, "packages") });
  mkdirSync(join(consumer, "src"), { recursive: true });
  const devTools = ["typescript", "@types/node"];
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: { "grafana-plugin-ts": `file:${tarballs.runtime}` },
      devDependencies: {
        "grafana-plugin-ts-tools": `file:${tarballs.tools}`,
        ...Object.fromEntries(devTools.map((n) => [n, repoPackage.devDependencies[n]])),
        // create-plugin's base tsconfig, and the helpers library its importHelpers wants.
        "@grafana/tsconfig": "^2.0.1",
        tslib: "^2.8.0",
      },
    }),
  );
  const started = performance.now();
  await npmInstall(consumer);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const all = await megabytes(consumer, ["node_modules"]);
  console.log(
    `[library] consumer install ${seconds} s; node_modules ${all} MB, of which the runtime and its dependencies ${await runtimeFootprint()}`,
  );
}, 240_000);

async function megabytes(cwd: string, paths: string[], du = ["-scm"]): Promise<string> {
  const { stdout } = await sh(cwd, "du", [...du, ...paths]);
  return stdout.trim().split("\n").pop()!.split("\t")[0]!;
}

/** What a plugin carries: the runtime and its dependency tree, without the dev tools. */
async function runtimeFootprint(): Promise<string> {
  const { stdout } = await sh(consumer, "npm", ["ls", "--omit=dev", "--all", "--parseable"]);
  const tree = stdout.split("\n").filter((p) => p.includes("node_modules"));
  const onDisk = await megabytes(consumer, tree);
  const apparent = await megabytes(consumer, tree, ["-sck", "--apparent-size"]);
  return `${onDisk} MB (du -sm; apparent ${(Number(apparent) / 1024).toFixed(1)} MB)`;
}

async function packedFiles(tarball: string): Promise<string[]> {
  const { stdout } = await sh(work, "tar", ["tzf", tarball]);
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
}

describe("what the tarballs ship", () => {
  it("the runtime: compiled runtime and bindings with declarations and source maps, no sources or tests", async () => {
    const files = await packedFiles(tarballs.runtime);
    const tops = new Set(files.map((f) => f.split("/")[0]));
    expect([...tops].sort()).toEqual(["README.md", "output", "package.json", "runtime"]);
    expect(files).toContain("runtime/index.js");
    expect(files).toContain("runtime/index.d.ts");
    expect(files).toContain("runtime/index.js.map");
    expect(files).toContain("output/glue.js");
    expect(files).toContain("output/pluginv2/backend.d.ts");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  });

  it("the runtime depends only on what runs in a plugin", () => {
    const pkg = JSON.parse(
      readFileSync(join(consumer, "node_modules/grafana-plugin-ts/package.json"), "utf8"),
    );
    const tools = [
      "@bufbuild/buf",
      "@bufbuild/protoplugin",
      "ts-morph",
      "ts-proto",
      "prettier",
      "esbuild",
      "postject",
      "tsx",
      "typescript",
    ];
    expect(Object.keys(pkg.dependencies).filter((d) => tools.includes(d))).toEqual([]);
    expect(pkg.dependencies["@grpc/grpc-js"]).toBe(repoPackage.dependencies["@grpc/grpc-js"]);
    expect(pkg.version).toBe(repoPackage.version);
  });

  it("both packages depend on the OpenTelemetry API; the SDK is an optional peer, not installed", () => {
    for (const name of ["grafana-plugin-ts", "grafana-plugin-ts-tools"]) {
      const pkg = JSON.parse(
        readFileSync(join(consumer, "node_modules", name, "package.json"), "utf8"),
      );
      expect(pkg.dependencies["@opentelemetry/api"], name).toBe(
        repoPackage.dependencies["@opentelemetry/api"],
      );
      expect(
        Object.keys(pkg.dependencies).filter((d) => d in tracingRanges),
        name,
      ).toEqual([]);
      expect(pkg.peerDependencies, name).toEqual(tracingRanges);
      for (const peer of TRACING_SDK_PACKAGES)
        expect(pkg.peerDependenciesMeta[peer], `${name} ${peer}`).toEqual({ optional: true });
    }
    const installed = readdirSync(join(consumer, "node_modules/@opentelemetry"));
    expect(installed.filter((p) => p.startsWith("sdk-") || p.startsWith("exporter-"))).toEqual([]);
    expect(installed.filter((p) => `@opentelemetry/${p}` in tracingRanges)).toEqual([]);
  });

  it("the tools: the command, compiled, with its templates and the runtime tarball for init", async () => {
    const files = await packedFiles(tarballs.tools);
    expect(files).toContain("bin/grafana-plugin-ts.js");
    expect(files).toContain("cli/main.js");
    expect(files).toContain("generator/templates/rpc-support.ts");
    expect(files).toContain("templates/init/src/main.ts.tmpl");
    expect(files).toContain(`library/grafana-plugin-ts-${repoPackage.version}.tgz`);
    expect(files.some((f) => f.startsWith("test/"))).toBe(false);
  });
});

describe("consumer code compiles against the packed declarations", () => {
  // Both examples use only the public API; create-plugin targets ES2018, where the
  // timeseries example's bigint literals are the consumer's own error, so there
  // the README example stands in.
  const strict = {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    types: ["node"],
  };
  const createPlugin = {
    // create-plugin's .config/tsconfig.json over @grafana/tsconfig, as scaffolded.
    extends: "@grafana/tsconfig",
    compilerOptions: {
      alwaysStrict: true,
      declaration: false,
      rootDir: "./src",
      baseUrl: "./src",
      typeRoots: ["./node_modules/@types"],
      resolveJsonModule: true,
      noEmit: true,
    },
  };
  const cases = [
    {
      name: "strict + noUncheckedIndexedAccess + exactOptionalPropertyTypes",
      config: { compilerOptions: strict },
      examples: ["readme-sine", "timeseries-datasource"],
    },
    { name: "create-plugin's tsconfig", config: createPlugin, examples: ["readme-sine"] },
  ];
  for (const { name, config, examples } of cases)
    for (const skipLibCheck of [true, false])
      it(`${name}, skipLibCheck ${skipLibCheck}`, async () => {
        const dir = join(
          consumer,
          `case-${cases.findIndex((c) => c.name === name)}-${skipLibCheck}`,
        );
        for (const example of examples)
          cpSync(join(REPO_ROOT, "examples", example, "src"), join(dir, "src", example), {
            recursive: true,
            filter: (f) => !f.endsWith(".json"),
          });
        const tsconfig = structuredClone(config) as {
          compilerOptions: Record<string, unknown>;
          include?: string[];
        };
        tsconfig.compilerOptions.skipLibCheck = skipLibCheck;
        tsconfig.include = ["src"];
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        // The project's node_modules, one level up, is where both resolve from.
        const tsc = join(consumer, "node_modules/typescript/bin/tsc");
        const result = await sh(dir, process.execPath, [tsc, "-p", "tsconfig.json"]).catch(
          (e: Error) => e,
        );
        expect(result instanceof Error ? result.message : "").toBe("");
      }, 120_000);
});

let plainPlugin: Promise<string> | undefined;
/** The README example compiled by plain tsc in the consumer; its sh launcher, compiled once. */
function plainPluginLauncher(): Promise<string> {
  return (plainPlugin ??= compilePlainPlugin());
}

async function compilePlainPlugin(): Promise<string> {
  const dir = join(consumer, "plain");
  cpSync(join(REPO_ROOT, "examples/readme-sine/src/main.ts"), join(dir, "src/main.ts"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        outDir: "build",
        types: ["node"],
      },
      include: ["src"],
    }),
  );
  await sh(dir, process.execPath, [
    join(consumer, "node_modules/typescript/bin/tsc"),
    "-p",
    "tsconfig.json",
  ]);
  // package.json "type": "module" of the consumer makes build/main.js an ES module.
  const launcher = join(dir, "plugin.sh");
  writeFileSync(
    launcher,
    `#!/bin/sh\nexec "${process.execPath}" "${join(dir, "build/main.js")}"\n`,
    {
      mode: 0o755,
    },
  );
  return launcher;
}

type Plugin2 = HostedPlugin<(typeof protocol.pluginSets)[2]>;

describe("a plugin compiled by plain tsc runs under plain node", () => {
  let plugin: Plugin2 | undefined;
  afterAll(async () => plugin?.kill());

  it("starts, hands shake and answers", async () => {
    plugin = await startPlugin({ executable: await plainPluginLauncher(), protocol });
    const health = await plugin.clients.diagnostics.checkHealth({});
    expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
    const answer = await plugin.clients.data.queryData({
      queries: [{ refId: "A", timeRange: { fromEpochMS: 0n, toEpochMS: 60_000n } }],
    });
    expect(answer.responses["A"]?.frames.length).toBe(1);
  });
});

/** Grafana's calls with tracing on: CheckHealth continuing Grafana's trace, then QueryData. */
const GRAFANA_TRACE = "0af7651916cd43dd8448eb211c80319c";
async function callsWithTracing(plugin: Plugin2): Promise<void> {
  const metadata = new Metadata();
  metadata.set("traceparent", `00-${GRAFANA_TRACE}-b7ad6b7169203331-01`);
  const pluginContext = { pluginId: "grafana-ts-readme-sine-datasource", pluginVersion: "0.1.0" };
  const health = await plugin.clients.diagnostics.checkHealth({ pluginContext }, { metadata });
  expect(health.status).toBe(CheckHealthResponse_HealthStatus.OK);
  const answer = await plugin.clients.data.queryData({
    pluginContext,
    queries: [{ refId: "A", timeRange: { fromEpochMS: 0n, toEpochMS: 60_000n } }],
  });
  expect(answer.responses["A"]?.frames.length).toBe(1);
}

/**
 * Starts `executable` as Grafana does with tracing on, makes the calls, and
 * stops it; when `spans` are expected, not before they arrived (the README
 * example has no onStop flushing them, so they leave with the batch delay).
 */
async function runTraced(
  executable: string,
  receiver: OtlpReceiver,
  spans: "expected" | "none",
): Promise<PluginLogEntry[]> {
  const logs: PluginLogEntry[] = [];
  const plugin = await startPlugin({
    executable,
    protocol,
    env: { GF_INSTANCE_OTLP_ADDRESS: receiver.address, GF_INSTANCE_OTLP_PROPAGATION: "w3c" },
    onLog: (entry) => logs.push(entry),
  });
  try {
    await callsWithTracing(plugin);
    if (spans === "expected")
      await vi.waitFor(
        () => expect(receiver.spans.map((s) => s.traceId)).toContain(GRAFANA_TRACE),
        { timeout: 30_000, interval: 100 },
      );
  } finally {
    expect((await plugin.kill()).graceful).toBe(true);
  }
  return logs;
}

const tracingWarnings = (logs: PluginLogEntry[]) =>
  logs.filter((l) => l.message.startsWith("Tracing disabled"));

describe("tracing, whose OpenTelemetry SDK is optional", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => receiver?.close());

  it("without the SDK, a plugin Grafana asks to trace answers untraced and logs one warning with the command that adds it", async () => {
    const logs = await runTraced(await plainPluginLauncher(), receiver, "none");
    expect(tracingWarnings(logs)).toMatchObject([
      {
        level: "warn",
        message: TRACING_MISSING,
        fields: { missing: TRACING_SDK_PACKAGES.join(", "), install: tracingInstall },
      },
    ]);
    expect(receiver.spans).toEqual([]);
  });

  it("the warning's command adds it: the same plugin, and a bundle built with it, trace", async () => {
    const started = performance.now();
    await npmInstall(consumer, tracingInstall.split(" ").slice(2));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `[library] + tracing packages: install ${seconds} s; the runtime and its dependencies ${await runtimeFootprint()}`,
    );
    const plain = await runTraced(await plainPluginLauncher(), receiver, "expected");
    expect(tracingWarnings(plain)).toEqual([]);
    expect(receiver.spans.map((s) => s.traceId)).toContain(GRAFANA_TRACE);

    receiver.spans.length = 0;
    const project = join(consumer, "traced");
    cpSync(join(REPO_ROOT, "examples/readme-sine/src"), join(project, "src"), { recursive: true });
    const bin = join(consumer, "node_modules/.bin/grafana-plugin-ts");
    const build = await sh(consumer, bin, ["build", project]);
    expect(build.stderr).not.toContain("tracing packages not installed");
    const executable = join(
      project,
      "dist",
      readdirSync(join(project, "dist")).find((f) => f.startsWith("gpx_") && !f.endsWith(".cjs"))!,
    );
    const bundled = await runTraced(executable, receiver, "expected");
    expect(tracingWarnings(bundled)).toEqual([]);
    expect(receiver.spans.find((s) => s.name === "pluginv2.Diagnostics/CheckHealth")).toMatchObject(
      {
        traceId: GRAFANA_TRACE,
        resource: { "service.name": "grafana-ts-readme-sine-datasource" },
      },
    );
  }, 240_000);
});

describe("the installed command", () => {
  const bin = () => join(consumer, "node_modules/.bin/grafana-plugin-ts");

  it("--version prints the release", async () => {
    const { stdout } = await sh(consumer, bin(), ["--version"]);
    expect(stdout.trim()).toBe(repoPackage.version);
  });

  it("every subcommand answers --help, -h and help <command> with its usage, exit 0", async () => {
    for (const name of Object.keys(COMMAND_USAGE))
      for (const args of [
        [name, "--help"],
        [name, "-h"],
        ["help", name],
      ]) {
        const { stdout } = await sh(consumer, bin(), args);
        expect(stdout, args.join(" ")).toMatch(new RegExp(`^usage: grafana-plugin-ts ${name} `));
      }
  }, 60_000);
});

describe("init from the installed tools package", () => {
  it("writes a project depending on vendored tarballs, whose own npm test passes", async () => {
    const bin = join(consumer, "node_modules/.bin/grafana-plugin-ts");
    await sh(work, bin, [
      "init",
      "my-plugin",
      "--id",
      "myorg-my-datasource",
      "--capabilities",
      "data,resource,stream",
    ]);
    const project = join(work, "my-plugin");
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    const version = repoPackage.version;
    expect(pkg.dependencies["grafana-plugin-ts"]).toBe(
      `file:vendor/grafana-plugin-ts-${version}.tgz`,
    );
    expect(pkg.devDependencies["grafana-plugin-ts-tools"]).toBe(
      `file:vendor/grafana-plugin-ts-tools-${version}.tgz`,
    );
    await npmInstall(project);
    const test = await sh(project, "npm", ["test"]);
    expect(test.stdout).toMatch(/Tests\s+.*2 passed/);
    // Without the tracing packages, build says so once and leaves them out.
    expect(test.stderr.match(/tracing packages not installed/g)).toHaveLength(1);
    expect(test.stderr).toContain(tracingInstall);
    const built = readdirSync(join(project, "dist"));
    expect(built).toContain("plugin.json");
    expect(built.some((f) => f.startsWith("gpx_my_plugin_"))).toBe(true);
  }, 300_000);

  it("its bundle, built without the tracing packages, answers untraced when Grafana asks for tracing and says how to add them", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dist = join(work, "my-plugin", "dist");
      const launcher = readdirSync(dist).find((f) => f.startsWith("gpx_") && !f.endsWith(".cjs"))!;
      const logs = await runTraced(join(dist, launcher), receiver, "none");
      expect(tracingWarnings(logs)).toMatchObject([
        { level: "warn", message: TRACING_MISSING, fields: { install: tracingInstall } },
      ]);
      expect(receiver.spans).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe("init from a checkout", () => {
  it("builds the tarballs and vendors them", async () => {
    const { stderr } = await sh(work, process.execPath, [
      join(REPO_ROOT, "bin/grafana-plugin-ts.js"),
      "init",
      "from-checkout",
      "--id",
      "myorg-checkout-datasource",
    ]);
    expect(stderr).toContain("packing grafana-plugin-ts-tools@");
    const project = join(work, "from-checkout");
    expect(readdirSync(join(project, "vendor")).sort()).toEqual([
      `grafana-plugin-ts-${repoPackage.version}.tgz`,
      `grafana-plugin-ts-tools-${repoPackage.version}.tgz`,
    ]);
  }, 180_000);

  it("--registry depends on the published version instead", async () => {
    await sh(work, process.execPath, [
      join(REPO_ROOT, "bin/grafana-plugin-ts.js"),
      "init",
      "from-registry",
      "--id",
      "myorg-registry-datasource",
      "--registry",
    ]);
    const pkg = JSON.parse(readFileSync(join(work, "from-registry/package.json"), "utf8"));
    expect(pkg.dependencies["grafana-plugin-ts"]).toBe(`^${repoPackage.version}`);
    expect(pkg.devDependencies["grafana-plugin-ts-tools"]).toBe(`^${repoPackage.version}`);
  });
});
