import { defineConfig } from "vitest/config";

/**
 * Two projects. `fast`: pure logic in-process (generator units, frames, SDK,
 * in-process gRPC) — `npm run test:fast`, the edit-and-rerun loop. `e2e`:
 * real child processes, Go hosts, regenerations of whole trees, npm pack
 * round trips. `npm test` typechecks, then runs both.
 */
const e2e = [
  "test/evolution.test.ts",
  "test/example-*.test.ts",
  "test/generator-history.test.ts",
  "test/generator-pipeline.test.ts",
  "test/generator-versions.test.ts",
  "test/interop-*.test.ts",
  "test/package-sea.test.ts",
  "test/protocol-usage.test.ts",
  "test/package-sign.test.ts",
  "test/runtime-*.test.ts",
  "test/reliability/**/*.test.ts",
  "test/e2e/**/*.test.ts",
];

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
        test: { name: "fast", include: ["test/**/*.test.ts"], exclude: e2e },
      },
      {
        extends: true,
        // The example plugin is built once: e2e tests start it as a real child process.
        test: { name: "e2e", include: e2e, globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
