import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionReader } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

const input = join(EXAMPLES, "performances", "tempo-study-guitar.wav");

describe("count-in and form commands", () => {
  const dir = tempDir("form");
  const session = join(dir, "vamp.performia");

  it("counts in a bar before bar 1, repeats a section on command, and records both", () => {
    // Tempo Study (96 BPM, A ×2, B ×2) on a click: bar 1 at 3 s, so the count-in is 0.5–3 s.
    const r = performia([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      input,
      "--follow",
      "click",
      "--start",
      "3",
      "--count-in",
      "1",
      "--session",
      session,
      "--seed",
      "5",
      "--max-seconds",
      "40",
      "--change",
      '5:{"form":{"action":"repeat"}}',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const reader = SessionReader.open(session);
    const sr = reader.info().sampleRate;
    const decisions = reader.decisions();
    const count = decisions.filter((d) => d.agent === "count-in");
    expect(count.map((d) => d.start)).toEqual([-4, -3, -2, -1]);
    // 96 BPM: a beat is 0.625 s, so the count-in falls at 0.5, 1.125, 1.75 and 2.375 s.
    count.forEach((d, i) => expect(Math.abs(d.startFrame / sr - (0.5 + 0.625 * i))).toBeLessThan(0.001));
    // The repeat: A's first pass (bars 1–4) is played twice before the second pass, so bar 9
    // (beats 32–36) is A's first bar again, with the bass on D.
    const bassAt = (beat: number) =>
      decisions.find((d) => d.agent === "bass" && Math.abs(d.start - beat) < 0.05)?.pitch;
    expect(bassAt(16)! % 12).toBe(2);
    expect(bassAt(32)! % 12).toBe(2);
    reader.close();
  });

  it("replays the count-in and the command exactly", () => {
    const r = performia(["replay", session, "--check"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ all \d+ decisions identical/);
  });

  it("refuses a form command that names no section, saying which there are", () => {
    const r = performia([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      input,
      "--no-record",
      "--max-seconds",
      "3",
      "--change",
      '1:{"form":{"action":"jump"}}',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the change at 1 s.*form/s);
  });
});
