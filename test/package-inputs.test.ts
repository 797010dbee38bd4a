// `package` with bad or unusual projects: every failure names what is wrong
// and leaves no output directory and no temp directory behind. These fail
// before any executable is built, so they are fast.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePackageArgs } from "../cli/package-command.js";
import { buildPlugin } from "../packaging/build-plugin.js";
import { packagePlugin } from "../packaging/package-plugin.js";
import { readPluginProject } from "../packaging/plugin-files.js";
import { buildSeaExecutable } from "../packaging/sea-executable.js";
import { ACCESS_POLICY_TOKEN_ENV } from "../packaging/sign.js";
import { REPO_ROOT } from "./support/example-plugin.js";

const goodPluginJson = {
  id: "acme-test-datasource",
  type: "datasource",
  name: "Test",
  backend: true,
  executable: "gpx_test",
  info: { version: "1.2.3" },
};

let root = "";
let project = "";
let out = "";
let savedTmpdir: string | undefined;

/** A project with src/plugin.json and (unless main is false) src/main.ts. */
async function writeProject(pluginJson: unknown, main: string | false = "export {};\n") {
  await mkdir(join(project, "src"), { recursive: true });
  await writeFile(join(project, "src", "plugin.json"), JSON.stringify(pluginJson, null, 2));
  if (main !== false) await writeFile(join(project, "src", "main.ts"), main);
}

/** Nothing written: no output dir, and no staging dir left in the (private) temp dir. */
function expectNothingWritten() {
  expect(existsSync(out)).toBe(false);
  const staging = readdirSync(join(root, "tmp")).filter((n) => n.startsWith("grafana-plugin-ts-"));
  expect(staging).toEqual([]);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "gpts-package-inputs-"));
  project = join(root, "project");
  out = join(root, "out");
  await mkdir(join(root, "tmp"));
  // os.tmpdir() reads TMPDIR on each call: staging dirs land where we can count them.
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = join(root, "tmp");
});

afterEach(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(root, { recursive: true, force: true });
});

