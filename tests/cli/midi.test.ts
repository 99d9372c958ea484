import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import tonejsMidi from "@tonejs/midi";
import { SessionReader } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

describe("performia sessions midi", () => {
  const dir = tempDir("midi");

  it("writes the band's parts as a MIDI file that plays in time with the session", () => {
    const session = join(dir, "s.performia");
    const r = performia([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      join(EXAMPLES, "performances", "tempo-study-guitar.wav"),
      "--session",
      session,
      "--seed",
      "3",
      "--max-seconds",
      "20",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const mid = join(dir, "band.mid");
    const m = performia(["sessions", "midi", session, mid]);
    expect(m.status, m.stderr).toBe(0);

    const midi = new tonejsMidi.Midi(readFileSync(mid));
    const reader = SessionReader.open(session);
    const sr = reader.info().sampleRate;
    const decisions = reader.decisions();
    reader.close();
    const agents = [...new Set(decisions.map((d) => d.agent))];
    expect(m.stdout).toContain(`${agents.length} tracks (${agents.join(", ")})`);
    expect(midi.tracks.map((t) => t.name)).toEqual(agents);
    expect(agents).toEqual(expect.arrayContaining(["bass", "drums", "harmony", "guitar", "pad"]));
    expect(midi.tracks.find((t) => t.name === "drums")!.channel).toBe(9);
    expect(midi.header.timeSignatures[0]!.timeSignature).toEqual([4, 4]);
    for (const track of midi.tracks) {
      const mine = decisions.filter((d) => d.agent === track.name);
      expect(track.notes.length).toBe(mine.length);
      // Every note sounds where the band played it (the tempo map follows the performer's step).
      const sorted = [...mine].sort((a, b) => a.startFrame - b.startFrame || a.pitch - b.pitch);
      const notes = [...track.notes].sort((a, b) => a.time - b.time || a.midi - b.midi);
      notes.forEach((n, i) => {
        expect(n.midi).toBe(sorted[i]!.pitch);
        expect(Math.abs(n.time - sorted[i]!.startFrame / sr)).toBeLessThan(0.015);
      });
    }
    // The tempo map has the step from 96 to 112 BPM the guitarist played.
    const bpms = midi.header.tempos.map((t) => t.bpm);
    expect(Math.min(...bpms)).toBeLessThan(100);
    expect(Math.max(...bpms)).toBeGreaterThan(108);
  });
});
