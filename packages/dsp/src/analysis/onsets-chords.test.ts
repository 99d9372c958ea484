/**
 * Onsets and chords on audio the tests make themselves: drums in noise, legato and vibrato
 * melodies (no onsets at legato pitch changes), re-articulated notes, strummed progressions.
 */
import type { ChordEvent, OnsetEvent, PerformanceEvent } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "./analyze.js";
import {
  articulatedMelody,
  beatTimesOf,
  DRUM_PATTERNS,
  mix,
  onsetFMeasure,
  rng,
  strummedChords,
  withNoise,
  addHat,
  addKick,
  addSnare,
} from "./test-signals.js";

const SR = 44100;
const onsetsOf = (e: PerformanceEvent[]): number[] =>
  e.filter((x): x is OnsetEvent => x.kind === "onset").map((x) => x.frame / SR);
const chordsOf = (e: PerformanceEvent[]): ChordEvent[] =>
  e.filter((x): x is ChordEvent => x.kind === "chord");

/** A drum kit pattern (with the hit times), each hit a kick, snare and/or hat. */
function drumKit(bpm: number, pattern: keyof typeof DRUM_PATTERNS, duration: number, seed: number) {
  const p = DRUM_PATTERNS[pattern]!;
  const r = rng(seed);
  const buf = new Float32Array(Math.round(duration * SR));
  const hits: number[] = [];
  const beats = beatTimesOf(duration - 0.3, () => bpm);
  beats.forEach((b, i) => {
    for (let s = 0; s < 4; s++) {
      const pos = (i % 4) * 4 + s;
      const t = b + (s * 60) / bpm / 4 + (r() - 0.5) * 0.004;
      const at = Math.round(t * SR);
      let hit = false;
      if (p.kick.includes(pos)) {
        addKick(buf, at, SR, 0.8);
        hit = true;
      }
      if (p.snare.includes(pos)) {
        addSnare(buf, at, SR, 0.45);
        hit = true;
      }
      if (p.hat.includes(pos)) {
        addHat(buf, at, SR, 0.2);
        hit = true;
      }
      if (hit && t < duration - 0.2) hits.push(t);
    }
  });
  return { signal: buf, hits };
}

describe("onsets", () => {
  for (const [pattern, bpm, seed] of [
    ["rock", 112, 1],
    ["syncopated", 96, 2],
  ] as const) {
    it(`finds the hits of a ${pattern} drum pattern at 10 dB SNR (F >= 0.9)`, () => {
      const { signal, hits } = drumKit(bpm, pattern, 8, seed);
      const found = onsetsOf(analyzeSignal(withNoise(signal, 10, seed), SR).events);
      expect(onsetFMeasure(hits, found)).toBeGreaterThanOrEqual(0.9);
    });
  }

  it("gives no more than a few false onsets on a legato vibrato melody", () => {
    const r = rng(5);
    const notes = Array.from({ length: 16 }, (_, i) => ({
      midi: 57 + Math.round(r() * 10),
      duration: 0.3 + r() * 0.3,
      rearticulate: i > 0 && i % 6 === 0,
    }));
    const { signal, onsets } = articulatedMelody(notes, SR, { vibratoHz: 6, vibratoCents: 35 });
    const found = onsetsOf(analyzeSignal(signal, SR).events);
    const extra = found.filter((f) => !onsets.some((t) => Math.abs(f - t) <= 0.05));
    // 13 legato pitch changes: at most 3 of them (or anything else) may be called onsets.
    expect(extra.length).toBeLessThanOrEqual(3);
    for (const t of onsets) expect(found.some((f) => Math.abs(f - t) <= 0.05)).toBe(true);
  });

  it("finds re-articulated notes of the same pitch", () => {
    const notes = [60, 60, 60, 62, 62, 64, 64, 64].map((midi, i) => ({
      midi,
      duration: 0.4,
      rearticulate: i > 0,
    }));
    const { signal, onsets } = articulatedMelody(notes, SR, { vibratoHz: 5.5, vibratoCents: 20 });
    const found = onsetsOf(analyzeSignal(withNoise(signal, 20), SR).events);
    for (const t of onsets) expect(found.some((f) => Math.abs(f - t) <= 0.05)).toBe(true);
    expect(onsetFMeasure(onsets, found)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("chords of a strummed progression", () => {
  it("labels a strummed I-vi-IV-V in G (guitar voicings) right most of the time", () => {
    const progression: [string, number[]][] = [
      ["G:maj", [43, 47, 50, 55, 59, 67]],
      ["E:min", [40, 47, 52, 55, 59, 64]],
      ["C:maj", [48, 52, 55, 60, 64]],
      ["D:maj", [50, 57, 62, 66]],
    ];
    const bar = 2;
    const chords = [...progression, ...progression].map(([, midis], i) => ({
      t: 0.2 + i * bar,
      midis,
      duration: bar,
    }));
    const duration = 0.2 + chords.length * bar + 0.3;
    const signal = withNoise(strummedChords(chords, 0.5, duration, SR), 25);
    const events = chordsOf(analyzeSignal(signal, SR).events);
    let ok = 0;
    let total = 0;
    for (let t = 0.5; t < duration - 0.4; t += 0.01) {
      const i = Math.floor((t - 0.2) / bar);
      const truth = progression[i % 4]![0];
      const label = events.filter((e) => e.frame / SR <= t).at(-1)?.label ?? "N";
      const [root, quality = ""] = label.split(":");
      const majmin = `${root}:${quality.startsWith("min") ? "min" : quality === "" ? "" : "maj"}`;
      total++;
      if (majmin === truth) ok++;
    }
    expect(ok / total).toBeGreaterThanOrEqual(0.8);
  });
});

describe("onsets of a quiet input", () => {
  it("finds the soft up strums of a guitar recorded 26 dB under a hot level, as at that level", () => {
    // Down strums on the beat, softer up strums between them, through a quiet microphone with a
    // faint noise floor. Heard at its own level, the quiet take lost every up strum (F 0.67).
    const voicings = [
      [43, 47, 50, 55, 59, 67],
      [40, 47, 52, 55, 59, 64],
      [48, 52, 55, 60, 64],
      [50, 57, 62, 66],
    ];
    const bar = 2;
    const chords = [...voicings, ...voicings].map((midis, i) => ({ t: 0.3 + i * bar, midis, duration: bar }));
    const duration = 0.3 + chords.length * bar + 0.3;
    const down = strummedChords(chords, 1, duration, SR);
    const up = strummedChords(
      chords.map((c) => ({ ...c, t: c.t + 0.5, duration: c.duration - 0.5 })),
      1,
      duration,
      SR,
      0.008,
    );
    const strums: number[] = [];
    for (const c of chords) for (let s = 0; s < bar; s += 0.5) strums.push(c.t + s);
    const hot = mix(
      down,
      up.map((v) => 0.4 * v),
    );
    const quiet = withNoise(
      hot.map((v) => 0.05 * v),
      45,
      3,
    );
    const found = onsetsOf(analyzeSignal(quiet, SR).events);
    expect(onsetFMeasure(strums, found)).toBeGreaterThanOrEqual(0.9);
  });
});
