import type { BeatEvent, PerformanceEvent, TempoEvent } from "@performia/protocol";
import { frames } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "./analyze.js";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto } from "./features.js";
import { CausalTracker } from "./tracker.js";
import { compingSignal, type CompChord } from "./test-comping.js";
import {
  DRUM_PATTERNS,
  addClick,
  beatTimesOf,
  clickTrack,
  drumTrack,
  pluckedNotes,
  rng,
  withNoise,
} from "./test-signals.js";

const SR = 44100;
const beatsOf = (e: PerformanceEvent[]): BeatEvent[] => e.filter((x): x is BeatEvent => x.kind === "beat");
const temposOf = (e: PerformanceEvent[]): TempoEvent[] =>
  e.filter((x): x is TempoEvent => x.kind === "tempo");
const nearest = (t: number, ts: readonly number[]): number => Math.min(...ts.map((x) => Math.abs(x - t)));
function tempoAt(events: PerformanceEvent[], t: number): number {
  let bpm = 0;
  for (const e of temposOf(events)) if (e.frame / SR <= t) bpm = e.bpm;
  return bpm;
}
/** Fraction of the reference beats after `from` matched (±70 ms) by a beat reported in time. */
function liveRecall(events: PerformanceEvent[], truth: readonly number[], from: number): number {
  const ref = truth.filter((t) => t >= from);
  const est = beatsOf(events).filter((b) => b.reportedAt / SR <= b.frame / SR + 0.07);
  const hit = ref.filter((t) => est.some((b) => Math.abs(b.frame / SR - t) <= 0.07)).length;
  return hit / Math.max(1, ref.length);
}
/** Fraction of the reported beats after `from` that fall on a reference beat (±70 ms). */
function precision(events: PerformanceEvent[], truth: readonly number[], from: number): number {
  const est = beatsOf(events).filter((b) => b.frame / SR >= from);
  return est.filter((b) => nearest(b.frame / SR, truth) <= 0.07).length / Math.max(1, est.length);
}

