// Musical facts over whole rendered songs.
import { DRUM } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { bassAgent } from "./bass.js";
import { drumsAgent } from "./drums.js";
import { harmonyAgent, voiceMovement } from "./harmony.js";
import { chordAt } from "./song.js";
import { ALL_SONGS, ctxFor, render } from "./test-songs.js";

describe.each(ALL_SONGS)("the band on %s", (_name, song) => {
  const ctx = ctxFor(song, 3);
  const bpb = song.beatsPerBar;

  it("bass: the chord's bass on every beat 1 and every chord change, in 28..55", () => {
    const notes = render(bassAgent, ctx);
    for (const n of notes) {
      expect(n.pitch).toBeGreaterThanOrEqual(28);
      expect(n.pitch).toBeLessThanOrEqual(55);
    }
    for (const bar of song.bars) {
      for (const chord of bar.chords) {
        const at = notes.filter((n) => n.start === chord.start);
        if (chord.bass === null) {
          expect(at).toEqual([]);
          continue;
        }
        expect(at).toHaveLength(1);
        expect(at[0]!.pitch % 12).toBe(chord.bass);
      }
    }
  });

  it("harmony: only chord tones, in C3..C5, never held past the chord", () => {
    for (const n of render(harmonyAgent, ctx)) {
      const chord = chordAt(song, n.start)!;
      expect(chord.tones).toContain(n.pitch % 12);
      expect(n.pitch).toBeGreaterThanOrEqual(48);
      expect(n.pitch).toBeLessThanOrEqual(72);
      expect(n.start + n.duration).toBeLessThanOrEqual(chord.end);
    }
  });

  it("harmony: voice leading moves less than half as much as root-position block chords", () => {
    const notes = render(harmonyAgent, ctx);
    const chords = song.bars.flatMap((b) => b.chords).filter((c) => c.tones.length > 0);
    let led = 0;
    let block = 0;
    let changes = 0;
    for (let i = 1; i < chords.length; i++) {
      const [a, b] = [chords[i - 1]!, chords[i]!];
      if (a.symbol === b.symbol) continue;
      const voicing = (c: typeof a) =>
        notes
          .filter((n) => n.start === c.start)
          .map((n) => n.pitch)
          .sort((x, y) => x - y);
      const rootPosition = (c: typeof a) => {
        const out = [48 + c.root!];
        for (const pc of c.tones.slice(1, 4))
          out.push(out[out.length - 1]! + ((pc - out[out.length - 1]! + 120) % 12 || 12));
        return out;
      };
      led += voiceMovement(voicing(a), voicing(b));
      block += voiceMovement(rootPosition(a), rootPosition(b));
      changes++;
    }
    expect(changes).toBeGreaterThan(0);
    expect(led / changes).toBeLessThan((block / changes) * 0.5);
  });

  it("drums: a crash on beat 1 of every section pass and a fill in its last bar", () => {
    const notes = render(drumsAgent, ctx);
    const backbeats = new Set(bpb === 4 ? [1, 3] : []);
    for (const bar of song.bars) {
      const inBar = notes.filter((n) => n.start >= bar.start && n.start < bar.start + bpb);
      const crash = inBar.some((n) => n.pitch === DRUM.crash && n.start === bar.start);
      expect(crash).toBe(bar.isSectionStart);
      // Fill: snare hits off the quarter-note grid (sixteenths).
      const fill = inBar.filter((n) => n.pitch === DRUM.snare && !Number.isInteger(n.start * 2));
      expect(fill.length > 0).toBe(bar.isSectionEnd);
      if (bpb === 4 && !bar.isSectionEnd) {
        const snares = inBar.filter((n) => n.pitch === DRUM.snare).map((n) => n.start - bar.start);
        expect(new Set(snares)).toEqual(backbeats);
        expect(inBar.filter((n) => n.pitch === DRUM.kick).map((n) => n.start - bar.start)).toContain(2);
      }
      expect(inBar.some((n) => n.pitch === DRUM.kick && n.start === bar.start)).toBe(true);
    }
  });

  it("nothing at negative beats, nothing ringing past the end", () => {
    for (const agent of [bassAgent, drumsAgent, harmonyAgent]) {
      for (const n of render(agent, ctx)) {
        expect(n.start).toBeGreaterThanOrEqual(0);
        expect(n.start + n.duration).toBeLessThanOrEqual(song.totalBeats);
      }
    }
  });
});
