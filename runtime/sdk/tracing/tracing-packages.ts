/**
 * The OpenTelemetry SDK packages tracing loads (tracer-provider.ts), stated
 * once. Only @opentelemetry/api is a dependency of the runtime; these are
 * optional peer dependencies of the published packages (packaging/library
 * writes the manifests from this list), because they weigh ~24 MB installed
 * and a plugin loads them only when Grafana turns tracing on. `init
 * --tracing` adds them to a project, `build` leaves them out of a bundle
 * when they are not installed, and a plugin asked to trace without them
 * logs the command that adds them. Their version ranges are stated in one
 * place too: the package.json beside the runtime (tracing-package-ranges.ts).
 */
export const TRACING_SDK_PACKAGES = [
  "@opentelemetry/sdk-trace",
  "@opentelemetry/exporter-trace-otlp-grpc",
  "@opentelemetry/resources",
  "@opentelemetry/core",
  "@opentelemetry/context-async-hooks",
] as const;

export type TracingSdkPackage = (typeof TRACING_SDK_PACKAGES)[number];

/** The fields of a package.json that can state a version range. */
export interface ManifestRanges {
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Each tracing package's range in `manifest`: the published runtime and tools
 * state them as peerDependencies, the repository's package.json as
 * dependencies. A package the manifest does not name is left out.
 */
export function tracingPackageRangesIn(manifest: ManifestRanges): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const name of TRACING_SDK_PACKAGES) {
    const range =
      manifest.peerDependencies?.[name] ??
      manifest.dependencies?.[name] ??
      manifest.devDependencies?.[name];
    if (range) ranges[name] = range;
  }
  return ranges;
}

/** `npm install a@range b@range …`: the command that adds `packages` to a project. */
export function installCommand(
  packages: readonly string[],
  ranges: Record<string, string>,
): string {
  const specs = packages.map((name) => (ranges[name] ? `${name}@${ranges[name]}` : name));
  return `npm install ${specs.join(" ")}`;
}

/**
 * The tracing package an import failed to find, when that is why it failed:
 * Node's ERR_MODULE_NOT_FOUND "Cannot find package '<name>'" for one of
 * TRACING_SDK_PACKAGES (a bundle built without them throws the same, see
 * packaging/sea-script.ts). A package that is there but misses one of its own
 * dependencies, or any other failure, is not this.
 */
export function missingTracingPackage(error: unknown): TracingSdkPackage | undefined {
  if ((error as { code?: unknown } | null)?.code !== "ERR_MODULE_NOT_FOUND") return undefined;
  const name = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
  return TRACING_SDK_PACKAGES.find((p) => p === name);
}

/** The message a bundle's stand-in for a tracing package that was not installed throws. */
export function notInstalledMessage(name: string): string {
  return `Cannot find package '${name}': it was not installed when this plugin was built`;
}