describe("beat tracker: metrical level", () => {
  for (const bpm of [50, 55, 60, 120, 160, 180, 190, 200]) {
    it(`reports a ${bpm} BPM click at ${bpm} BPM (not halved or doubled), beats on the clicks`, () => {
      const clicks = beatTimesOf(16, () => bpm, 0.4);
      const { events } = analyzeSignal(clickTrack(clicks, 16, SR), SR);
      for (const t of [6, 10, 15]) expect(Math.abs(tempoAt(events, t) - bpm) / bpm).toBeLessThan(0.04);
      // (not the click at the very end of the signal, 16.0 s at 50 BPM: nothing of it is heard)
      expect(
        liveRecall(
          events,
          clicks.filter((t) => t < 15.9),
          6,
        ),
      ).toBeGreaterThan(0.9);
      expect(precision(events, clicks, 6)).toBeGreaterThan(0.9);
    });
  }

  it("tracks a 180 BPM rock beat at 180 BPM at every beat from 3 s of playing to the end, never at 90", () => {
    // Kick and snare on every beat, hats on the eighths: the half-beats of 90 BPM (the snares)
    // collect as much as its beats, so 90 is no slower beat; the prior alone halved it.
    const beats = beatTimesOf(17, () => 180, 0.2 + 82 * 0.037);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 17, SR, { jitter: 0.003, seed: 82 });
    const { events } = analyzeSignal(audio, SR);
    const from = beats[0]! + 3;
    for (const t of beats.filter((x) => x >= from))
      expect(Math.abs(tempoAt(events, t) - 180) / 180).toBeLessThan(0.04);
    expect(liveRecall(events, beats, from)).toBeGreaterThan(0.9);
    expect(precision(events, beats, from)).toBeGreaterThan(0.9);
  });

  it("tracks a 200 BPM rock beat at 200 BPM from 5 s of playing to the end, never at 100", () => {
    // Kick and snare on every beat: every beat and half-beat of 100 BPM carries a drum, so 100 is
    // no slower beat; the prior started it at 100 and kept it there (then drifted to 133, 2:3).
    const beats = beatTimesOf(17, () => 200, 0.2 + 3 * 0.037);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 17, SR, { jitter: 0.003, seed: 3 });
    const { events } = analyzeSignal(audio, SR);
    const from = beats[0]! + 5;
    for (const t of beats.filter((x) => x >= from))
      expect(Math.abs(tempoAt(events, t) - 200) / 200).toBeLessThan(0.04);
    expect(liveRecall(events, beats, from)).toBeGreaterThan(0.9);
    expect(precision(events, beats, from)).toBeGreaterThan(0.9);
  });

  it("tracks a 200 BPM rock beat with a tenth of its hits dropped at 200 BPM from 8 s on", () => {
    // (a single missing hit among the last beats and half-beats does not make the pulse uneven)
    const beats = beatTimesOf(16, () => 200, 0.3);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { jitter: 0.003, seed: 2, dropout: 0.1 });
    const { events } = analyzeSignal(audio, SR);
    for (const t of beats.filter((x) => x >= 8))
      expect(Math.abs(tempoAt(events, t) - 200) / 200).toBeLessThan(0.04);
  });

  for (const name of ["rock", "funk", "offbeat"]) {
    it(`keeps a ${name} beat at 100 BPM at 100 BPM (its half-beats hold hats, not a faster beat)`, () => {
      const beats = beatTimesOf(16, () => 100, 0.3);
      const audio = drumTrack(beats, DRUM_PATTERNS[name]!, 16, SR, { jitter: 0.003, seed: 4 });
      const { events } = analyzeSignal(audio, SR);
      for (const t of beats.filter((x) => x >= 4))
        expect(Math.abs(tempoAt(events, t) - 100) / 100).toBeLessThan(0.04);
      expect(precision(events, beats, 4)).toBeGreaterThan(0.9);
    });
  }

  it("keeps a 100 BPM click with clicks 6 dB softer on the eighths at 100 BPM (an accent marks the beat)", () => {
    // Nearly as even as a rock beat's kicks and snares at 200 BPM in the detection function, but
    // the same sound throughout: the louder clicks are the beats.
    const clicks = beatTimesOf(16, () => 100, 0.4);
    const buf = clickTrack(clicks, 16, SR);
    for (const t of clicks) addClick(buf, Math.round((t + 0.3) * SR), SR, 0.4, 3);
    const { events } = analyzeSignal(buf, SR);
    for (const t of clicks.filter((x) => x >= 4))
      expect(Math.abs(tempoAt(events, t) - 100) / 100).toBeLessThan(0.04);
    expect(precision(events, clicks, 4)).toBeGreaterThan(0.9);
  });

  it("puts the beats of a syncopated rock pattern (kick/snare/hats) on the quarter notes", () => {
    const beats = beatTimesOf(16, () => 140, 0.3);
    const audio = drumTrack(beats, DRUM_PATTERNS.syncopated!, 16, SR, { jitter: 0.003, seed: 3 });
    const { events } = analyzeSignal(audio, SR);
    expect(Math.abs(tempoAt(events, 15) - 140) / 140).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.9);
    expect(precision(events, beats, 5)).toBeGreaterThan(0.9);
  });
});

describe("beat tracker: tempo changes", () => {
  for (const [a, b] of [
    [100, 130],
    [130, 100],
  ] as const) {
    it(`follows a drum step from ${a} to ${b} BPM and re-locks the beats`, () => {
      const step = 6;
      const beats = beatTimesOf(16, (t) => (t < step ? a : b), 0.3);
      const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { jitter: 0.003, seed: a });
      const { events } = analyzeSignal(audio, SR);
      expect(Math.abs(tempoAt(events, step - 0.1) - a) / a).toBeLessThan(0.04);
      // The new tempo within 2.5 s of the step, and held.
      for (const t of [step + 2.5, step + 5, 15.5])
        expect(Math.abs(tempoAt(events, t) - b) / b).toBeLessThan(0.04);
      expect(liveRecall(events, beats, step + 2.5)).toBeGreaterThan(0.85);
      expect(precision(events, beats, step + 2.5)).toBeGreaterThan(0.85);
    });
  }

  it("holds a +20 % ramp (tempo within 4 % after lock)", () => {
    const bpmAt = (t: number): number => (t < 3 ? 105 : t > 13 ? 126 : 105 + 2.1 * (t - 3));
    const beats = beatTimesOf(16, bpmAt, 0.3);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { jitter: 0.003, seed: 8 });
    const { events } = analyzeSignal(audio, SR);
    for (let t = 4; t < 16; t += 0.5)
      expect(Math.abs(tempoAt(events, t) - bpmAt(t)) / bpmAt(t)).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.85);
  });
});

