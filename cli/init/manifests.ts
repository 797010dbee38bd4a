/**
 * The two manifests a backend plugin project needs: package.json (new, or an
 * existing one with the backend added) and src/plugin.json, with the rule a
 * plugin id must follow.
 */
import {
  installCommand,
  TRACING_SDK_PACKAGES,
  tracingPackageRangesIn,
} from "../../runtime/sdk/tracing/tracing-packages.js";
import { ownPackageJson, type OwnPackageJson } from "../own-package.js";
import {
  RUNTIME_PACKAGE_NAME,
  TOOLS_PACKAGE_NAME,
  type LibraryDependencies,
} from "./library-dependencies.js";
import { InitError, type Capability } from "./options.js";

/** plugin.json "type" of a plugin that can have a backend (panels cannot). */
export type PluginKind = "datasource" | "app";

/** The test tools at the versions grafana-plugin-ts itself is tested with. */
function devTools(own: OwnPackageJson): Record<string, string> {
  const pick = (name: string) => own.devDependencies[name] ?? own.dependencies[name];
  return {
    "@types/node": pick("@types/node"),
    typescript: pick("typescript"),
    vitest: pick("vitest"),
  };
}

/** The OpenTelemetry SDK at the ranges this release is tested with (`init --tracing`). */
export function tracingDependencies(
  own: OwnPackageJson = ownPackageJson(),
): Record<string, string> {
  const ranges = tracingPackageRangesIn(own);
  const unknown = TRACING_SDK_PACKAGES.filter((name) => !ranges[name]);
  if (unknown.length > 0)
    throw new InitError(
      `grafana-plugin-ts's package.json states no version of ${unknown.join(", ")}`,
    );
  return ranges;
}

/** The command that adds the tracing packages to a project later. */
export function tracingInstallCommand(): string {
  return installCommand(TRACING_SDK_PACKAGES, tracingDependencies());
}

/** package.json of a new project depending on this release of grafana-plugin-ts. */
export function fullPackageJson(
  name: string,
  library: LibraryDependencies,
  tracing = false,
): object {
  const own = ownPackageJson();
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20" },
    scripts: {
      build: "grafana-plugin-ts build",
      test: "grafana-plugin-ts build && vitest run",
      typecheck: "tsc --noEmit",
    },
    dependencies: {
      [RUNTIME_PACKAGE_NAME]: library.runtime,
      ...(tracing ? tracingDependencies(own) : {}),
    },
    devDependencies: { [TOOLS_PACKAGE_NAME]: library.tools, ...devTools(own) },
  };
}

/** Adds what the backend needs; never changes a script or version the project already has. */
export function addBackendToPackageJson(
  pkg: Record<string, any>,
  library: LibraryDependencies,
  tracing = false,
): object {
  const own = ownPackageJson();
  pkg.scripts = {
    ...pkg.scripts,
    "build:backend": pkg.scripts?.["build:backend"] ?? "grafana-plugin-ts build",
    "test:backend":
      pkg.scripts?.["test:backend"] ??
      "grafana-plugin-ts build && vitest run --config vitest.backend.config.ts",
    "typecheck:backend":
      pkg.scripts?.["typecheck:backend"] ?? "tsc --noEmit -p tsconfig.backend.json",
  };
  pkg.dependencies = { ...pkg.dependencies };
  pkg.dependencies[RUNTIME_PACKAGE_NAME] ??= library.runtime;
  if (tracing)
    for (const [name, range] of Object.entries(tracingDependencies(own)))
      pkg.dependencies[name] ??= range;
  pkg.devDependencies = { ...pkg.devDependencies };
  pkg.devDependencies[TOOLS_PACKAGE_NAME] ??= library.tools;
  for (const [name, version] of Object.entries(devTools(own)))
    if (!pkg.dependencies[name] && !pkg.devDependencies[name]) pkg.devDependencies[name] = version;
  return pkg;
}

/** src/plugin.json of a new project, declaring what its capabilities need. */
export function newPluginJson(
  id: string,
  kind: PluginKind,
  name: string,
  executable: string,
  capabilities: Capability[],
): object {
  return {
    $schema:
      "https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json",
    type: kind,
    name,
    id,
    backend: true,
    executable,
    ...(kind === "datasource" ? { alerting: capabilities.includes("data"), metrics: true } : {}),
    ...(capabilities.includes("stream") ? { streaming: true } : {}),
    info: {
      description: "",
      author: { name: id.split("-")[0] },
      keywords: [kind],
      version: "0.1.0",
      updated: new Date().toISOString().slice(0, 10),
    },
    dependencies: { grafanaDependency: ">=10.0.0", plugins: [] },
  };
}

/** Grafana's rule (and packaging/plugin-json.ts's): lower-case words joined by dashes. */
export function checkId(id: string): string {
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(id) || id.split("-").length < 3)
    throw new InitError(
      `plugin id "${id}" must be <org>-<name>-<type> in lower case, e.g. myorg-weather-datasource`,
    );
  if (id.endsWith("-panel")) throw new InitError(`"${id}" is a panel id: panels have no backend`);
  return id;
}
