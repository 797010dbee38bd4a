// Helpers for the generator tests: run the real `grafana-plugin-ts generate`
// command as a child process, read generated trees, compile protos with buf
// into descriptors, and typecheck generated code with tsc.

import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary, type DescMethod } from "@bufbuild/protobuf";
import ts from "typescript";
import { FileDescriptorSetSchema, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDir = path.resolve(repoRoot, "../shared");
export const historyDir = path.join(sharedDir, "upstream/grafana-plugin-sdk-go/history");
export const repoConfig = path.join(repoRoot, "protocol.config.json");
const cli = path.join(repoRoot, "bin/grafana-plugin-ts.js");

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `grafana-plugin-ts generate <args>` in `cwd`. With no `--config`, the
 * command reads `<cwd>/protocol.config.json` when it exists, so running in a
 * directory without one generates with the built-in defaults.
 */
export function runGenerate(args: string[], cwd: string = repoRoot): Promise<CommandResult> {
  return runNode([cli, "generate", ...args], cwd);
}

function runNode(args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails with everything the command printed, so a broken generation explains itself. */
export function expectSuccess(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0)
    throw new Error(
      `${what}: exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  return result;
}

/** A fresh directory under the OS temp dir. */
export function osTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `${prefix}-`));
}

/**
 * A fresh directory under the repository's gitignored .tmp/: generated code
 * placed there resolves `@grpc/grpc-js` and `@bufbuild/protobuf` from the
 * repository's node_modules, so tsc and vitest can load it.
 */
export async function repoTempDir(prefix: string): Promise<string> {
  const parent = path.join(repoRoot, ".tmp");
  await mkdir(parent, { recursive: true });
  return mkdtemp(path.join(parent, `${prefix}-`));
}

export function removeDir(dir: string | undefined): Promise<void> {
  return dir ? rm(dir, { recursive: true, force: true }) : Promise.resolve();
}

/** Every file under `dir`, by path relative to it (posix separators), with its bytes. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const tree = new Map<string, Buffer>();
  async function walk(sub: string): Promise<void> {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else tree.set(rel, await readFile(path.join(dir, rel)));
    }
  }
  await walk("");
  return new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Names of the files that differ between two trees (missing on either side, or different bytes). */
export function treeDifferences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => !a.get(n) || !b.get(n) || !a.get(n)!.equals(b.get(n)!)).sort();
}

/** The native buf binary when installed (starts faster), else the npm wrapper. */
export function bufBinary(): string {
  const native = path.join(repoRoot, "node_modules/@bufbuild/buf-linux-x64/bin/buf");
  return existsSync(native) ? native : path.join(repoRoot, "node_modules/.bin/buf");
}

/**
 * Compiles every .proto under `protoDir` with buf (`buf build -o x.binpb`)
 * and decodes the descriptor set. Without a buf.yaml in `protoDir`, buf
 * treats the directory as one module, as the generate command does.
 */
export async function buildDescriptors(protoDir: string): Promise<FileDescriptorSet> {
  const scratch = await osTempDir("buf-build");
  try {
    const out = path.join(scratch, "x.binpb");
    await new Promise<void>((resolve, reject) =>
      execFile(bufBinary(), ["build", ".", "-o", out], { cwd: protoDir }, (error, _o, stderr) =>
        error ? reject(new Error(`buf build failed in ${protoDir}:\n${stderr}`)) : resolve(),
      ),
    );
    return fromBinary(FileDescriptorSetSchema, await readFile(out));
  } finally {
    await removeDir(scratch);
  }
}

export type StreamingKind = "unary" | "server-streaming" | "client-streaming" | "bidi-streaming";

/** One rpc as the descriptors say it, independently of the generator's own model. */
export interface DescribedRpc {
  file: string;
  package: string;
  /** Service name without package, e.g. `Diagnostics`. */
  service: string;
  /** Fully-qualified service name, e.g. `pluginv2.Diagnostics`. */
  serviceFullName: string;
  name: string;
  path: string;
  kind: StreamingKind;
  input: string;
  output: string;
}

const kinds: Record<DescMethod["methodKind"], StreamingKind> = {
  unary: "unary",
  server_streaming: "server-streaming",
  client_streaming: "client-streaming",
  bidi_streaming: "bidi-streaming",
};

/** Every rpc of every service in the files of `set` whose names pass `include` (default: all). */
export function describedRpcs(
  set: FileDescriptorSet,
  include: (file: string) => boolean = () => true,
): DescribedRpc[] {
  const registry = createFileRegistry(set);
  const rpcs: DescribedRpc[] = [];
  for (const proto of set.file) {
    if (!include(proto.name)) continue;
    const file = registry.getFile(proto.name)!;
    for (const service of file.services)
      for (const method of service.methods)
        rpcs.push({
          file: proto.name,
          package: proto.package,
          service: service.name,
          serviceFullName: service.typeName,
          name: method.name,
          path: `/${service.typeName}/${method.name}`,
          kind: kinds[method.methodKind],
          input: method.input.typeName,
          output: method.output.typeName,
        });
  }
  return rpcs;
}

/**
 * Typechecks a project with the repository's TypeScript (`tsc --noEmit -p`).
 * Resolves with tsc's output; rejects with it when there are errors.
 */
export function runTsc(tsconfig: string): Promise<string> {
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [tsc, "--noEmit", "-p", tsconfig],
      { cwd: path.dirname(tsconfig), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`tsc failed:\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    ),
  );
}

/**
 * Compiler options for typechecking generated code the way a plugin author
 * would compile it: strict, NodeNext ESM, libraries' own .d.ts skipped.
 */
export const strictNodeNextOptions = {
  target: "ES2022",
  lib: ["ES2023"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
  typeRoots: [path.join(repoRoot, "node_modules/@types")],
};

/** An exported declaration of a generated file: its kind and members (name → type text). */
export interface DeclaredShape {
  kind: "interface" | "class" | "function" | "variable";
  members: Map<string, string>;
}

/**
 * The exported interfaces, classes, functions and variables of a TypeScript
 * file, parsed (not typechecked) with the TypeScript compiler: interface
 * members with their type text, class methods, nothing for functions.
 */
export async function exportedShapes(file: string): Promise<Map<string, DeclaredShape>> {
  const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest);
  const shapes = new Map<string, DeclaredShape>();
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const memberName = (name: ts.PropertyName | undefined) =>
    name === undefined ? "" : ts.isStringLiteral(name) ? name.text : name.getText(source);
  for (const node of source.statements) {
    if (!exported(node)) continue;
    if (ts.isInterfaceDeclaration(node)) {
      const members = new Map<string, string>();
      for (const m of node.members)
        if (ts.isPropertySignature(m))
          members.set(memberName(m.name), m.type?.getText(source) ?? "");
      shapes.set(node.name.text, { kind: "interface", members });
    } else if (ts.isClassDeclaration(node) && node.name) {
      const members = new Map<string, string>();
      for (const m of node.members)
        if (ts.isMethodDeclaration(m))
          members.set(memberName(m.name), m.type?.getText(source) ?? "");
      shapes.set(node.name.text, { kind: "class", members });
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      shapes.set(node.name.text, { kind: "function", members: new Map() });
    } else if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations)
        if (ts.isIdentifier(d.name))
          shapes.set(d.name.text, { kind: "variable", members: new Map() });
    }
  }
  return shapes;
}
