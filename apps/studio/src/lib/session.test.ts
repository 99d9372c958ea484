import { describe, expect, it } from "vitest";
import { chordLabel, grid, lanes, type SessionData } from "./session";

/** Just what `grid` reads of a session: the sample rate, the meter and the conductor's points. */
function session(points: { frame: number; beat: number; bpm: number }[]): SessionData {
  return {
    info: { sampleRate: 1000 },
    song: { timeSignature: { beats: 4, unit: 4 } },
    conductor: points.map((p) => ({
      ...p,
      section: "A",
      bar: 1,
      beatInBar: 1,
      phaseError: null,
      reason: "beat",
    })),
  } as unknown as SessionData;
}

describe("the band's grid on the replay timeline", () => {
  it("puts a beat every half second at 120 BPM and a numbered bar line every four beats, after the count-in", () => {
    // A bar of count-in (beats −4..0 over the first 2 s), then 120 BPM.
    const g = grid(
      session([
        { frame: 0, beat: -4, bpm: 120 },
        { frame: 2000, beat: 0, bpm: 120 },
      ]),
      6,
    );
    expect(g.bandBeats).toEqual([2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5]);
    expect(g.bars).toEqual([
      { t: 2, bar: 1 },
      { t: 4, bar: 2 },
    ]);
  });

  it("follows the tempo between the conductor's points (a speed-up)", () => {
    // Beats 0..4 over 2 s (120 BPM), then 4..8 over 1.6 s (150 BPM).
    const g = grid(
      session([
        { frame: 0, beat: 0, bpm: 120 },
        { frame: 2000, beat: 4, bpm: 150 },
        { frame: 3600, beat: 8, bpm: 150 },
      ]),
      3.6,
    );
    expect(g.bandBeats.map((t) => Math.round(t * 1000) / 1000)).toEqual([0, 0.5, 1, 1.5, 2, 2.4, 2.8, 3.2]);
    expect(g.bars.map((b) => b.bar)).toEqual([1, 2]);
  });

  it("writes chords as a lead sheet does", () => {
    expect(chordLabel("A:min")).toBe("Am");
    expect(chordLabel("C:maj")).toBe("C");
    expect(chordLabel("G:7")).toBe("G7");
    expect(chordLabel("N")).toBe("");
  });

  it("shows each chord heard once: a later report dated at the same frame replaces the earlier", () => {
    // The tracker reports a change dated back to where it began; it named A7, then A, both at 8 s.
    const chord = (frame: number, label: string) => ({ kind: "chord", frame, label, confidence: 0.9 });
    const d = {
      ...session([{ frame: 0, beat: 0, bpm: 120 }]),
      info: { sampleRate: 1000, durationSeconds: 12 },
      events: [chord(3000, "D:maj"), chord(8000, "A:7"), chord(8000, "A:maj"), chord(10000, "D:maj")],
      decisions: [],
    } as unknown as SessionData;
    expect(lanes(d).chords).toEqual([
      { start: 3, end: 8, label: "D" },
      { start: 8, end: 10, label: "A" },
      { start: 10, end: 12, label: "D" },
    ]);
  });
});