describe("beat tracker: ramps, steps and 4:3 levels", () => {
  /** A busy breakbeat (ghost notes on the "e" and "a" of beat 2 and 3): its dotted-eighth grid
   * (133 BPM over a 100 BPM beat) collects nearly as much autocorrelation as the beat. */
  const busyBreak = { kick: [0, 7, 10], snare: [4, 12, 15], hat: [0, 2, 4, 6, 8, 9, 10, 11, 12, 14] };

  it("follows a busy breakbeat ramping 98 -> 113 BPM at the quarter-note level (not 4:3)", () => {
    const bpmAt = (t: number): number => (t < 2.5 ? 98 : t > 10 ? 113 : 98 + (15 * (t - 2.5)) / 7.5);
    const beats = beatTimesOf(12.5, bpmAt, 0.25);
    const audio = drumTrack(beats, busyBreak, 12.5, SR, { jitter: 0.002, seed: 41 });
    const { events } = analyzeSignal(audio, SR);
    for (let t = 3.5; t < 12.5; t += 0.5)
      expect(Math.abs(tempoAt(events, t) - bpmAt(t)) / bpmAt(t)).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.9);
    expect(precision(events, beats, 5)).toBeGreaterThan(0.9);
  });

  it("holds a -20 % ramp (130 -> 104 BPM) within 4 % once it is under way", () => {
    const bpmAt = (t: number): number => (t < 3 ? 130 : t > 13 ? 104 : 130 - 2.6 * (t - 3));
    const beats = beatTimesOf(16, bpmAt, 0.3);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { jitter: 0.003, seed: 9 });
    const { events } = analyzeSignal(audio, SR);
    for (let t = 6; t < 16; t += 0.5)
      expect(Math.abs(tempoAt(events, t) - bpmAt(t)) / bpmAt(t)).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.9);
  });

  it("reports the new tempo of a 130 -> 100 BPM step within 1.75 s", () => {
    const step = 6;
    const bpmAt = (t: number): number => (t < step ? 130 : 100);
    const beats = beatTimesOf(16, bpmAt, 0.3);
    const audio = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { jitter: 0.003, seed: 130 });
    const { events } = analyzeSignal(audio, SR);
    for (let t = step + 1.75; t < 16; t += 0.5)
      expect(Math.abs(tempoAt(events, t) - 100) / 100).toBeLessThan(0.04);
  });

  for (const [a, b, pattern] of [
    [110, 88, "half"],
    [125, 151, "sparse"],
  ] as const) {
    it(`reports a ${a} -> ${b} BPM step (on a beat, ${pattern} drums) within two new beats`, () => {
      const step = beatTimesOf(16, () => a, 0.3).find((t) => t >= 6)! - 0.0005;
      const bpmAt = (t: number): number => (t < step ? a : b);
      const beats = beatTimesOf(16, bpmAt, 0.3);
      const audio = drumTrack(beats, DRUM_PATTERNS[pattern]!, 16, SR, { jitter: 0.003, seed: a });
      const { events } = analyzeSignal(audio, SR);
      expect(Math.abs(tempoAt(events, step - 0.1) - a) / a).toBeLessThan(0.04);
      for (let t = step + (2 * 60) / b; t < 16; t += 0.25)
        expect(Math.abs(tempoAt(events, t) - b) / b).toBeLessThan(0.04);
      expect(liveRecall(events, beats, step + 1)).toBeGreaterThan(0.9);
    });
  }

  it("stops beating when the band stops (at most the one beat already due)", () => {
    const beats = beatTimesOf(10, () => 120, 0.3);
    const audio = new Float32Array(12 * SR);
    audio.set(drumTrack(beats, DRUM_PATTERNS.rock!, 10, SR, { jitter: 0.003, seed: 5 }));
    const { events } = analyzeSignal(audio, SR);
    const last = beats[beats.length - 1]!;
    expect(beatsOf(events).filter((b) => b.frame / SR > last + 0.1).length).toBeLessThanOrEqual(1);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.95);
  });

  it("does not emit the beat due after the last hit when every beat had a hit", () => {
    const beats = beatTimesOf(10, () => 120, 0.3);
    const audio = new Float32Array(12 * SR);
    audio.set(drumTrack(beats, DRUM_PATTERNS.sparse!, 10, SR, { jitter: 0.003, seed: 6 }));
    const { events } = analyzeSignal(audio, SR);
    const last = beats[beats.length - 1]!;
    expect(beatsOf(events).filter((b) => b.frame / SR > last + 0.1).length).toBe(0);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.95);
  });
});

