/**
 * `performia devices` and a live performance on a machine with no sound card and no virtual
 * device: what to do, said plainly, and nothing else (not ALSA's errors for the cards that are
 * not there, 166 lines of them before).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { performia, tempDir } from "../support/cli.js";

/** No sound card: the machine this runs on in CI (the tests assume nothing else about it). */
const noCard =
  process.platform === "linux" &&
  (!existsSync("/proc/asound/cards") || !/^\s*\d+\s+\[/m.test(readFileSync("/proc/asound/cards", "utf8")));
const home = tempDir("no-devices");
// No PulseAudio server to find (no virtual device), no ALSA or JACK configuration of one's own.
const env = {
  PULSE_SERVER: `unix:${join(home, "no-server")}`,
  XDG_RUNTIME_DIR: home,
  HOME: home,
};

describe.runIf(noCard)("no sound card and no virtual device", () => {
  it("`performia devices` says so and how to start the virtual device, and prints nothing else", () => {
    const r = performia(["devices"], { env });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^no audio devices: this machine has no sound card and no virtual device is running/,
    );
    expect(r.stdout).toMatch(/virtual-audio\.sh start/);
    expect(r.stderr).not.toMatch(/ALSA lib/);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
  });

  it("a live performance stops at once with the same advice", () => {
    const r = performia(["perform", "--song", "tempo-study", "--input", "mic", "--output", "speakers"], {
      env,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no audio input device: this machine has no sound card/);
    expect(r.stderr).toMatch(/virtual-audio\.sh start/);
    expect(r.stderr).not.toMatch(/ALSA lib/);
  });
});
