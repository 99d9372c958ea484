import { describe, expect, it } from "vitest";
import { chordLabel, grid, type SessionData } from "./session";

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
});