describe("beat tracker: robustness", () => {
  it("tracks a rock pattern in white noise at 10 dB SNR", () => {
    const beats = beatTimesOf(16, () => 115, 0.3);
    const audio = withNoise(drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { seed: 15 }), 10, 15);
    const { events } = analyzeSignal(audio, SR);
    expect(Math.abs(tempoAt(events, 15) - 115) / 115).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.9);
  });

  it("is not derailed by missed hops (null features)", () => {
    const c = analysisConfig(SR);
    const tracker = new CausalTracker(c);
    const beats = beatTimesOf(16, () => 110, 0.3);
    const signal = drumTrack(beats, DRUM_PATTERNS.rock!, 16, SR, { seed: 4 });
    const window = new Float32Array(c.windowSize);
    const features = createHopFeatures(c);
    const events: PerformanceEvent[] = [];
    for (let end = c.hopSize, h = 0; end <= signal.length; end += c.hopSize, h++) {
      const missed = h % 9 === 4 || (h > 800 && h < 830);
      if (missed) events.push(...tracker.push(frames(end), null).events);
      else {
        window.fill(0);
        const start = end - c.windowSize;
        window.set(signal.subarray(Math.max(0, start), end), Math.max(0, -start));
        events.push(...tracker.push(frames(end), extractFeaturesInto(window, c, features)).events);
      }
    }
    expect(Math.abs(tempoAt(events, 15.5) - 110) / 110).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 5)).toBeGreaterThan(0.85);
    expect(precision(events, beats, 5)).toBeGreaterThan(0.85);
  });
});

describe("beat tracker: phase", () => {
  it("moves off the off-beat on a syncopated pattern with dropped hits (beats on the quarter notes)", () => {
    // Kicks on the "and" of 2 and 3, 15 % of the hits dropped: the first phase choice lands on
    // the off-beat; the phase check must bring the beats back onto the quarter notes.
    const beats = beatTimesOf(14, () => 115, 0.718);
    const audio = drumTrack(beats, DRUM_PATTERNS.syncopated!, 14, SR, {
      dropout: 0.15,
      jitter: 0.003,
      seed: 14,
    });
    const { events } = analyzeSignal(audio, SR);
    expect(Math.abs(tempoAt(events, 13) - 115) / 115).toBeLessThan(0.04);
    expect(liveRecall(events, beats, 7)).toBeGreaterThan(0.9);
    expect(precision(events, beats, 7)).toBeGreaterThan(0.9);
  });

  it("puts the beats of a click track on the clicks, between hops and not late: median within 1.5 ms over tempi and sub-hop phases", () => {
    // The band plays on the beats the tracker reports: a bias here makes it late by as much.
    // Clicks at three tempi, each at four phases against the 10 ms hop grid.
    const offsets: number[] = [];
    for (const bpm of [80, 96, 128]) {
      for (const phase of [0, 0.0025, 0.005, 0.0075]) {
        const clicks = beatTimesOf(14, () => bpm, 0.4 + phase);
        const { events } = analyzeSignal(clickTrack(clicks, 14, SR), SR);
        for (const b of beatsOf(events).filter((e) => e.frame / SR > 5)) {
          const t = b.frame / SR;
          const click = clicks.reduce((best, c) => (Math.abs(c - t) < Math.abs(best - t) ? c : best));
          offsets.push((t - click) * 1000);
        }
      }
    }
    expect(offsets.length).toBeGreaterThan(150);
    const sorted = [...offsets].sort((a, b) => a - b);
    expect(Math.abs(sorted[sorted.length >> 1]!)).toBeLessThan(1.5);
    // Between hops: nearly every beat within 2.5 ms (on whole hops they spread over ±5 ms).
    const within = offsets.filter((x) => Math.abs(x) <= 2.5).length / offsets.length;
    expect(within).toBeGreaterThan(0.9);
  });
});

