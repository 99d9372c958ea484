/**
 * Sung-note onsets on audio the tests make themselves: a sung line (a harmonic voice with
 * vibrato and vowels) whose syllables start with a consonant's noise before the voice, a legato
 * glide into a new syllable, and vibrato alone.
 */
import type { OnsetEvent, PerformanceEvent } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "./analyze.js";
import { addHiss, midiHz, rng } from "./test-signals.js";

const SR = 44100;
const onsetsOf = (e: PerformanceEvent[]): number[] =>
  e.filter((x): x is OnsetEvent => x.kind === "onset").map((x) => x.frame / SR);

/** Harmonic weights of two vowels (an open "a", a closed "i": a low and a high formant). */
const VOWELS = [
  [1, 0.9, 0.8, 0.5, 0.3, 0.2, 0.12, 0.08, 0.05, 0.04, 0.03, 0.02],
  [1, 0.3, 0.12, 0.08, 0.06, 0.1, 0.25, 0.35, 0.2, 0.1, 0.05, 0.03],
];

interface SungNote {
  /** Start of the voice (s), MIDI note, vowel (0/1). */
  on: number;
  midi: number;
  vowel: number;
  /** Length of the note's voice (s). */
  dur: number;
  /** Pitch glide from the previous note into this one (s; 0: the previous note ends first). */
  glide?: number;
}

/**
 * A sung line: each note's voice (12 harmonics of its vowel, vibrato `vibCents` at `vibHz`)
 * fades in over 20 ms and out over 30 ms; a note with `glide` is joined to the previous one: the
 * pitch glides over that time from the previous note, the vowel changes and the level dips by
 * `dipDb` in the middle (a syllable sung legato).
 */
function sungLine(notes: SungNote[], duration: number, dipDb = 8, vibHz = 5.5, vibCents = 50): Float32Array {
  const out = new Float32Array(Math.round(duration * SR));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    // The sounding note (the last one started).
    let k = -1;
    for (let j = 0; j < notes.length; j++) if (notes[j]!.on <= t) k = j;
    if (k < 0) continue;
    const n = notes[k]!;
    const next = notes[k + 1];
    const joined = next !== undefined && (next.glide ?? 0) > 0;
    const end = joined ? next.on : n.on + n.dur;
    if (t >= end + 0.03 && !joined) continue;
    let midi = n.midi;
    let w = VOWELS[n.vowel]!;
    let w2 = w;
    let mixW = 0;
    let gain = 1;
    const g = n.glide ?? 0;
    if (g > 0 && k > 0 && t < n.on + g) {
      const x = (t - n.on) / g;
      const s = 0.5 - 0.5 * Math.cos(Math.PI * x);
      midi = notes[k - 1]!.midi + s * (n.midi - notes[k - 1]!.midi);
      w2 = VOWELS[notes[k - 1]!.vowel]!;
      w = VOWELS[n.vowel]!;
      mixW = 1 - s;
      gain = 1 - (1 - 10 ** (-dipDb / 20)) * Math.sin(Math.PI * x);
    } else if (g === 0 || k === 0) {
      gain *= Math.min(1, (t - n.on) / 0.02);
    }
    if (!joined) gain *= Math.min(1, Math.max(0, (end + 0.03 - t) / 0.03));
    const hz = midiHz(midi) * 2 ** ((vibCents / 1200) * Math.sin(2 * Math.PI * vibHz * t));
    phase += (2 * Math.PI * hz) / SR;
    let v = 0;
    for (let h = 0; h < 12; h++) {
      const a = (1 - mixW) * w[h]! + mixW * w2[h]!;
      if (hz * (h + 1) < 0.45 * SR) v += a * Math.sin((h + 1) * phase);
    }
    out[i] = 0.15 * gain * v;
  }
  return out;
}

/** Onsets found between a and b (s). */
const between = (onsets: number[], a: number, b: number): number[] => onsets.filter((t) => t >= a && t < b);

