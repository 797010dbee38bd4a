// Proves that our protocol transcriptions in proto/ are wire-identical to
// upstream: both are compiled with buf and their descriptors compared element
// by element (comments aside). Upstream sources are read from ../shared; when
// it is absent the upstream comparison is skipped with a printed reason.

import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffFileDescriptorSets } from "./support/descriptor-diff.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sharedDir = path.resolve(repoRoot, "../shared");

/** The Grafana protocol revision proto/pluginv2/backend.proto transcribes. */
const TARGET_REVISION = "backend.2026-04-01.7a4287ce.proto";
const upstreamBackend = path.join(
  sharedDir,
  "upstream/grafana-plugin-sdk-go/history",
  TARGET_REVISION,
);
const upstreamGoPluginDir = path.join(sharedDir, "upstream/go-plugin");

const BACKEND_FILE = "pluginv2/backend.proto";
const GO_PLUGIN_FILES = [
  "plugin/grpc_controller.proto",
  "plugin/grpc_stdio.proto",
  "plugin/grpc_broker.proto",
];
const HEALTH_FILE = "grpc/health/v1/health.proto";
const OUR_FILES = [BACKEND_FILE, ...GO_PLUGIN_FILES, HEALTH_FILE];

/** grpc.health.v1 as the grpc-health-check npm package ships it (a dev dependency, always present). */
const npmHealthProto = path.join(
  repoRoot,
  "node_modules/grpc-health-check/proto/health/v1/health.proto",
);

const skipReason = existsSync(sharedDir)
  ? undefined
  : `${sharedDir} is absent, so there is no upstream protocol to compare proto/ against`;
if (skipReason !== undefined)
  console.warn(`proto-transcription: skipping upstream comparison: ${skipReason}`);

/** The native buf binary when installed (starts faster), else the npm wrapper. */
function bufBinary(): string {
  const native = path.join(repoRoot, "node_modules/@bufbuild/buf-linux-x64/bin/buf");
  return existsSync(native) ? native : path.join(repoRoot, "node_modules/.bin/buf");
}

/** Compiles `files` (paths relative to `moduleRoot`) with buf and decodes the result, without source info. */
function buildDescriptorSet(
  moduleRoot: string,
  files: string[],
  outDir: string,
): FileDescriptorSet {
  const out = path.join(outDir, "x.binpb");
  const args = [
    "build",
    ".",
    "--exclude-imports",
    "-o",
    out,
    ...files.flatMap((f) => ["--path", f]),
  ];
  try {
    execFileSync(bufBinary(), args, { cwd: moduleRoot, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`buf build failed in ${moduleRoot}:\n${stderr || String(err)}`);
  }
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(out));
  for (const file of set.file) file.sourceCodeInfo = undefined;
  return set;
}

/** A scratch buf module holding `files` (module path → source path), with a minimal buf.yaml. */
function scratchModule(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "buf.yaml"), "version: v2\n");
  for (const [modulePath, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, modulePath)), { recursive: true });
    copyFileSync(source, path.join(dir, modulePath));
  }
  return dir;
}

/** The one file called `name`, failing if it is missing so a comparison can never pass vacuously. */
function onlyFile(set: FileDescriptorSet, name: string): FileDescriptorSet {
  const file = set.file.filter((f) => f.name === name);
  expect(file.map((f) => f.name)).toEqual([name]);
  return create(FileDescriptorSetSchema, { file });
}

let tmp: string;
let ours: FileDescriptorSet;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "proto-transcription-"));
  ours = buildDescriptorSet(path.join(repoRoot, "proto"), OUR_FILES, tmp);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)("proto/ is wire-identical to upstream", () => {
  let upstream: FileDescriptorSet;

  beforeAll(() => {
    const files: Record<string, string> = { [BACKEND_FILE]: upstreamBackend };
    for (const f of GO_PLUGIN_FILES) files[f] = path.join(upstreamGoPluginDir, path.basename(f));
    const root = scratchModule(path.join(tmp, "upstream"), files);
    upstream = buildDescriptorSet(root, Object.keys(files), root);
  });

  it(`${BACKEND_FILE} matches grafana-plugin-sdk-go ${TARGET_REVISION}`, () => {
    expect(
      diffFileDescriptorSets(onlyFile(ours, BACKEND_FILE), onlyFile(upstream, BACKEND_FILE)),
    ).toEqual([]);
  });

  it.each(GO_PLUGIN_FILES)("%s matches hashicorp/go-plugin", (name) => {
    expect(diffFileDescriptorSets(onlyFile(ours, name), onlyFile(upstream, name))).toEqual([]);
  });
});

describe("proto/grpc/health/v1 is wire-identical to grpc-health-check's health.proto", () => {
  it(`${HEALTH_FILE} matches`, () => {
    expect(existsSync(npmHealthProto)).toBe(true);
    const root = scratchModule(path.join(tmp, "health"), { [HEALTH_FILE]: npmHealthProto });
    const reference = buildDescriptorSet(root, [HEALTH_FILE], root);
    expect(
      diffFileDescriptorSets(onlyFile(ours, HEALTH_FILE), onlyFile(reference, HEALTH_FILE)),
    ).toEqual([]);
  });
});

describe("descriptor comparison", () => {
  it("reports the exact path of a changed field number", () => {
    const source = readFileSync(path.join(repoRoot, "proto", BACKEND_FILE), "utf8");
    const original = "int64 maxDataPoints = 2;";
    expect(source.split(original)).toHaveLength(2);

    const root = path.join(tmp, "mutated");
    scratchModule(root, {});
    mkdirSync(path.join(root, "pluginv2"));
    writeFileSync(
      path.join(root, BACKEND_FILE),
      source.replace(original, "int64 maxDataPoints = 12;"),
    );
    const mutated = buildDescriptorSet(root, [BACKEND_FILE], root);

    expect(diffFileDescriptorSets(onlyFile(ours, BACKEND_FILE), mutated)).toEqual([
      "pluginv2.DataQuery.field[1].number: a=2, b=12",
    ]);
  });
});