describe("package: a broken project writes nothing", () => {
  it("names each bad plugin.json field (backend false, executable without gpx_)", async () => {
    await writeProject({ ...goodPluginJson, backend: false, executable: "test" });
    const failure = packagePlugin({ projectDir: project, outDir: out });
    await expect(failure).rejects.toThrow(/"backend" must be true/);
    await expect(failure).rejects.toThrow(/"executable" must be "gpx_<name>"/);
    expectNothingWritten();
  });

  it("names a missing entry point", async () => {
    await writeProject(goodPluginJson, false);
    await expect(packagePlugin({ projectDir: project, outDir: out })).rejects.toThrow(
      `${project}: no backend entry point (src/main.ts or backend/main.ts`,
    );
    expectNothingWritten();
  });

  it("names a missing src/plugin.json", async () => {
    await mkdir(join(project, "src"), { recursive: true });
    await expect(packagePlugin({ projectDir: project, outDir: out })).rejects.toThrow(
      `${join(project, "src", "plugin.json")}: not found`,
    );
    expectNothingWritten();
  });

  it("needs info.version, which names the archive", async () => {
    await writeProject({ ...goodPluginJson, info: {} });
    await expect(packagePlugin({ projectDir: project, outDir: out })).rejects.toThrow(
      /"info.version" must be a semantic version/,
    );
    expectNothingWritten();
  });

  it("reports a main.ts that does not compile, after cleaning up its temp dir", async () => {
    await writeProject(goodPluginJson, "const = ;\n");
    await expect(packagePlugin({ projectDir: project, outDir: out })).rejects.toThrow(
      /main\.ts:1:6: ERROR/,
    );
    expectNothingWritten();
  });

  it("rejects an unknown architecture", async () => {
    await writeProject(goodPluginJson);
    await expect(
      packagePlugin({ projectDir: project, outDir: out, arches: ["sparc"] }),
    ).rejects.toThrow(/unknown architecture sparc/);
    expectNothingWritten();
  });

  it("says why an architecture cannot be built: --node current is this machine's only", async () => {
    await writeProject(goodPluginJson);
    const other = process.arch === "arm64" ? "amd64" : "arm64";
    const failure = packagePlugin({
      projectDir: project,
      outDir: out,
      arches: [other],
      node: "current",
    });
    await expect(failure).rejects.toThrow(/no architecture can be built/);
    await expect(failure).rejects.toThrow(
      new RegExp(`${other}: --node current embeds this machine's Node.js`),
    );
    expectNothingWritten();
  });

  it("says npm has no Node.js binary package for linux/386", async () => {
    await writeProject(goodPluginJson);
    await expect(
      packagePlugin({ projectDir: project, outDir: out, arches: ["386"] }),
    ).rejects.toThrow(
      /386: the npm registry has no official Node.js binary package for linux\/386/,
    );
    expectNothingWritten();
  });

  it("rejects a --node that is no version", async () => {
    await writeProject(goodPluginJson);
    await expect(
      packagePlugin({
        projectDir: project,
        outDir: out,
        node: "lts-latest",
        nodeCacheDir: join(root, "cache"),
      }),
    ).rejects.toThrow(
      /--node lts-latest: expected a Node.js version \(24.22.3\), a major line \(24\) or "current"/,
    );
    expectNothingWritten();
  });

  it("with the registry unreachable and nothing cached, names --node current", async () => {
    await writeProject(goodPluginJson);
    // A port nothing listens on, no retries, and an empty npm cache (npm would answer from it).
    const npmEnv = {
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_fetch_retries: "0",
      npm_config_cache: join(root, "npm-cache"),
    };
    const saved = Object.fromEntries(Object.keys(npmEnv).map((k) => [k, process.env[k]]));
    Object.assign(process.env, npmEnv);
    try {
      for (const node of ["24", "24.22.3"]) {
        const failure = packagePlugin({
          projectDir: project,
          outDir: out,
          node,
          nodeCacheDir: join(root, "node-cache"),
        });
        await expect(failure).rejects.toThrow(
          /from the npm registry.*(and none is cached|and it is not cached) in /,
        );
        await expect(failure).rejects.toThrow(
          /--node current \(this machine's architecture only\)/,
        );
      }
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
    expect(readdirSync(join(root, "node-cache", "24.22.3"))).toEqual([]);
    expectNothingWritten();
  });

  it("fails the CLI with exit code 1 and the field on stderr", async () => {
    await writeProject({ ...goodPluginJson, backend: false });
    const cli = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "bin", "grafana-plugin-ts.js"), "package", project, "--out", out],
      { encoding: "utf8", env: { ...process.env, TMPDIR: join(root, "tmp") } },
    );
    expect(cli.status).toBe(1);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toMatch(
      /^grafana-plugin-ts package: .*plugin\.json:\n {2}- "backend" must be true/,
    );
    expectNothingWritten();
  });
});

describe("an entry that exports", () => {
  it("still makes a script: the bundle only imports it, after the console preload", async () => {
    await writeProject(goodPluginJson, "export const handlers = {};\n");
    const built = await buildPlugin(project, { outDir: out });
    const run = spawnSync(process.execPath, [built.script], { encoding: "utf8" });
    // Started without a host's cookie it does nothing, and exits cleanly.
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
  });
});

describe("package: the Node.js binary to embed", () => {
  it("refuses a binary without the SEA fuse (old Node.js, or a shared libnode)", async () => {
    const fake = join(root, "node");
    await writeFile(fake, "#!/bin/sh\n");
    await expect(
      buildSeaExecutable({
        script: fake,
        outFile: join(root, "exe"),
        nodeBinary: fake,
        workDir: root,
      }),
    ).rejects.toThrow(/cannot be made into a single executable: it has no NODE_SEA_FUSE_/);
    expect(existsSync(join(root, "exe"))).toBe(false);
  });
});

