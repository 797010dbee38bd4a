import { defineConfig } from "vitest/config";

// Tests start real processes and real gRPC servers; give them room, and run
// files in separate forks so a plugin process per test file cannot collide.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
  },
});