describe("sung-note onsets", () => {
  it("a consonant 80 ms before each sung note gives one onset per note, at the voice", () => {
    const r = rng(5);
    const notes: SungNote[] = [];
    const midis = [57, 60, 62, 59, 64, 62, 60, 57];
    let t = 0.5;
    for (let i = 0; i < 8; i++) {
      notes.push({ on: t, midi: midis[i]!, vowel: i % 2, dur: 0.45 });
      t += 0.75 + 0.1 * r();
    }
    const audio = sungLine(notes, t + 0.5);
    // An "s" (a loud hiss of 60 ms) 80 ms before every voice start.
    for (const n of notes) addHiss(audio, Math.round((n.on - 0.08) * SR), SR, 0.6, 0.03, 17);
    const found = onsetsOf(analyzeSignal(audio, SR).events);
    for (const n of notes) {
      const near = between(found, n.on - 0.15, n.on + 0.15);
      expect(near.length, `note at ${n.on.toFixed(2)}: ${near.map((x) => x.toFixed(3)).join(" ")}`).toBe(1);
      expect(Math.abs(near[0]! - n.on)).toBeLessThanOrEqual(0.05);
    }
  });

  it("a legato line with vibrato: each glide into a syllable that is heard gives one onset, at the glide start", () => {
    // Eight notes, steps of up to a fifth, each sung legato into the next: the pitch glides over
    // 100-150 ms, the vowel changes and the level dips; 5.5 Hz vibrato of +-50 cents throughout.
    const midis = [55, 62, 57, 60, 64, 57, 62, 55];
    const notes: SungNote[] = [];
    let t = 0.4;
    for (let i = 0; i < midis.length; i++) {
      notes.push({
        on: t,
        midi: midis[i]!,
        vowel: i % 2,
        dur: 0.6,
        glide: i === 0 ? 0 : 0.1 + 0.05 * (i % 2),
      });
      t += 0.6;
    }
    // The level dips by 14 dB between the syllables (a voiced consonant: "l", "n").
    const audio = sungLine(notes, t + 0.4, 14);
    const found = onsetsOf(analyzeSignal(audio, SR).events);
    // The onset function hears some of the changes (here 3 of 7; a change it does not hear is
    // no onset, as a slur is not one in the synthetic corpus): each one it hears is placed at
    // the glide's start, not at its end (60-90 ms later).
    expect(between(found, notes[1]!.on - 0.2, t).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < notes.length; i++) {
      const n = notes[i]!;
      // One onset for the whole change (glide and settling), placed where the pitch starts to move.
      const near = between(found, n.on - 0.2, n.on + 0.3);
      expect(
        near.length,
        `note at ${n.on.toFixed(2)}: ${near.map((x) => x.toFixed(3)).join(" ")}`,
      ).toBeLessThanOrEqual(1);
      if (near.length === 1)
        expect(
          Math.abs(near[0]! - n.on),
          `note at ${n.on.toFixed(2)}: ${near[0]!.toFixed(3)}`,
        ).toBeLessThanOrEqual(0.05);
    }
    // No onset from the vibrato in the held part of any note.
    for (const n of notes) expect(between(found, n.on + 0.3, n.on + 0.55)).toEqual([]);
  });

  it("a consonant with no voice after it keeps its own time", () => {
    // Loud hisses 0.6 s apart, no voice: each is an onset at its own time (reported after the wait).
    const audio = new Float32Array(Math.round(3.2 * SR));
    const times = [0.5, 1.1, 1.7, 2.3];
    for (const t of times) addHiss(audio, Math.round(t * SR), SR, 0.6, 0.03, 17);
    const found = onsetsOf(analyzeSignal(audio, SR).events);
    expect(found.length).toBe(times.length);
    for (const t of times) expect(between(found, t - 0.02, t + 0.03).length, `hiss at ${t}`).toBe(1);
  });

  it("vibrato alone gives no onset", () => {
    const audio = sungLine([{ on: 0.3, midi: 57, vowel: 0, dur: 3 }], 3.6);
    const found = onsetsOf(analyzeSignal(audio, SR).events);
    expect(between(found, 0.45, 3.6)).toEqual([]);
  });
});
