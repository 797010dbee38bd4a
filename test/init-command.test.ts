// `grafana-plugin-ts init`: what it writes for a new project and for
// --backend-only, and what it refuses. The slow install-and-test round trip
// is test/e2e/library-packages.test.ts.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { initProject, parseCapabilities } from "../cli/init-command.js";
import { main } from "../cli/main.js";
import { validatePluginJson } from "../packaging/plugin-json.js";
import { TRACING_SDK_PACKAGES } from "../runtime/sdk/tracing/tracing-packages.js";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "gpts-init-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const read = (...path: string[]) => readFileSync(join(work, ...path), "utf8");
const readJson = (...path: string[]) => JSON.parse(read(...path));

describe("init (new project)", () => {
  it("writes a datasource project with one file per capability", async () => {
    const result = await initProject({
      dir: join(work, "my-plugin"),
      id: "myorg-my-datasource",
      capabilities: ["data", "resource", "stream"],
    });
    expect(result.files.sort()).toEqual(
      [
        ".gitignore",
        "README.md",
        "package.json",
        "src/health.ts",
        "src/main.ts",
        "src/plugin.json",
        "src/plugin.ts",
        "src/query.ts",
        "src/resources.ts",
        "src/settings.ts",
        "src/stream.ts",
        "test/plugin.test.ts",
        "tsconfig.json",
        "vitest.config.ts",
      ].sort(),
    );
    const pluginJson = readJson("my-plugin", "src", "plugin.json");
    expect(validatePluginJson(pluginJson, "plugin.json")).toMatchObject({
      id: "myorg-my-datasource",
      type: "datasource",
      name: "My Plugin",
      executable: "gpx_my_plugin",
      streaming: true,
    });
    const pkg = readJson("my-plugin", "package.json");
    expect(pkg.dependencies).toEqual({
      "grafana-plugin-ts": expect.stringMatching(/^\^\d+\.\d+\.\d+/),
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([
      "@types/node",
      "grafana-plugin-ts-tools",
      "typescript",
      "vitest",
    ]);
    // The runtime is a dependency, the tools (the command) a devDependency, one version.
    expect(pkg.devDependencies["grafana-plugin-ts-tools"]).toBe(
      pkg.dependencies["grafana-plugin-ts"],
    );
    expect(pkg.scripts.test).toBe("grafana-plugin-ts build && vitest run");
    const main = read("my-plugin", "src", "main.ts");
    expect(main).toContain('import { serve } from "grafana-plugin-ts/runtime";');
    expect(main).toContain('import { protocol } from "grafana-plugin-ts/output/glue.js";');
    expect(main).toContain('import { plugin } from "./plugin.js";');
    const plugin = read("my-plugin", "src", "plugin.ts");
    expect(plugin).toContain("  queryData,\n  callResource: resources,\n  stream,\n});");
    expect(read("my-plugin", "test", "plugin.test.ts")).toContain("dataSourceInstanceSettings: {");
    expect(readJson("my-plugin", "tsconfig.json").include).toEqual([
      "src",
      "test",
      "vitest.config.ts",
    ]);
    // No template syntax survives rendering.
    for (const file of result.files)
      expect(read("my-plugin", file)).not.toMatch(/\{\{[#/]?\w+\}\}/);
  });

  it("leaves out capabilities not asked for and writes app projects with app settings", async () => {
    const result = await initProject({
      dir: join(work, "ops"),
      id: "acme-ops-app",
      capabilities: ["resource"],
    });
    expect(result.files).not.toContain("src/query.ts");
    expect(result.files).toContain("src/resources.ts");
    expect(read("ops", "src", "plugin.ts")).not.toContain("queryData");
    expect(readJson("ops", "src", "plugin.json")).toMatchObject({
      type: "app",
      executable: "gpx_ops",
    });
    expect(read("ops", "src", "health.ts")).toContain(
      "req.pluginContext.appInstanceSettings?.jsonData",
    );
    expect(read("ops", "test", "plugin.test.ts")).toContain("appInstanceSettings: { jsonData");
    expect(read("ops", "README.md")).toContain("/api/plugins/acme-ops-app/resources/");
  });

  it("adds the OpenTelemetry SDK only with --tracing, at the repository's ranges", async () => {
    const repo = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const sdk = Object.fromEntries(TRACING_SDK_PACKAGES.map((n) => [n, repo.dependencies[n]]));
    const command = `npm install ${TRACING_SDK_PACKAGES.map((n) => `${n}@${sdk[n]}`).join(" ")}`;

    await initProject({ dir: join(work, "plain"), id: "myorg-plain-datasource" });
    const plain = readJson("plain", "package.json");
    expect(Object.keys(plain.dependencies)).toEqual(["grafana-plugin-ts"]);
    expect(read("plain", "README.md")).toContain(command);

    await initProject({ dir: join(work, "traced"), id: "myorg-traced-datasource", tracing: true });
    expect(readJson("traced", "package.json").dependencies).toEqual({
      "grafana-plugin-ts": plain.dependencies["grafana-plugin-ts"],
      ...sdk,
    });
    expect(read("traced", "README.md")).toContain("`init --tracing` added it");
  });

  it("refuses a non-empty directory unless --force, and bad ids or capabilities", async () => {
    const dir = join(work, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    await expect(initProject({ dir, id: "myorg-x-datasource" })).rejects.toThrow(
      "is not empty (use --force",
    );
    await initProject({ dir, id: "myorg-x-datasource", force: true });
    expect(read("taken", "notes.txt")).toBe("mine");
    await expect(initProject({ dir: join(work, "a") })).rejects.toThrow("--id is required");
    await expect(initProject({ dir: join(work, "a"), id: "MyPlugin" })).rejects.toThrow(
      "<org>-<name>-<type>",
    );
    await expect(initProject({ dir: join(work, "a"), id: "myorg-x-panel" })).rejects.toThrow(
      "panels have no backend",
    );
    expect(() => parseCapabilities("data,graphs")).toThrow("unknown capability graphs");
    expect(parseCapabilities("stream, data,stream")).toEqual(["stream", "data"]);
  });

  it("runs as `grafana-plugin-ts init` and reports usage errors", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(
        await main([
          "init",
          join(work, "cli"),
          "--id",
          "myorg-cli-datasource",
          "--capabilities",
          "stream",
          // The default (vendored tarballs, built from this checkout) is the e2e test's.
          "--registry",
        ]),
      ).toBe(0);
      expect(readJson("cli", "src", "plugin.json").streaming).toBe(true);
      expect(
        await main(["init", join(work, "cli"), "--id", "myorg-cli-datasource", "--registry"]),
      ).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain("is not empty");
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});

describe("init --backend-only (existing @grafana/create-plugin project)", () => {
  function createPluginProject(pluginJson: object) {
    mkdirSync(join(work, "src"));
    writeFileSync(join(work, "src", "plugin.json"), JSON.stringify(pluginJson, null, 2));
    writeFileSync(
      join(work, "package.json"),
      JSON.stringify({
        name: "fe",
        scripts: { build: "webpack", test: "jest" },
        devDependencies: { typescript: "5.5.4" },
      }),
    );
    writeFileSync(join(work, "src", "module.ts"), "export const plugin = {};\n");
  }

  it("reuses src/plugin.json, sets backend/executable, adds scripts and dependencies without changing others", async () => {
    createPluginProject({
      type: "datasource",
      name: "Fancy DB",
      id: "acme-fancydb-datasource",
      info: { version: "%VERSION%" },
    });
    const result = await initProject({ dir: work, backendOnly: true, capabilities: ["data"] });
    expect(result.pluginId).toBe("acme-fancydb-datasource");
    expect(result.files).toEqual(
      expect.arrayContaining([
        "backend/main.ts",
        "backend/plugin.ts",
        "backend/query.ts",
        "backend/test/plugin.test.ts",
      ]),
    );
    expect(readJson("src", "plugin.json")).toEqual({
      type: "datasource",
      name: "Fancy DB",
      id: "acme-fancydb-datasource",
      info: { version: "%VERSION%" },
      backend: true,
      executable: "gpx_fancy_db",
      // Declared as a full init declares it for the data capability.
      alerting: true,
    });
    const pkg = readJson("package.json");
    expect(pkg.scripts).toMatchObject({
      build: "webpack",
      test: "jest",
      "build:backend": "grafana-plugin-ts build",
    });
    expect(pkg.devDependencies.typescript).toBe("5.5.4");
    expect(pkg.devDependencies.vitest).toBeDefined();
    expect(pkg.dependencies["grafana-plugin-ts"]).toMatch(/^\^/);
    expect(read("backend", "main.ts")).toContain('from "./plugin.js"');
    // Outside src/: create-plugin's tsconfig ("include": ["../src", "./types"]) never sees it.
    expect(readdirSync(join(work, "src"))).toEqual(["module.ts", "plugin.json"]);
    expect(read("tsconfig.backend.json")).toContain('"moduleResolution": "Bundler"');
    expect(read("vitest.backend.config.ts")).toContain('"backend/test/**/*.test.ts"');
    expect(read("tsconfig.backend.json")).toContain(
      '"include": ["backend", "vitest.backend.config.ts"]',
    );
    expect(read("src", "module.ts")).toBe("export const plugin = {};\n");
  });

  it("adds the OpenTelemetry SDK with --tracing", async () => {
    createPluginProject({ type: "datasource", name: "Traced", id: "acme-traced-datasource" });
    await initProject({ dir: work, backendOnly: true, tracing: true });
    const dependencies = readJson("package.json").dependencies;
    expect(Object.keys(dependencies).sort()).toEqual(
      ["grafana-plugin-ts", ...TRACING_SDK_PACKAGES].sort(),
    );
  });

  it("formats what it writes with the project's own prettier settings, as create-plugin writes them", async () => {
    createPluginProject({ type: "datasource", name: "Styled", id: "acme-styled-datasource" });
    // create-plugin's layout: a CommonJS .prettierrc.js spreading .config/.prettierrc.js.
    mkdirSync(join(work, ".config"));
    writeFileSync(
      join(work, ".config", ".prettierrc.js"),
      "module.exports = { singleQuote: true, printWidth: 120, trailingComma: 'es5' };\n",
    );
    writeFileSync(
      join(work, ".prettierrc.js"),
      "module.exports = { ...require('./.config/.prettierrc.js') };\n",
    );
    await initProject({ dir: work, backendOnly: true });
    expect(read("backend", "main.ts")).toContain("from 'grafana-plugin-ts/runtime';");
    expect(read("backend", "main.ts")).not.toContain('"');
  });

  // What scripts/check-create-plugin.ts found running a real create-plugin 7
  // project's own checks on what init wrote; kept here without that project.
  it("writes what the project's lint rules, typecheck and build order accept", async () => {
    createPluginProject({ type: "datasource", name: "Checked", id: "acme-checked-datasource" });
    const result = await initProject({
      dir: work,
      backendOnly: true,
      capabilities: ["data", "resource", "stream"],
    });
    // @grafana/eslint-config's `curly` rule: every if/for/while/else body in braces.
    for (const file of result.files.filter((f) => f.endsWith(".ts")))
      expect(unbracedBodies(read(file)), file).toEqual([]);
    // typecheck:backend (and a typed lint of backend files) reaches the vitest config too.
    expect(readJson("tsconfig.backend.json").include).toEqual([
      "backend",
      "vitest.backend.config.ts",
    ]);
    const readme = read("BACKEND.md");
    expect(readme).toContain("bundle `backend/main.ts`");
    expect(readme).toContain("`npm run build && npm run build:backend`");
    expect(readme).not.toContain("src/main.ts");
  });

  it("keeps an executable already named and refuses to overwrite backend files without --force", async () => {
    createPluginProject({
      type: "app",
      name: "Ops",
      id: "acme-ops-app",
      backend: true,
      executable: "gpx_ops_backend",
    });
    await initProject({ dir: work, backendOnly: true });
    expect(readJson("src", "plugin.json").executable).toBe("gpx_ops_backend");
    await expect(initProject({ dir: work, backendOnly: true })).rejects.toThrow(
      "these files exist already (use --force to overwrite): tsconfig.backend.json",
    );
    await expect(initProject({ dir: work, backendOnly: true, force: true })).resolves.toBeDefined();
  });

  it("never writes through a symbolic link, dangling or not, even with --force", async () => {
    createPluginProject({ type: "datasource", name: "Links", id: "acme-links-datasource" });
    const outside = mkdtempSync(join(tmpdir(), "gpts-outside-"));
    try {
      // A dangling link where init writes a file: without --force it is a clash…
      mkdirSync(join(work, "backend"));
      symlinkSync(join(outside, "stolen.ts"), join(work, "backend", "main.ts"));
      await expect(initProject({ dir: work, backendOnly: true })).rejects.toThrow(
        "these files exist already (use --force to overwrite): backend/main.ts",
      );
      // …and with --force it is still refused, and nothing was written anywhere.
      await expect(initProject({ dir: work, backendOnly: true, force: true })).rejects.toThrow(
        "refusing to write backend/main.ts: backend/main.ts is a symbolic link",
      );
      expect(readdirSync(outside)).toEqual([]);
      expect(readJson("src", "plugin.json").backend).toBeUndefined();
      // A linked directory on the way is refused too.
      rmSync(join(work, "backend"), { recursive: true });
      symlinkSync(outside, join(work, "backend"));
      await expect(initProject({ dir: work, backendOnly: true, force: true })).rejects.toThrow(
        "backend is a symbolic link",
      );
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("refuses a directory that is not a plugin project, a panel, or a different --id", async () => {
    await expect(initProject({ dir: work, backendOnly: true })).rejects.toThrow(
      "has no src/plugin.json and package.json",
    );
    createPluginProject({ type: "panel", name: "P", id: "acme-p-panel" });
    await expect(initProject({ dir: work, backendOnly: true })).rejects.toThrow(
      "panels have no backend",
    );
    writeFileSync(
      join(work, "src", "plugin.json"),
      JSON.stringify({ type: "datasource", id: "acme-x-datasource" }),
    );
    await expect(
      initProject({ dir: work, backendOnly: true, id: "acme-y-datasource" }),
    ).rejects.toThrow("differs from the id");
  });
});

/** Control statements whose body is not a block: `if (x) y;`, `if (x)` then a line, `else y;`. */
function unbracedBodies(source: string): string[] {
  return source
    .split("\n")
    .filter(
      (line) =>
        /^\s*(?:\} )?(?:if|for|while)\s*\(.*\)\s*(?:[^{\s].*)?$/.test(line) ||
        /^\s*(?:\} )?else(?!\s*(?:\{|if\b))/.test(line),
    );
}