/**
 * Bossa nova comping on a plucked guitar: the thumb plays a bass note on beats 1 and 3, the
 * fingers strum four-note chords on the 3-3-2 accents of a two-bar cycle (eighth notes 0, 3, 6, 8,
 * 11 and 14) and softer two-note chords on the other off-beats; every attack wanders by up to
 * ±20 ms, as played. The player stops between the times of each pair of `rests`, and leaves out
 * each note with probability `drop` (varied comping).
 */
function bossaComping(
  bpm: number,
  duration: number,
  seed: number,
  rests: readonly number[] = [],
  drop = 0,
): Float32Array {
  const beats = beatTimesOf(duration, () => bpm, 0.25);
  const eighth = 30 / bpm;
  const random = rng(seed);
  const notes: { t: number; hz: number; duration: number }[] = [];
  const chord = [196, 247, 294, 370];
  const accents = new Set([0, 3, 6, 8, 11, 14]);
  for (let i = 0; beats[0]! + i * eighth < duration - 0.5; i++) {
    const t = beats[0]! + i * eighth + (random() - 0.5) * 0.04;
    let rest = false;
    for (let k = 0; k + 1 < rests.length; k += 2) if (t >= rests[k]! && t < rests[k + 1]!) rest = true;
    if (rest || (drop > 0 && random() < drop)) continue;
    const pos = i % 16;
    if (pos % 4 === 0) notes.push({ t, hz: pos % 8 === 0 ? 82.4 : 123.5, duration: 0.4 });
    const strings = accents.has(pos) ? 4 : pos % 2 === 1 ? 2 : 0;
    for (let s = 0; s < strings; s++) notes.push({ t: t + 0.006 * s, hz: chord[s]!, duration: 0.3 });
  }
  return pluckedNotes(notes, duration, SR);
}

describe("beat tracker: played comping", () => {
  for (const [bpm, seed] of [
    [129, 2],
    [150, 3],
  ] as const) {
    it(`holds the tempo of bossa nova comping at ${bpm} BPM (not 2:3 of it, no false steps)`, () => {
      // The 3-3-2 accents make the autocorrelation prefer the dotted-quarter grid for a while; the
      // onsets (eighth notes) fall on the beats and half-beats of the quarter note only.
      const { events } = analyzeSignal(bossaComping(bpm, 20, seed), SR);
      for (let t = 5; t < 20; t += 0.25) expect(Math.abs(tempoAt(events, t) - bpm) / bpm).toBeLessThan(0.04);
    });
  }

  it("holds the tempo of bossa nova comping at 135 BPM through a rest (no step to 2:3 of it)", () => {
    // Right after the long window corrects an early 2:3 estimate, the fast step detector's short
    // window still prefers the dotted-quarter grid of the 3-3-2 accents: a metrical relative, not
    // a step (it jumped to 89 BPM and held it for 5 s).
    // (at the beats, as the bench scores it; a single update may still blip to 2:3 after the rest)
    const { events } = analyzeSignal(bossaComping(135, 22, 5, [9, 10.2]), SR);
    const beats = beatTimesOf(22, () => 135, 0.25).filter((t) => t >= 5);
    const held = beats.filter((t) => Math.abs(tempoAt(events, t) - 135) / 135 < 0.04).length;
    expect(held / beats.length).toBeGreaterThan(0.95);
  });

  it("keeps the beats of varied bossa comping at 144 BPM (a 7 % faster challenger that misses the onsets is no step)", () => {
    // With a sixth of the notes left out, the short window briefly prefers 154 BPM; its beats
    // collect less onset mass than the tempo's own, so the tempo and the phase stay (the beats
    // drifted onto the off-beats for 5 s before).
    const beats = beatTimesOf(22, () => 144, 0.25);
    const { events } = analyzeSignal(bossaComping(144, 22, 70, [13, 14.1], 0.15), SR);
    const before = beats.filter((t) => t < 13);
    const early = events.filter((e) => e.frame / SR < 12.9);
    expect(liveRecall(early, before, 5)).toBeGreaterThan(0.9);
    expect(precision(early, before, 5)).toBeGreaterThan(0.9);
  });
});