describe("package: arguments", () => {
  it("defaults to the current directory, DIR/dist and this machine's architecture", () => {
    expect(parsePackageArgs([], "/p")).toEqual({
      projectDir: "/p",
      outDir: undefined,
      arches: undefined,
      sign: undefined,
    });
    expect(parsePackageArgs(["plugin", "--out", "o", "--arch", "amd64,arm64"], "/p")).toEqual({
      projectDir: "/p/plugin",
      outDir: "/p/o",
      arches: ["amd64", "arm64"],
      sign: undefined,
    });
    expect(parsePackageArgs(["--node", "24.22.3", "--no-strip"], "/p")).toMatchObject({
      node: "24.22.3",
      strip: false,
    });
    expect(() => parsePackageArgs(["--node"], "/p")).toThrow(/--node needs a value/);
  });

  it("rejects unknown arguments and a second DIR", () => {
    expect(() => parsePackageArgs(["--zip"], "/p")).toThrow(/unknown argument --zip/);
    expect(() => parsePackageArgs(["a", "b"], "/p")).toThrow(/unknown argument b/);
    expect(() => parsePackageArgs(["--out"], "/p")).toThrow(/--out needs a value/);
  });

  it("--sign needs an access policy token up front; --root-urls needs --sign", () => {
    const saved = process.env[ACCESS_POLICY_TOKEN_ENV];
    delete process.env[ACCESS_POLICY_TOKEN_ENV];
    try {
      expect(() => parsePackageArgs(["--sign"], "/p")).toThrow(
        /--sign needs GRAFANA_ACCESS_POLICY_TOKEN/,
      );
    } finally {
      if (saved !== undefined) process.env[ACCESS_POLICY_TOKEN_ENV] = saved;
    }
    expect(() => parsePackageArgs(["--root-urls", "https://g.example"], "/p")).toThrow(
      /--root-urls only makes sense with --sign/,
    );
  });
});

