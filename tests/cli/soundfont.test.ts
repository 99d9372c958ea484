import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SOUNDFONT_PATHS } from "@performia/dsp";
import { readWav, SessionReader } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

const installed = SOUNDFONT_PATHS.find((p) => existsSync(p));

describe("--soundfont", () => {
  const dir = tempDir("soundfont");

  it.runIf(installed !== undefined)(
    "plays the band through the installed General MIDI SoundFont, records it, and replays it exactly",
    () => {
      const mix = join(dir, "sf.wav");
      const session = join(dir, "sf.performia");
      const r = performia([
        "perform",
        "--song",
        "blues-in-a",
        "--input",
        join(EXAMPLES, "performances", "blues-drums.wav"),
        "--band-only",
        "--output",
        mix,
        "--soundfont",
        "auto",
        "--session",
        session,
        "--max-seconds",
        "8",
      ]);
      expect(r.status, r.stderr).toBe(0);
      const reader = SessionReader.open(session);
      expect(reader.header().settings.soundFont).toBe(installed);
      reader.close();
      const { samples } = readWav(mix);
      let energy = 0;
      for (const v of samples) energy += v * v;
      expect(Math.sqrt(energy / samples.length)).toBeGreaterThan(0.01);
      // The built-in voices sound different: the SoundFont was really used.
      const builtIn = join(dir, "builtin.wav");
      const b = performia([
        "perform",
        "--song",
        "blues-in-a",
        "--input",
        join(EXAMPLES, "performances", "blues-drums.wav"),
        "--band-only",
        "--output",
        builtIn,
        "--no-record",
        "--seed",
        String(SessionReader.open(session).header().settings.seed),
        "--max-seconds",
        "8",
      ]);
      expect(b.status, b.stderr).toBe(0);
      expect(readFileSync(builtIn).equals(readFileSync(mix))).toBe(false);
      const again = join(dir, "again.wav");
      const rr = performia(["replay", session, "--check", "--out", again]);
      expect(rr.status, rr.stdout + rr.stderr).toBe(0);
      expect(readFileSync(again).equals(readFileSync(mix))).toBe(true);
    },
  );

  it("says what to do when the SoundFont is missing or not one", () => {
    const base = [
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      join(EXAMPLES, "performances", "blues-drums.wav"),
      "--output",
      join(dir, "x.wav"),
      "--no-record",
    ];
    const missing = performia([...base, "--soundfont", join(dir, "none.sf2")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/SoundFont .*none\.sf2 not found/);
    const notOne = performia([...base, "--soundfont", join(EXAMPLES, "songs", "blues-in-a.json")]);
    expect(notOne.status).toBe(2);
    expect(notOne.stderr).toMatch(/blues-in-a\.json is not a SoundFont/);
    expect(notOne.stderr).toMatch(/built-in voices/);
  });
});
