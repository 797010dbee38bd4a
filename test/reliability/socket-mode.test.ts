// The plugin's unix socket is never accessible to other users, not even for
// an instant between bind() and chmod(): started under umask 000, every mode
// observed from the moment the socket appears has no group or other bits.
import { watch } from "node:fs";
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureBundler, pluginEnv, spawnRaw } from "../support/runtime-helpers.js";

const fixtures = fixtureBundler();
afterAll(() => fixtures.cleanup());

const STARTS = 10;

describe("socket permissions", () => {
  it(`under umask 000, the socket is 0600 from the moment it exists (${STARTS} starts)`, async () => {
    const plugin = await fixtures.bundle("behaviour-plugin");
    const dir = await mkdtemp(path.join(tmpdir(), "gpts-umask-"));
    const modes: number[] = [];
    const watcher = watch(dir, (_event, name) => {
      if (!name) return;
      lstat(path.join(dir, name)).then(
        (s) => s.isSocket() && modes.push(s.mode & 0o777),
        () => {},
      );
    });
    try {
      for (let i = 0; i < STARTS; i++) {
        const started = spawnRaw("/bin/sh", pluginEnv({ PLUGIN_UNIX_SOCKET_DIR: dir }), [
          "-c",
          'umask 000; exec "$0"',
          plugin,
        ]);
        const line = await started.firstLine;
        expect(line).toMatch(/\|unix\|/);
        expect((await lstat(line!.split("|")[3])).mode & 0o777).toBe(0o600);
        started.child.kill("SIGKILL");
        await started.exited;
      }
    } finally {
      watcher.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect(modes.length).toBeGreaterThanOrEqual(STARTS);
    expect(modes.filter((m) => (m & 0o077) !== 0).map((m) => m.toString(8))).toEqual([]);
  }, 120_000);
});
