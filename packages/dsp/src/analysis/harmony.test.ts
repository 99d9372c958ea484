/**
 * Chords and key on progressions the tests make themselves (stage 1 + stage 2 end to end through
 * `analyzeSignal`): guitar voicings with sevenths, a bass line, drums, inversions, rests.
 */
import type { ChordEvent, KeyEvent, PerformanceEvent } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "./analyze.js";
import { compingSignal, type CompChord, type CompOptions } from "./test-comping.js";
import {
  beatTimesOf,
  DRUM_PATTERNS,
  drumTrack,
  mix,
  pluckedNotes,
  rng,
  sawChords,
  strummedChords,
  withNoise,
  type PluckedNote,
} from "./test-signals.js";

const SR = 44100;
const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);
const chordsOf = (e: PerformanceEvent[]): ChordEvent[] =>
  e.filter((x): x is ChordEvent => x.kind === "chord");
const keysOf = (e: PerformanceEvent[]): KeyEvent[] => e.filter((x): x is KeyEvent => x.kind === "key");

/** A chord of the progression: its label (ROOT:QUALITY) and the MIDI notes of its voicing. */
interface Chord {
  label: string;
  midis: readonly number[];
}

/** "C:maj7" -> "C:maj", "A:min7" -> "A:min" (the maj/min reduction the scorer uses). */
function majmin(label: string): string {
  if (label === "N") return label;
  const [root, quality = ""] = label.split(":");
  return `${root}:${quality.startsWith("min") ? "min" : "maj"}`;
}

/** The label in force at time t (the last chord event at or before t), "N" before any. */
function labelAt(events: readonly ChordEvent[], t: number): string {
  let label = "N";
  for (const e of events) if (e.frame / SR <= t) label = e.label;
  return label;
}

/** Fraction of the time from each chord's start + `settle` to its end with the right maj/min label. */
function majminAccuracy(
  events: readonly ChordEvent[],
  chords: readonly Chord[],
  start: number,
  bar: number,
  settle = 0,
) {
  let ok = 0;
  let total = 0;
  chords.forEach((c, i) => {
    for (let t = start + i * bar + settle; t < start + (i + 1) * bar; t += 0.01) {
      total++;
      if (majmin(labelAt(events, t)) === majmin(c.label)) ok++;
    }
  });
  return ok / total;
}

/** A plucked bass note on the root (octave 2) on beats 1 and 3 of each chord. */
function bassLine(chords: readonly Chord[], start: number, bar: number, beat: number): PluckedNote[] {
  const notes: PluckedNote[] = [];
  chords.forEach((c, i) => {
    const pc = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"].indexOf(
      c.label.split(":")[0]!,
    );
    const midi = 36 + pc < 38 ? 48 + pc : 36 + pc;
    for (let s = 0; s < bar - 0.01; s += 2 * beat)
      notes.push({ t: start + i * bar + s, hz: hz(midi), duration: 0.9 });
  });
  return notes;
}

/** Jazz-like comping: the chord stabbed on a few syncopated eighths per bar, rests between. */
function comping(
  chords: readonly Chord[],
  start: number,
  bar: number,
  beat: number,
  seed: number,
): PluckedNote[] {
  const r = rng(seed);
  const notes: PluckedNote[] = [];
  chords.forEach((c, i) => {
    for (const pos of [0, 1.5, 2.5, 3.25]) {
      if (pos > 0 && r() < 0.2) continue;
      const t = start + i * bar + pos * beat + 0.005 * r();
      for (const m of c.midis) notes.push({ t, hz: hz(m), duration: 0.3 * beat });
    }
  });
  return notes;
}

// Guitar voicings.
const CMAJ7 = { label: "C:maj7", midis: [48, 52, 55, 59, 64] };
const AMIN7 = { label: "A:min7", midis: [45, 52, 55, 60, 64] };
const DMIN7 = { label: "D:min7", midis: [50, 57, 60, 65] };
const G7 = { label: "G:7", midis: [43, 47, 50, 55, 59, 65] };