describe("package: what ships beside the executable", () => {
  it("takes README, CHANGELOG and LICENSE from src/ or the project root, and src/img/", async () => {
    await writeProject(goodPluginJson);
    await writeFile(join(project, "src", "README.md"), "# from src\n");
    await writeFile(join(project, "README.md"), "# from root\n");
    await writeFile(join(project, "LICENSE"), "Apache-2.0\n");
    await mkdir(join(project, "src", "img"));
    const files = readPluginProject(project);
    expect(Object.fromEntries(files.extraFiles)).toEqual({
      "README.md": join(project, "src", "README.md"),
      LICENSE: join(project, "LICENSE"),
    });
    expect(Object.fromEntries(files.extraDirs)).toEqual({ img: join(project, "src", "img") });
  });

  it('fills "%VERSION%" from package.json, as create-plugin templates expect', async () => {
    await writeProject({ ...goodPluginJson, info: { version: "%VERSION%", updated: "%TODAY%" } });
    await writeFile(join(project, "package.json"), JSON.stringify({ version: "2.0.1" }));
    const files = readPluginProject(project);
    expect(files.version).toBe("2.0.1");
    const shipped = JSON.parse(files.pluginJsonText);
    expect(shipped.info.version).toBe("2.0.1");
    expect(shipped.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Otherwise plugin.json ships byte for byte.
    await writeProject(goodPluginJson);
    expect(readPluginProject(project).pluginJsonText).toBe(
      await readFile(join(project, "src", "plugin.json"), "utf8"),
    );
  });
});

describe("a create-plugin project: frontend in dist/, backend in backend/", () => {
  const frontendPluginJson = { ...goodPluginJson, info: { version: "%VERSION%" } };

  async function frontendBuild() {
    // What create-plugin's webpack leaves in dist/, plugin.json with placeholders filled.
    await mkdir(join(project, "dist", "img"), { recursive: true });
    await writeFile(join(project, "dist", "module.js"), "define([], () => ({}));\n");
    await writeFile(join(project, "dist", "module.js.map"), "{}\n");
    await writeFile(join(project, "dist", "img", "logo.svg"), "<svg/>\n");
    await writeFile(
      join(project, "dist", "plugin.json"),
      JSON.stringify(
        {
          ...goodPluginJson,
          info: { version: "2.0.1" },
          backend: undefined,
          buildMode: "production",
        },
        null,
        4,
      ),
    );
    // …and what build and package wrote there before: never shipped twice.
    await writeFile(join(project, "dist", "gpx_test_linux_amd64"), "old\n");
    await mkdir(join(project, "dist", goodPluginJson.id));
    await writeFile(join(project, "dist", `${goodPluginJson.id}-2.0.1.linux_amd64.zip`), "");
  }

  it("finds the entry point in backend/ and names both places when there is none", async () => {
    await writeProject(frontendPluginJson, false);
    await writeFile(join(project, "package.json"), JSON.stringify({ version: "2.0.1" }));
    expect(() => readPluginProject(project)).toThrow(
      `${project}: no backend entry point (src/main.ts or backend/main.ts; a plugin's main calls serve(...))`,
    );
    await mkdir(join(project, "backend"));
    await writeFile(join(project, "backend", "main.ts"), "export {};\n");
    expect(readPluginProject(project).entry).toBe(join(project, "backend", "main.ts"));
  });

  it("package ships the frontend build with its filled plugin.json, and nothing build or package wrote", async () => {
    await writeProject(frontendPluginJson);
    await writeFile(join(project, "package.json"), JSON.stringify({ version: "2.0.1" }));
    await frontendBuild();
    const files = readPluginProject(project);
    expect(files.frontendDir).toBe(join(project, "dist"));
    expect([...files.extraFiles.keys()].sort()).toEqual(["module.js", "module.js.map"]);
    expect([...files.extraDirs.keys()]).toEqual(["img"]);
    expect(JSON.parse(files.pluginJsonText).info.version).toBe("2.0.1");
  });

  it("build keeps the frontend's filled plugin.json, bringing only the backend fields up to date", async () => {
    await writeProject(frontendPluginJson);
    await frontendBuild();
    await buildPlugin(project);
    const built = JSON.parse(await readFile(join(project, "dist", "plugin.json"), "utf8"));
    expect(built.info.version).toBe("2.0.1");
    expect(built.backend).toBe(true);
    expect(built.executable).toBe("gpx_test");
    // Everything else webpack wrote survives, its own fields (buildMode) included.
    expect(built.buildMode).toBe("production");
    expect(await readFile(join(project, "dist", "module.js"), "utf8")).toContain("define");
    // Without a frontend build (or with placeholders still unfilled) src/plugin.json is copied.
    await rm(join(project, "dist"), { recursive: true });
    await buildPlugin(project);
    expect(await readFile(join(project, "dist", "plugin.json"), "utf8")).toBe(
      await readFile(join(project, "src", "plugin.json"), "utf8"),
    );
  });

  it("build writes only files create-plugin's webpack keeps when it cleans dist/", async () => {
    // output.clean.keep in create-plugin 7's .config/webpack/webpack.config.ts: a frontend
    // build after the backend's deletes whatever in dist/ this does not match.
    const webpackKeeps = new RegExp(`(.*?_(amd64|arm(64)?)(.exe)?|go_plugin_build_manifest)`);
    await writeProject(frontendPluginJson);
    for (const sourcemap of [false, true]) {
      await rm(join(project, "dist"), { recursive: true, force: true });
      await buildPlugin(project, { sourcemap });
      const written = readdirSync(join(project, "dist")).filter((f) => f !== "plugin.json");
      expect(written.length).toBeGreaterThanOrEqual(sourcemap ? 3 : 2);
      expect(written.filter((f) => !webpackKeeps.test(f))).toEqual([]);
    }
  });
});
