/**
 * ts-morph plumbing shared by the emitters: an in-memory project to build
 * source files in, import bookkeeping (imports are added as symbols, never as
 * hand-built strings), and the final text with the generated-file header.
 */
import { Project, type SourceFile } from "ts-morph";
import { generatedHeader, type HeaderInfo } from "./header.js";
import type { DescFile } from "@bufbuild/protobuf";
import type { ProtocolModel, ServiceModel, TypeRef } from "./model.js";
import { importPath } from "./naming.js";

/** A file the plugin returns to buf: path relative to the output root, and its content. */
export interface GeneratedFile {
  name: string;
  content: string;
}

const project = new Project({ useInMemoryFileSystem: true });

export function newSourceFile(name: string): SourceFile {
  return project.createSourceFile(name, "", { overwrite: true });
}

export function finishSourceFile(file: SourceFile, header: HeaderInfo): GeneratedFile {
  const content = generatedHeader(header) + "\n" + file.getFullText();
  const name = file.getFilePath().replace(/^\//, "");
  project.removeSourceFile(file);
  return { name, content };
}

/**
 * Collects the symbols a file uses, grouped by module, and writes sorted
 * import declarations. Two modules may export the same name (pluginv2's and
 * pluginv3's `DiagnosticsService` in the glue): the first keeps its name, later
 * ones are imported under an alias qualified by their module path, and every
 * method returns the local name to write in code.
 */
export class ImportSet {
  /** module → imported name → how it is bound locally. */
  private readonly modules = new Map<string, Map<string, { local: string; typeOnly: boolean }>>();
  /** Local names already bound, so an alias never collides. */
  private readonly locals = new Set<string>();

  constructor(private readonly fromFile: string) {}

  /** Names the file itself declares: an import of the same name gets an alias. */
  reserve(names: string[]): void {
    for (const name of names) this.locals.add(name);
  }

  /** Import a value (or class) from the output file with this stem. */
  value(stem: string, name: string): string {
    return this.add(importPath(this.fromFile, stem), name, false);
  }

  /** Import a type-only symbol from the output file with this stem. */
  type(stem: string, name: string): string {
    return this.add(importPath(this.fromFile, stem), name, true);
  }

  /** Import a type-only message reference. */
  message(ref: TypeRef): string {
    return this.type(ref.stem, ref.tsName);
  }

  /** Import from a package (e.g. "@grpc/grpc-js"). */
  external(module: string, name: string, typeOnly: boolean): string {
    return this.add(module, name, typeOnly);
  }

  private add(module: string, name: string, typeOnly: boolean): string {
    const names =
      this.modules.get(module) ?? new Map<string, { local: string; typeOnly: boolean }>();
    this.modules.set(module, names);
    const known = names.get(name);
    if (known) {
      // A symbol used both as a type and as a value needs a value import.
      known.typeOnly &&= typeOnly;
      return known.local;
    }
    const local = this.freeLocalName(module, name);
    this.locals.add(local);
    names.set(name, { local, typeOnly });
    return local;
  }

  /** `name`, or `<module path>_<name>` (e.g. `pluginv3_backend_DiagnosticsService`) when taken. */
  private freeLocalName(module: string, name: string): string {
    if (!this.locals.has(name)) return name;
    const qualifier = module
      .replace(/\.js$/, "")
      .replace(/\.(handlers|adapters|clients|grpc)$/, "")
      .replace(/^(\.\.?\/)+/, "")
      .replace(/[^A-Za-z0-9_$]+/g, "_");
    let local = `${qualifier}_${name}`;
    for (let n = 2; this.locals.has(local); n++) local = `${qualifier}_${name}_${n}`;
    return local;
  }

  writeTo(file: SourceFile): void {
    const sorted = [...this.modules.entries()].sort(([a], [b]) => compareModules(a, b));
    file.insertImportDeclarations(
      0,
      sorted.map(([moduleSpecifier, names]) => ({
        moduleSpecifier,
        namedImports: [...names.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, { local, typeOnly }]) => ({
            name,
            alias: local === name ? undefined : local,
            isTypeOnly: typeOnly,
          })),
      })),
    );
  }
}

function compareModules(a: string, b: string): number {
  const rank = (m: string) => (m.startsWith(".") ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Turns a proto comment into a JSDoc body (no `*\/` can escape). */
export function docText(...lines: string[]): string {
  return lines
    .map((l) => l.replace(/^ /gm, ""))
    .filter((l) => l.length > 0)
    .join("\n\n")
    .replace(/\*\//g, "*\\/");
}

/** A JSDoc block for code written as text (ts-morph adds its own for structures). */
export function jsDoc(...lines: string[]): string {
  const body = docText(...lines)
    .split("\n")
    .map((l) => (l ? ` * ${l}` : " *"));
  return ["/**", ...body, " */"].join("\n");
}

/**
 * The frame every per-proto-file emitter shares: `<stem>.<artefact>.ts` for
 * the file's services (none → no file), imports written, header added.
 */
export function emitForServices(
  model: ProtocolModel,
  file: DescFile,
  artefact: string,
  emit: (service: ServiceModel, source: SourceFile, imports: ImportSet) => void,
): GeneratedFile | undefined {
  const services = model.services.filter((s) => s.stem === file.name);
  if (services.length === 0) return undefined;
  const name = `${file.name}.${artefact}.ts`;
  const source = newSourceFile(name);
  const imports = new ImportSet(name);
  for (const service of services) emit(service, source, imports);
  imports.writeTo(source);
  return finishSourceFile(source, {
    generator: `grafana-plugin-ts (${artefact})`,
    sources: [file.proto.name],
  });
}