describe("beat tracker: comping held at 2:3 of the beat", () => {
  it("corrects finger-style comping at 145 BPM estimated at 2:3 of it (97 BPM) from the start", () => {
    // The thumb on every beat, the fingers on beat 1 and the "and"s of 2 and 3: the accents make
    // the comb prefer the dotted quarter from the first estimate on, and no window ever challenged
    // it (the beats sat at 97 BPM throughout). The onsets fill the beats and half-beats of 145 BPM.
    const chart: CompChord[] = [
      { label: "A:min", midis: [57, 60, 64, 67], bass: [45, 52] },
      { label: "D:min", midis: [57, 60, 62, 65], bass: [50, 45] },
      { label: "G:maj", midis: [55, 59, 62, 65], bass: [43, 50] },
      { label: "C:maj", midis: [55, 60, 64, 67], bass: [48, 55] },
    ];
    const beat = 60 / 145;
    const { signal, duration } = compingSignal(
      [...chart, ...chart, ...chart, ...chart].slice(0, 14),
      { beat, beatsPerChord: 4, style: "finger", seed: 6, start: 0.3 },
      SR,
    );
    const beats: number[] = [];
    for (let t = 0.3; t < duration - 1; t += beat) beats.push(t);
    const { events } = analyzeSignal(signal, SR);
    const late = beats.filter((t) => t >= 6);
    const held = late.filter((t) => Math.abs(tempoAt(events, t) - 145) / 145 < 0.04).length;
    expect(held / late.length).toBeGreaterThan(0.95);
    expect(liveRecall(events, beats, 6)).toBeGreaterThan(0.9);
    expect(precision(events, beats, 6)).toBeGreaterThan(0.9);
  });
});

describe("beat tracker: breakbeat phase", () => {
  for (const [bpm, seed] of [
    [95, 59],
    [110, 70],
  ] as const) {
    it(`puts the beats of a ${bpm} BPM breakbeat on the quarter notes, not a sixteenth before them`, () => {
      // Kicks and snares on the "a" of beats 1 and 3 and on the "and" of 3 outweigh the beats,
      // but the hats fill the eighth notes of the true grid only.
      const beats = beatTimesOf(16, () => bpm, 0.2 + seed * 0.037);
      const audio = drumTrack(beats, DRUM_PATTERNS.breakbeat!, 16, SR, { jitter: 0.003, seed });
      const { events } = analyzeSignal(audio, SR);
      expect(Math.abs(tempoAt(events, 15) - bpm) / bpm).toBeLessThan(0.04);
      expect(liveRecall(events, beats, 8)).toBeGreaterThan(0.9);
      expect(precision(events, beats, 8)).toBeGreaterThan(0.9);
    });
  }
});

describe("beat tracker: the bass line and the backbeat decide the phase", () => {
  for (const [bpm, seed] of [
    [129, 2],
    [150, 3],
    [110, 5],
  ] as const) {
    it(`puts the beats of bossa nova comping at ${bpm} BPM on the thumb's bass notes, not on the louder off-beat chords`, () => {
      // The fingers' chords (the 3-3-2 accents and the softer off-beats) outweigh the thumb's bass
      // notes on beats 1 and 3 in the detection function; without a kick drum the bass line marks
      // the beats (the tracker sat on the off-beats throughout before).
      const beats = beatTimesOf(20, () => bpm, 0.25);
      const { events } = analyzeSignal(bossaComping(bpm, 20, seed), SR);
      expect(liveRecall(events, beats, 10)).toBeGreaterThan(0.85);
      expect(precision(events, beats, 10)).toBeGreaterThan(0.85);
    });
  }

  for (const [bpm, seed, snr] of [
    [100, 8, null],
    [125, 21, null],
    [120, 9, 10],
  ] as const) {
    it(`keeps the beats of a syncopated rock beat at ${bpm} BPM${snr === null ? "" : ` (${snr} dB SNR)`} on the snare's grid, not on the kicks' "and"s`, () => {
      // Kicks on 1, the "and" of 2 and the "and" of 3 (two of three off the beat), the snare (noise)
      // on 2 and 4: the kick is syncopated, the backbeat sets the beat.
      const beats = beatTimesOf(16, () => bpm, 0.3);
      let audio = drumTrack(beats, DRUM_PATTERNS.syncopated!, 16, SR, { jitter: 0.003, seed });
      if (snr !== null) audio = withNoise(audio, snr, seed);
      const { events } = analyzeSignal(audio, SR);
      const snares = beats.filter((_, i) => i % 2 === 1);
      expect(liveRecall(events, snares, 6)).toBeGreaterThan(0.85);
      expect(liveRecall(events, beats, 6)).toBeGreaterThan(0.85);
      expect(precision(events, beats, 6)).toBeGreaterThan(0.9);
    });
  }
});
