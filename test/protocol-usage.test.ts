// Hand-written code is immune to additive protocol change: nothing outside
// output/ spells out a protocol message or exhausts a protocol enum (see
// test/support/protocol-usage.ts for the rule). Checked over the whole
// repository program plus the files `init` writes, with controls proving the
// check finds each kind of violation.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initProject } from "../cli/init-command.js";
import { checkProtocolUsage, type Finding } from "./support/protocol-usage.js";
import { repoRoot } from "./support/generate-helpers.js";

const outputDir = path.join(repoRoot, "output");
// Inside the repository so `grafana-plugin-ts/...` imports resolve to this package.
const scratch = path.join(repoRoot, ".tmp", `protocol-usage-${process.pid}`);
const initDir = path.join(scratch, "init-project");
const controlFile = path.join(scratch, "controls.ts");

const controls = `import { CheckHealthResponse, CheckHealthResponse_HealthStatus as S } from "../../output/pluginv2/backend.js";
export const full: CheckHealthResponse = { status: S.OK, message: "", jsonDetails: Buffer.alloc(0) };
export const viaFactory = CheckHealthResponse.fromPartial({ status: S.OK });
export const labels: Record<S, string> = { [S.UNKNOWN]: "?", [S.OK]: "ok", [S.ERROR]: "bad", [S.UNRECOGNIZED]: "" };
export function exhaustive(s: S): string {
  switch (s) {
    case S.OK: return "ok";
    case S.ERROR: return "bad";
    case S.UNKNOWN: return "?";
    case S.UNRECOGNIZED: return "";
  }
}
export function withDefault(s: S): string {
  switch (s) {
    case S.OK: return "ok";
    default: return "other";
  }
}
`;

let findings: Finding[];

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  await initProject({
    dir: initDir,
    id: "myorg-usage-datasource",
    capabilities: ["data", "resource", "stream"],
  });
  writeFileSync(controlFile, controls);
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const initFiles = ts.sys.readDirectory(initDir, [".ts"], ["node_modules"]);
  const program = ts.createProgram(
    [...config.fileNames, ...initFiles, controlFile],
    config.options,
  );
  findings = checkProtocolUsage(
    program,
    outputDir,
    (f) => !f.startsWith(outputDir + path.sep) && !f.includes(`${path.sep}node_modules${path.sep}`),
  );
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const where = (f: Finding) => `${path.relative(repoRoot, f.file)}:${f.line}: ${f.message}`;

describe("hand-written code and the protocol", () => {
  it("finds each kind of violation in the controls (and nothing else there)", () => {
    const inControls = findings
      .filter((f) => f.file === controlFile)
      .map((f) => [f.line, f.message]);
    expect(inControls).toEqual([
      [
        2,
        expect.stringContaining(
          "object literal of CheckHealthResponse spells out protocol message fields",
        ),
      ],
      [
        4,
        expect.stringContaining(
          "keyed by every value of protocol enum CheckHealthResponse_HealthStatus",
        ),
      ],
      [6, "switch over protocol enum CheckHealthResponse_HealthStatus without a default clause"],
    ]);
  });

  it("checked the files init writes", () => {
    expect(ts.sys.readDirectory(initDir, [".ts"], ["node_modules"]).length).toBeGreaterThanOrEqual(
      5,
    );
  });

  it("runtime, SDK, CLI, packaging, examples, init templates, tests and benchmarks never spell out a message or exhaust an enum", () => {
    expect(findings.filter((f) => f.file !== controlFile).map(where)).toEqual([]);
  });
});
