// The responder: call and response with the performer, silent while the performer plays.
import { beats } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import type { MusicalContext, PerformerNote } from "./agent.js";
import {
  answer,
  ANSWER_LEAD,
  createResponderAgent,
  lastPhrase,
  PHRASE_GAP,
  toPerformerView,
} from "./responder.js";
import { chordAt } from "./song.js";
import { STYLES } from "./styles.js";
import { chordScale } from "./theory.js";
import { ALL_SONGS, render } from "./test-songs.js";

const song = ALL_SONGS[1]![1]; // blues in A, 16 bars
const note = (start: number, length: number, midi: number): PerformerNote => ({
  start: beats(start),
  end: beats(start + length),
  midi,
});
/** A phrase: A C# E F# over beats 20..22.5, ending at 22.9. */
const phrase = [note(20, 0.45, 69), note(20.5, 0.45, 73), note(21, 0.9, 76), note(22, 0.9, 78)];
const ctxAt = (now: number, notes = phrase, style = "jazz", seed = 1): MusicalContext => ({
  song,
  style,
  seed,
  performer: { now: beats(now), notes },
});

describe("the responder", () => {
  it("is silent without a performer, and while the performer plays", () => {
    const agent = createResponderAgent();
    expect(render(agent, { song, style: "jazz", seed: 1 })).toEqual([]);
    // The phrase ended at 22.9; at 23.5 the rest is shorter than PHRASE_GAP.
    expect(render(agent, ctxAt(23.5))).toEqual([]);
    expect(render(agent, ctxAt(22))).toEqual([]);
  });

  it("answers in the gap after a rest of a beat, after the phrase and within a few beats", () => {
    const notes = render(createResponderAgent(), ctxAt(22.9 + PHRASE_GAP));
    expect(notes.length).toBeGreaterThanOrEqual(3);
    const first = Math.min(...notes.map((n) => n.start));
    expect(first).toBeGreaterThanOrEqual(22.9 + PHRASE_GAP + ANSWER_LEAD - 0.05);
    expect(Math.max(...notes.map((n) => n.start + n.duration))).toBeLessThan(first + 5);
    for (const n of notes) {
      expect(n.instrument).toBe("vibes");
      expect(n.pitch).toBeGreaterThanOrEqual(53);
      expect(n.pitch).toBeLessThanOrEqual(89);
    }
  });

  it("keeps the same answer as the rest goes on (anchored to the phrase, not to now)", () => {
    const a = render(createResponderAgent(), ctxAt(24));
    const b = render(createResponderAgent(), ctxAt(25.5));
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it.each(STYLES)(
    "fits the answer to the chord in %s: chord tones on the beats, scale tones between",
    (style) => {
      const notes = render(createResponderAgent(), ctxAt(24, phrase, style));
      expect(notes.length).toBeGreaterThan(0);
      for (const n of notes) {
        const chord = chordAt(song, beats(n.start + 0.05))!;
        expect(chordScale(chord)).toContain(n.pitch % 12);
      }
      const last = notes.reduce((a, b) => (b.start > a.start ? b : a));
      expect(chordAt(song, beats(last.start + 0.05))!.tones).toContain(last.pitch % 12);
    },
  );

  it("builds the answer from the phrase: its rhythm and the size of its intervals", () => {
    // In a straight style (in jazz the off-beats swing).
    const notes = render(createResponderAgent(), ctxAt(24, phrase, "pop")).sort((a, b) => a.start - b.start);
    const gaps = notes.slice(1).map((n, i) => Math.round((n.start - notes[i]!.start) * 4) / 4);
    // The phrase's onsets are 0.5, 0.5, 1 apart.
    expect(gaps).toEqual([0.5, 0.5, 1]);
    const span = Math.max(...notes.map((n) => n.pitch)) - Math.min(...notes.map((n) => n.pitch));
    expect(span).toBeGreaterThanOrEqual(5);
    expect(span).toBeLessThanOrEqual(14);
  });

  it("answers only the last phrase, of two notes or more", () => {
    expect(lastPhrase(phrase, 30)).toEqual(phrase);
    const two = [note(10, 0.5, 60), note(11, 0.5, 62), ...phrase];
    expect(lastPhrase(two, 30)).toEqual(phrase);
    expect(lastPhrase(two, 23)).toEqual([]);
    expect(answer(ctxAt(30, [note(20, 1, 60)]))).toEqual([]);
  });

  it("is deterministic for a seed, and varies (echo or mirror) across seeds", () => {
    const a = render(createResponderAgent(), ctxAt(24, phrase, "jazz", 1));
    expect(render(createResponderAgent(), ctxAt(24, phrase, "jazz", 1))).toEqual(a);
    const others = [2, 3, 4, 5, 6].map((s) =>
      JSON.stringify(render(createResponderAgent(), ctxAt(24, phrase, "jazz", s))),
    );
    expect(others.some((o) => o !== JSON.stringify(a))).toBe(true);
  });
});

describe("toPerformerView", () => {
  it("quantizes to sixteenths, rounds pitches, keeps recent notes in order, drops blips", () => {
    const view = toPerformerView(
      [
        { start: 21.02, end: 21.9, midi: 64.3 },
        { start: 2, end: 2.5, midi: 60 },
        { start: 20.49, end: 20.9, midi: 62.6 },
        { start: 22, end: 22.05, midi: 70 },
      ],
      24,
    );
    expect(view.now).toBe(24);
    expect(view.notes).toEqual([
      { start: 20.5, end: 21, midi: 63 },
      { start: 21, end: 22, midi: 64 },
    ]);
  });

  it("feeds the responder", () => {
    const heard = phrase.map((n) => ({ start: n.start + 0.01, end: n.end + 0.02, midi: n.midi + 0.2 }));
    const ctx = { song, style: "jazz", seed: 1, performer: toPerformerView(heard, 24) };
    expect(render(createResponderAgent(), ctx).length).toBeGreaterThan(0);
  });
});
