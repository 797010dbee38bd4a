import { defineConfig } from "vitest/config";

/**
 * `fast`: pure logic in-process (generator units, frames, SDK, in-process
 * gRPC) — `npm run test:fast`, the edit-and-rerun loop. Its files share
 * worker threads and module instances (no per-file isolation: half the
 * time, most of it module loading), so they must leave no process-wide
 * state behind; the few that set some (OpenTelemetry's globals) run as
 * `fast-isolated`. `e2e`: real child processes, Go hosts, regenerations of
 * whole trees, npm pack round trips. `npm test` typechecks, then runs all.
 */
const e2e = [
  "test/evolution.test.ts",
  "test/example-*.test.ts",
  "test/generator-history.test.ts",
  "test/generator-pipeline.test.ts",
  "test/generator-versions.test.ts",
  "test/interop-*.test.ts",
  "test/package-inputs.test.ts",
  "test/package-sea.test.ts",
  "test/protocol-usage.test.ts",
  "test/package-sign.test.ts",
  "test/runtime-*.test.ts",
  "test/reliability/**/*.test.ts",
  "test/e2e/**/*.test.ts",
];

/** In-process files that install process-wide state. */
const isolated = ["test/sdk-tracing.test.ts", "test/sdk-tracing-config.test.ts"];

export default defineConfig({
  test: {
    // Tests start real processes and real gRPC servers; give them room, and run
    // files in separate forks so a plugin process per test file cannot collide.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: [...e2e, ...isolated],
          pool: "threads",
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "fast-isolated", include: isolated },
      },
      {
        extends: true,
        // The example plugin is built once: e2e tests start it as a real child process.
        test: { name: "e2e", include: e2e, globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