describe("chords: sevenths, bass, inversions, rests", () => {
  it("names a strummed Cmaj7-Am7-Dm7-G7 over a bass and drums: maj/min right, sevenths named", () => {
    const progression = [CMAJ7, AMIN7, DMIN7, G7, CMAJ7, AMIN7, DMIN7, G7];
    const start = 0.3;
    const bar = 2;
    const beat = 0.5;
    const duration = start + progression.length * bar + 0.5;
    const signal = mix(
      strummedChords(
        progression.map((c, i) => ({ t: start + i * bar, midis: c.midis, duration: bar })),
        beat,
        duration,
        SR,
      ),
      pluckedNotes(bassLine(progression, start, bar, beat), duration, SR),
      drumTrack(
        beatTimesOf(duration - 0.3, () => 120, start),
        DRUM_PATTERNS.rock!,
        duration,
        SR,
        {
          amplitude: 0.5,
        },
      ),
    );
    const events = chordsOf(analyzeSignal(signal, SR).events);
    expect(majminAccuracy(events, progression, start, bar)).toBeGreaterThanOrEqual(0.85);
    // Settled in each bar, the full label (seventh included) is the one played more often than not.
    let exact = 0;
    let total = 0;
    progression.forEach((c, i) => {
      for (let t = start + i * bar + 0.3; t < start + (i + 1) * bar; t += 0.05) {
        total++;
        if (labelAt(events, t) === c.label) exact++;
      }
    });
    expect(exact / total).toBeGreaterThanOrEqual(0.55);
    for (const e of events) {
      expect(e.confidence).toBeGreaterThan(0);
      expect(e.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("parts low close voicings (triads between E2 and A3, thirds 20-40 Hz apart)", () => {
    const progression = [
      { label: "A:min", midis: [45, 48, 52] },
      { label: "F:maj", midis: [41, 45, 48] },
      { label: "C:maj", midis: [48, 52, 55] },
      { label: "G:maj", midis: [43, 47, 50] },
      { label: "D:min", midis: [50, 53, 57] },
      { label: "E:maj", midis: [40, 44, 47] },
      { label: "A:min", midis: [45, 48, 52] },
      { label: "G:min", midis: [43, 46, 50] },
    ];
    const start = 0.3;
    const bar = 1.6;
    const duration = start + progression.length * bar + 0.5;
    const signal = strummedChords(
      progression.map((c, i) => ({ t: start + i * bar, midis: c.midis, duration: bar })),
      0.4,
      duration,
      SR,
    );
    const events = chordsOf(analyzeSignal(signal, SR).events);
    expect(majminAccuracy(events, progression, start, bar)).toBeGreaterThanOrEqual(0.85);
  });

  it("hears a first-inversion C major (E in the bass) as C major", () => {
    const signal = sawChords([{ t: 0.1, midis: [52, 55, 60, 64, 67], duration: 2.5 }], 2.8, SR);
    const events = chordsOf(analyzeSignal(signal, SR).events);
    expect(majmin(labelAt(events, 2.5))).toBe("C:maj");
  });

  it("takes the bass note as the root of a chord without its fifth (Ab-C-F over Ab is Ab, not F minor)", () => {
    const ab6 = { label: "G#:maj6", midis: [56, 60, 65, 68] };
    const start = 0.2;
    const notes = comping([ab6, ab6], start, 1.9, 0.475, 3);
    const bass = bassLine([ab6, ab6], start, 1.9, 0.475);
    const signal = mix(pluckedNotes(notes, 4.2, SR), pluckedNotes(bass, 4.2, SR));
    const events = chordsOf(analyzeSignal(signal, SR).events);
    expect(majminAccuracy(events, [ab6, ab6], start, 1.9, 0.3)).toBeGreaterThanOrEqual(0.9);
  });

  it("holds the chord through the rests of syncopated comping (no N between the stabs)", () => {
    const progression = [
      { label: "D#:maj7", midis: [51, 55, 58, 62] },
      { label: "G#:maj7", midis: [44, 51, 55, 60] },
      { label: "F:min7", midis: [53, 56, 60, 63] },
      { label: "A#:7", midis: [46, 53, 56, 62] },
    ];
    const seq = [...progression, ...progression];
    const start = 0.3;
    const bar = 1.9;
    const duration = start + seq.length * bar + 0.5;
    const signal = mix(
      pluckedNotes(comping(seq, start, bar, bar / 4, 7), duration, SR),
      pluckedNotes(bassLine(seq, start, bar, bar / 4), duration, SR),
    );
    const events = chordsOf(analyzeSignal(signal, SR).events);
    const inside = events.filter(
      (e) => e.frame / SR > start + 0.5 && e.frame / SR < start + seq.length * bar,
    );
    expect(inside.some((e) => e.label === "N")).toBe(false);
    expect(majminAccuracy(events, seq, start, bar)).toBeGreaterThanOrEqual(0.85);
  });

  it("dates chord changes of stabs within 40 ms of the change (median)", () => {
    const progression = [
      { label: "B:min", midis: [59, 62, 66] },
      { label: "E:min", midis: [52, 55, 59, 64] },
      { label: "A:maj", midis: [57, 61, 64] },
      { label: "D:maj", midis: [50, 57, 62, 66] },
    ];
    const seq = [...progression, ...progression];
    const start = 0.2;
    const bar = 0.97;
    const beat = bar / 2;
    const duration = start + seq.length * bar + 0.5;
    const notes: PluckedNote[] = [];
    seq.forEach((c, i) => {
      for (let s = 0; s < 2; s++)
        for (const m of c.midis)
          notes.push({ t: start + i * bar + s * beat, hz: hz(m), duration: 0.25 * beat });
    });
    const signal = mix(
      pluckedNotes(notes, duration, SR),
      pluckedNotes(bassLine(seq, start, bar, beat), duration, SR),
    );
    const events = chordsOf(analyzeSignal(signal, SR).events);
    const lags: number[] = [];
    seq.forEach((c, i) => {
      if (i === 0) return;
      const t = start + i * bar;
      const e = events.find((x) => x.frame / SR > t - 0.3 && majmin(x.label) === majmin(c.label));
      if (e !== undefined) lags.push(Math.abs(e.frame / SR - t));
    });
    expect(lags.length).toBeGreaterThanOrEqual(6);
    lags.sort((a, b) => a - b);
    expect(lags[lags.length >> 1]!).toBeLessThanOrEqual(0.04);
    expect(majminAccuracy(events, seq, start, bar)).toBeGreaterThanOrEqual(0.85);
  });
});

describe("key", () => {
  it("hears a ii-V-I in Bb (Cm7-F7-Bbmaj7) as Bb major", () => {
    const progression = [
      { label: "C:min7", midis: [48, 55, 58, 63] },
      { label: "F:7", midis: [41, 51, 57, 60] },
      { label: "A#:maj7", midis: [46, 53, 57, 62] },
      { label: "A#:maj7", midis: [46, 50, 57, 62] },
    ];
    const seq = [...progression, ...progression];
    const start = 0.3;
    const bar = 2;
    const duration = start + seq.length * bar + 0.5;
    const signal = pluckedNotes(comping(seq, start, bar, 0.5, 5), duration, SR);
    const keys = keysOf(analyzeSignal(signal, SR).events);
    expect(keys.at(-1)?.label).toBe("A#:maj");
    // ... and has settled on it by the second time round.
    const settled = keys.filter((k) => k.frame / SR <= start + 5 * bar).at(-1);
    expect(settled?.label).toBe("A#:maj");
    expect(settled!.confidence).toBeGreaterThan(0);
  });
});

/**
 * A loop of triads stabbed twice a chord (two beats at 124 BPM, the bass on the root), played
 * three times from 0.15 s, in white noise at `snrDb` over the whole signal (the noise alone
 * before the first chord).
 */
function stabLoopInNoise(progression: readonly Chord[], snrDb: number, seed: number): Float32Array {
  const start = 0.15;
  const beat = 60 / 124;
  const notes: PluckedNote[] = [];
  const seq = [...progression, ...progression, ...progression];
  seq.forEach((c, i) => {
    for (let b = 0; b < 2; b++) {
      const t = start + (2 * i + b) * beat;
      for (const m of c.midis.slice(1)) notes.push({ t, hz: hz(m), duration: 0.5 * beat });
      if (b === 0) notes.push({ t, hz: hz(c.midis[0]!), duration: 0.9 * beat });
    }
  });
  return withNoise(pluckedNotes(notes, start + seq.length * 2 * beat + 0.5, SR), snrDb, seed);
}

describe("key in noise", () => {
  // Natural minor loops (i-iv-VII-III, i-VI-III-VII): the same scale as the relative major,
  // which the pitch-class profiles prefer; the tonic is the first chord, heard through the noise.
  const AMIN_LOOP = [
    { label: "A:min", midis: [45, 57, 60, 64] },
    { label: "D:min", midis: [38, 57, 62, 65] },
    { label: "G:maj", midis: [43, 55, 59, 62] },
    { label: "C:maj", midis: [48, 55, 60, 64] },
  ];
  const FSMIN_LOOP = [
    { label: "F#:min", midis: [42, 61, 66, 69] },
    { label: "D:maj", midis: [38, 57, 62, 66] },
    { label: "A:maj", midis: [45, 57, 61, 64] },
    { label: "E:maj", midis: [40, 56, 59, 64] },
  ];

  it("hears Am-Dm-G-C and F#m-D-A-E in white noise at 10 dB as A minor and F# minor, not their relative majors", () => {
    for (const seed of [1, 2, 3]) {
      expect(keysOf(analyzeSignal(stabLoopInNoise(AMIN_LOOP, 10, seed), SR).events).at(-1)?.label).toBe(
        "A:min",
      );
      expect(keysOf(analyzeSignal(stabLoopInNoise(FSMIN_LOOP, 10, seed), SR).events).at(-1)?.label).toBe(
        "F#:min",
      );
    }
  });

  it("hears Fm-Db-Ab-Eb as F minor in white noise at 5, 10, 15 and 20 dB (no chord of the noise before the music taken for the first)", () => {
    const loop = [
      { label: "F:min", midis: [41, 56, 60, 65] },
      { label: "C#:maj", midis: [37, 56, 61, 65] },
      { label: "G#:maj", midis: [44, 56, 60, 63] },
      { label: "D#:maj", midis: [39, 55, 58, 63] },
    ];
    for (const snr of [5, 10, 15, 20])
      for (const seed of [1, 2])
        expect(keysOf(analyzeSignal(stabLoopInNoise(loop, snr, seed), SR).events).at(-1)?.label).toBe(
          "F:min",
        );
  });

  it("still hears a major loop (C-G-Am-F) in white noise at 10 dB as C major", () => {
    const loop = [
      { label: "C:maj", midis: [48, 55, 60, 64] },
      { label: "G:maj", midis: [43, 55, 59, 62] },
      { label: "A:min", midis: [45, 57, 60, 64] },
      { label: "F:maj", midis: [41, 57, 60, 65] },
    ];
    for (const seed of [1, 2, 3])
      expect(keysOf(analyzeSignal(stabLoopInNoise(loop, 10, seed), SR).events).at(-1)?.label).toBe("C:maj");
  });
});

// Guitar comping voicings (MIDI, low to high) in Eb, as a bossa guitarist plays them.
const EB69: CompChord = { label: "D#:maj6", midis: [51, 55, 60, 65, 70] };
const ABMAJ7: CompChord = { label: "G#:maj7", midis: [56, 60, 63, 67], bass: [44, 51] };
const BB7: CompChord = { label: "A#:7", midis: [56, 62, 65, 70], bass: [46, 41] };
const EBMAJ7: CompChord = { label: "D#:maj7", midis: [58, 62, 67], bass: [51, 46] };
const CMIN7: CompChord = { label: "C:min7", midis: [55, 58, 63, 67], bass: [48, 43] };
const FMIN7: CompChord = { label: "F:min7", midis: [56, 60, 63, 68], bass: [41, 48] };
const FMIN9: CompChord = { label: "F:min9", midis: [56, 60, 63, 67], bass: [41, 48] };
const BB9: CompChord = { label: "A#:9", midis: [56, 60, 62, 67], bass: [46, 41] };
const EBMAJ9: CompChord = { label: "D#:maj9", midis: [55, 58, 62, 65], bass: [51, 46] };
/** Rootless: C-Eb-G-Bb, the notes of Cm7, over the Ab in the bass. */
const ABMAJ9: CompChord = { label: "G#:maj9", midis: [55, 58, 60, 63], bass: [44, 51] };

/** Seeds of the comping generator's humanisation (levels, timing, phases): each test plays every one. */
const SEEDS = [1, 2, 3, 4, 5, 6];

/** The chart played as comping (4 beats a chord at 130 BPM) with one seed, analysed: maj/min accuracy and the events. */
function playChart(chart: readonly CompChord[], opts: Omit<CompOptions, "beat" | "beatsPerChord">) {
  const beat = 60 / 130;
  const { signal, starts } = compingSignal(chart, { beat, beatsPerChord: 4, ...opts }, SR);
  const events = chordsOf(analyzeSignal(signal, SR).events);
  let ok = 0;
  let total = 0;
  chart.forEach((c, i) => {
    for (let t = starts[i]!; t < starts[i]! + 4 * beat; t += 0.01) {
      total++;
      if (majmin(labelAt(events, t)) === majmin(c.label)) ok++;
    }
  });
  return { accuracy: ok / total, events, starts };
}

/** Mean maj/min accuracy of the chart played with each of SEEDS. */
function meanAccuracy(
  chart: readonly CompChord[],
  opts: Omit<CompOptions, "beat" | "beatsPerChord" | "seed">,
) {
  let sum = 0;
  for (const seed of SEEDS) sum += playChart(chart, { ...opts, seed }).accuracy;
  return sum / SEEDS.length;
}

describe("guitar comping (each chart played with several humanisations)", () => {
  it("reads an Eb6/9 comping voicing (Eb G C F Bb, the notes of Cm7 add 11) as Eb major, strummed or fingered", () => {
    expect(meanAccuracy([EB69, EB69], { style: "finger" })).toBeGreaterThanOrEqual(0.95);
    expect(meanAccuracy([EB69, EB69], { style: "strum" })).toBeGreaterThanOrEqual(0.9);
  });

  it("reads Abmaj7 -> Bb7 -> Ebmaj7 with the bass on the root chord by chord, each change within 0.3 s", () => {
    const rootBass = (c: CompChord): CompChord => ({ ...c, bass: c.bass?.slice(0, 1) });
    const chart = [ABMAJ7, BB7, EBMAJ7, EBMAJ7].map(rootBass);
    for (const style of ["strum", "finger"] as const)
      for (const seed of SEEDS) {
        const { accuracy, events, starts } = playChart(chart, { style, seed });
        expect(accuracy).toBeGreaterThanOrEqual(0.9);
        for (const i of [1, 2]) {
          const change = events.find(
            (e) => e.frame / SR > starts[i]! - 0.3 && majmin(e.label) === majmin(chart[i]!.label),
          );
          expect(change).toBeDefined();
          expect(Math.abs(change!.frame / SR - starts[i]!)).toBeLessThanOrEqual(0.3);
        }
      }
  });

  it("keeps the root when the thumb alternates root and fifth (bossa Ebmaj7-Cm7-Fm7-Bb7)", () => {
    const chart = [EBMAJ7, CMIN7, FMIN7, BB7, EBMAJ7, CMIN7, FMIN7, BB7];
    expect(meanAccuracy(chart, { style: "finger" })).toBeGreaterThanOrEqual(0.95);
    expect(meanAccuracy(chart, { style: "strum" })).toBeGreaterThanOrEqual(0.88);
  });

  it("reads ninth chords (Fm9-Bb9-Ebmaj9) by their root and third", () => {
    const chart = [FMIN9, BB9, EBMAJ9, EBMAJ9, FMIN9, BB9, EBMAJ9, EBMAJ9];
    expect(meanAccuracy(chart, { style: "finger", body: 0 })).toBeGreaterThanOrEqual(0.9);
    expect(meanAccuracy(chart, { style: "strum", body: 0 })).toBeGreaterThanOrEqual(0.8);
  });

  it("reads rootless maj9 voicings by the bass: Ebmaj9 as G-Bb-D-F (Gm7) over Eb, Abmaj9 as C-Eb-G-Bb (Cm7) over Ab", () => {
    // Without the bass the upper notes spell the minor seventh chord a third up: Gm7 and Cm7.
    const chart = [EBMAJ9, ABMAJ9, EBMAJ9, ABMAJ9];
    expect(meanAccuracy(chart, { style: "finger" })).toBeGreaterThanOrEqual(0.93);
    expect(meanAccuracy(chart, { style: "strum" })).toBeGreaterThanOrEqual(0.78);
  });

  it("reads rootless 3-5-7 voicings played after the thumb's root has faded by that root: Ebmaj7 as G-Bb-D (Gm), Abmaj7 as C-Eb-G (Cm)", () => {
    // The thumb strikes the root on beat 1 only; the fingers pinch the triad on the third on 1, the
    // "and" of 2 and of 3, when the root has died away. Heard in Eb major, these are Eb and Ab.
    const eb: CompChord = { label: "D#:maj7", midis: [55, 58, 62], bass: [39] };
    const ab: CompChord = { label: "G#:maj7", midis: [60, 63, 67], bass: [44] };
    expect(meanAccuracy([eb, ab, eb, ab], { style: "finger", bassBeats: 1 })).toBeGreaterThanOrEqual(0.7);
    expect(
      meanAccuracy([eb, eb, ab, ab, eb, eb, BB7, BB7], { style: "finger", bassBeats: 1 }),
    ).toBeGreaterThanOrEqual(0.75);
  });

  it("still names chromatic chords played plainly in a major key (secondary dominants, a borrowed iv)", () => {
    // C A7 Dm G7 C E7 Am D7 G Fm C: the key prior (C major) must not hold them back.
    const chart: CompChord[] = [
      { label: "C:maj", midis: [55, 60, 64, 67], bass: [48] },
      { label: "A:7", midis: [55, 61, 64, 67], bass: [45] },
      { label: "D:min", midis: [57, 62, 65, 69], bass: [50] },
      { label: "G:7", midis: [59, 62, 65, 67], bass: [43] },
      { label: "C:maj", midis: [55, 60, 64, 67], bass: [48] },
      { label: "E:7", midis: [56, 59, 62, 64], bass: [40] },
      { label: "A:min", midis: [57, 60, 64, 69], bass: [45] },
      { label: "D:7", midis: [54, 60, 62, 66], bass: [50] },
      { label: "G:maj", midis: [55, 59, 62, 67], bass: [43] },
      { label: "F:min", midis: [56, 60, 65, 68], bass: [41] },
      { label: "C:maj", midis: [55, 60, 64, 67], bass: [48] },
    ];
    expect(meanAccuracy(chart, { style: "strum" })).toBeGreaterThanOrEqual(0.9);
    // Without a bass only the upper notes tell them: 0.91 here, 0.87 with a prior five times as strong.
    const upper = chart.map((c) => ({ ...c, bass: [] }));
    const strum = meanAccuracy(upper, { style: "strum" });
    const finger = meanAccuracy(upper, { style: "finger" });
    expect((strum + finger) / 2).toBeGreaterThanOrEqual(0.89);
  });

  it("hears inversions by their root (C - G/B - Am7 - C/G, the bass walking down)", () => {
    const chart: CompChord[] = [
      { label: "C:maj", midis: [52, 55, 60, 64], bass: [48] },
      { label: "G:maj", midis: [55, 59, 62, 67], bass: [47] },
      { label: "A:min7", midis: [52, 55, 60, 64], bass: [45] },
      { label: "C:maj", midis: [52, 55, 60, 64], bass: [43] },
    ];
    expect(meanAccuracy([...chart, ...chart], { style: "strum" })).toBeGreaterThanOrEqual(0.85);
  });

  it("does not take the guitar body's air resonance (a lone sine near G2-Ab2 rung by every stroke) for the bass", () => {
    // Eb chords over a resonance at Ab2: heard as bass, it makes them Abmaj7 (Ab-Eb-G).
    const chart = [EB69, EB69, ABMAJ7, ABMAJ7, EB69, EB69, BB7, BB7].map((c) => ({ ...c, bass: [] }));
    const at98 = meanAccuracy(chart, { style: "strum", body: 0.4, bodyHz: 98 });
    const at104 = meanAccuracy(chart, { style: "strum", body: 0.4, bodyHz: 104 });
    expect((at98 + at104) / 2).toBeGreaterThanOrEqual(0.9);
  });
});
