import { beats } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { FormPlan } from "./form.js";
import { compileSong, loadSong } from "./song.js";

// intro (2 bars) → verse (4 bars) → chorus (2 bars) → outro (2 bars); 4/4.
const song = compileSong(
  loadSong({
    title: "Form",
    key: "C",
    tempo: 120,
    sections: [
      { id: "intro", kind: "intro", bars: ["C", "G"] },
      { id: "verse", kind: "verse", bars: ["Am", "F", "C", "G"] },
      { id: "chorus", kind: "chorus", bars: ["F", "G"] },
      { id: "outro", kind: "outro", bars: ["C", "C"] },
    ],
    form: [{ section: "intro" }, { section: "verse" }, { section: "chorus" }, { section: "outro" }],
  }),
);
/** The chart bar (section:bar-in-section) played at each performance bar. */
const bars = (p: FormPlan): string[] =>
  Array.from({ length: p.totalBeats / 4 }, (_, i) => {
    const b = p.barAt(i * 4 + 0.5)!;
    return `${b.sectionId}:${b.barInSection + 1}`;
  });

describe("the form as performed", () => {
  it("is the Song Map's form until a command changes it", () => {
    const p = new FormPlan(song);
    expect(p.totalBeats).toBe(40);
    expect(p.songWindows({ from: beats(3), to: beats(9) })).toEqual([
      { song: { from: 3, to: 9 }, offset: 0 },
    ]);
  });

  it("repeats the current section when it ends (a vamp), one more pass per command", () => {
    const p = new FormPlan(song);
    expect(p.command({ action: "repeat" }, 13)).toEqual({ at: 24 }); // in verse bar 2 → after verse bar 4
    expect(p.command({ action: "repeat" }, 14)).toEqual({ at: 40 }); // another pass after the first repeat
    expect(bars(p)).toEqual([
      "intro:1",
      "intro:2",
      ...["verse:1", "verse:2", "verse:3", "verse:4"],
      ...["verse:1", "verse:2", "verse:3", "verse:4"],
      ...["verse:1", "verse:2", "verse:3", "verse:4"],
      "chorus:1",
      "chorus:2",
      "outro:1",
      "outro:2",
    ]);
    // Windows across the repeat are cut where the chart jumps back, with the offset to move notes.
    expect(p.songWindows({ from: beats(22), to: beats(26) })).toEqual([
      { song: { from: 22, to: 24 }, offset: 0 },
      { song: { from: 8, to: 10 }, offset: 16 },
    ]);
  });

  it("jumps to a section at the next bar line not yet handed out", () => {
    const p = new FormPlan(song);
    expect(p.command({ action: "jump", section: "chorus" }, 9.5)).toEqual({ at: 12 });
    expect(bars(p)).toEqual(["intro:1", "intro:2", "verse:1", "chorus:1", "chorus:2", "outro:1", "outro:2"]);
    // A jump exactly on a bar line takes effect there.
    const q = new FormPlan(song);
    expect(q.command({ action: "jump", section: "outro" }, 8)).toEqual({ at: 8 });
    expect(bars(q)).toEqual(["intro:1", "intro:2", "outro:1", "outro:2"]);
  });

  it("goes to the last section when the current one ends, on `end`", () => {
    const p = new FormPlan(song);
    expect(p.command({ action: "end" }, 2)).toEqual({ at: 8 });
    expect(bars(p)).toEqual(["intro:1", "intro:2", "outro:1", "outro:2"]);
  });

  it("never changes what was already handed out, and says why a command cannot be done", () => {
    const p = new FormPlan(song);
    p.command({ action: "jump", section: "outro" }, 13);
    expect(bars(p).slice(0, 4)).toEqual(["intro:1", "intro:2", "verse:1", "verse:2"]);
    expect(p.command({ action: "jump", section: "bridge" }, 0)).toEqual({
      error: 'no section "bridge" in the song (sections: intro, verse, chorus, outro)',
    });
    expect(p.command({ action: "repeat" }, 99)).toEqual({ error: "the song has ended" });
  });
});
