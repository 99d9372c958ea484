import { describe, expect, it } from "vitest";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeatures, extractFeaturesInto, type HopFeatures } from "./features.js";
import { analyzeSignal } from "./analyze.js";
import {
  beatTimesOf,
  cents,
  DRUM_PATTERNS,
  drumTrack,
  median,
  midiHz,
  mix,
  melodySignal,
  pluckedNotes,
  randomMelody,
  TIMBRES,
  tone,
  whiteNoise,
  withReverb,
} from "./test-signals.js";

/** Stage 1 over a whole buffer, window ending at each hop boundary. */
function features(samples: Float32Array, sampleRate: number): HopFeatures[] {
  const config = analysisConfig(sampleRate);
  const out: HopFeatures[] = [];
  const window = new Float32Array(config.windowSize);
  for (let end = config.hopSize; end <= samples.length; end += config.hopSize) {
    window.fill(0);
    const start = end - config.windowSize;
    window.set(samples.subarray(Math.max(0, start), end), Math.max(0, -start));
    out.push(extractFeatures(window, config));
  }
  return out;
}

/** Hops after the first window has filled. */
const settled = (f: HopFeatures[], sampleRate: number): HopFeatures[] =>
  f.slice(Math.ceil(analysisConfig(sampleRate).windowSize / analysisConfig(sampleRate).hopSize));

const voicedFraction = (f: HopFeatures[]): number => f.filter((x) => x.hz !== null).length / f.length;
const medianCents = (f: HopFeatures[], ref: number): number =>
  median(f.filter((x) => x.hz !== null).map((x) => cents(x.hz!, ref)));

describe("analysisConfig", () => {
  it("hops every 10 ms with a window covering 60 Hz at 8 kHz to 96 kHz", () => {
    for (const sr of [8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000]) {
      const c = analysisConfig(sr);
      expect(c.hopSize).toBe(Math.round(sr / 100));
      expect(Number.isInteger(Math.log2(c.windowSize))).toBe(true);
      // At least two and a half periods of 60 Hz.
      expect(c.windowSize / sr).toBeGreaterThan(2.5 / 60);
      expect(Number.isInteger(c.windowSize / c.pitchDecimation)).toBe(true);
    }
    expect(analysisConfig(44100)).toMatchObject({ hopSize: 441, windowSize: 2048 });
    expect(() => analysisConfig(1000)).toThrow(RangeError);
  });
});

describe("pitch", () => {
  it("reports A4 with 5.5 Hz vibrato at 440 Hz (median within 20 cents), voiced", () => {
    const sr = 44100;
    const f = settled(
      features(tone(440, 3, sr, { vibratoHz: 5.5, vibratoCents: 40, harmonics: [1, 0.5, 0.3] }), sr),
      sr,
    );
    expect(voicedFraction(f)).toBeGreaterThan(0.95);
    expect(Math.abs(medianCents(f, 440))).toBeLessThan(20);
    // Every voiced hop follows the vibrato (±40 cents), no octave jumps.
    for (const x of f) if (x.hz !== null) expect(Math.abs(cents(x.hz, 440))).toBeLessThan(60);
  });

  it("has no octave error on an 80 Hz tone with a weak fundamental", () => {
    const sr = 44100;
    const f = settled(features(tone(80, 2, sr, { harmonics: [0.05, 1, 0.8, 0.6, 0.4, 0.3] }), sr), sr);
    expect(voicedFraction(f)).toBeGreaterThan(0.9);
    expect(Math.abs(medianCents(f, 80))).toBeLessThan(20);
    const octaveErrors = f.filter((x) => x.hz !== null && Math.abs(cents(x.hz, 80)) > 600).length;
    expect(octaveErrors).toBe(0);
  });

  it("tracks the range ends: 65 Hz and 1100 Hz", () => {
    const sr = 44100;
    for (const hz of [65, 1100]) {
      const f = settled(features(tone(hz, 1, sr, { harmonics: [1, 0.4] }), sr), sr);
      expect(voicedFraction(f)).toBeGreaterThan(0.9);
      expect(Math.abs(medianCents(f, hz))).toBeLessThan(20);
    }
  });

  it("calls white noise and silence unvoiced", () => {
    const sr = 44100;
    expect(voicedFraction(settled(features(whiteNoise(2, sr, 0.5), sr), sr))).toBeLessThan(0.03);
    expect(voicedFraction(settled(features(whiteNoise(2, sr, 0.01, 3), sr), sr))).toBeLessThan(0.03);
    const silent = settled(features(new Float32Array(sr), sr), sr);
    expect(voicedFraction(silent)).toBe(0);
    for (const x of silent) expect(x.rms).toBe(0);
  });

  it("works at 8 kHz and 96 kHz", () => {
    for (const sr of [8000, 96000]) {
      const f = settled(features(tone(220, 1.5, sr, { harmonics: [1, 0.5, 0.25] }), sr), sr);
      expect(voicedFraction(f)).toBeGreaterThan(0.9);
      expect(Math.abs(medianCents(f, 220))).toBeLessThan(20);
    }
  });
});

describe("extractFeatures", () => {
  it("is pure: the same window gives the same features, in place or not, whatever came before", () => {
    const sr = 44100;
    const c = analysisConfig(sr);
    const a = tone(330, 0.1, sr, { harmonics: [1, 0.5] }).subarray(0, c.windowSize);
    const b = whiteNoise(0.1, sr).subarray(0, c.windowSize);
    const first = extractFeatures(a, c);
    extractFeatures(b, c);
    const into = extractFeaturesInto(a, c, createHopFeatures(c));
    expect(into).toEqual(first);
    expect(extractFeatures(a, c)).toEqual(first);
    expect(first.bands.length).toBe(c.bandCount);
    expect(first.chroma.length).toBe(12);
  });

  it("rejects a window of the wrong length", () => {
    const c = analysisConfig(44100);
    expect(() => extractFeatures(new Float32Array(100), c)).toThrow(RangeError);
  });

  it("puts the energy of A3 + harmonics into pitch classes A and E", () => {
    const sr = 44100;
    const c = analysisConfig(sr);
    const x = extractFeatures(tone(220, 0.1, sr, { harmonics: [1, 0.5, 0.4] }).subarray(0, c.windowSize), c);
    const order = [...x.chroma.keys()].sort((i, j) => x.chroma[j]! - x.chroma[i]!);
    expect(order[0]).toBe(9);
    expect(order[1]).toBe(4);
  });
});

describe("melody line (stage 1 + 2)", () => {
  /** Pitch frames of the whole analysis with the time each describes. */
  const line = (x: Float32Array, sr: number): { t: number; hz: number | null }[] => {
    const c = analysisConfig(sr);
    return analyzeSignal(x, sr).frames.map((f) => ({ t: (f.frame - c.pitchLatency) / sr, hz: f.hz }));
  };

  it("calls a reverberation tail unvoiced within 60 ms of the note's end, for several timbres and registers", () => {
    const sr = 44100;
    for (const [timbre, lo, hi, seed] of [
      ["reed", 62, 76, 1],
      ["voice", 48, 62, 2],
      ["saw", 40, 54, 3],
    ] as const) {
      const notes = randomMelody(lo, hi, 6, seed).map((n) => ({ ...n, duration: Math.min(n.duration, 0.4) }));
      const m = melodySignal(notes, 6.5, sr, {
        harmonics: TIMBRES[timbre],
        vibratoHz: 5.5,
        vibratoCents: 25,
      });
      const x = withReverb(m.signal, sr, 0.8, -6, 0);
      let rest = 0;
      let falseAlarm = 0;
      let voiced = 0;
      let right = 0;
      for (const p of line(x, sr)) {
        const inNote = notes.some((n) => p.t >= n.t && p.t < n.t + n.duration);
        const nearEnd = notes.some((n) => p.t >= n.t + n.duration && p.t < n.t + n.duration + 0.06);
        if (inNote) {
          voiced++;
          if (p.hz !== null && Math.abs(cents(p.hz, m.f0At(p.t))) < 50) right++;
        } else if (!nearEnd && p.t > 0.1) {
          rest++;
          if (p.hz !== null) falseAlarm++;
        }
      }
      expect(rest).toBeGreaterThan(50);
      expect(falseAlarm / rest, `${timbre} tail false alarms`).toBeLessThan(0.1);
      expect(right / voiced, `${timbre} pitch accuracy`).toBeGreaterThan(0.9);
    }
  });

  it("reads high tones with a weak fundamental (600-1200 Hz, vibrato) at the fundamental, not an octave down", () => {
    const sr = 44100;
    for (const hz of [620, 820, 1150]) {
      const x = tone(hz, 1.5, sr, { harmonics: TIMBRES.thin, vibratoHz: 5.5, vibratoCents: 25 });
      const ps = line(x, sr).filter((p) => p.t > 0.1 && p.t < 1.4);
      const right = ps.filter((p) => p.hz !== null && Math.abs(cents(p.hz, hz)) < 60).length;
      const octave = ps.filter((p) => p.hz !== null && Math.abs(cents(p.hz, hz)) > 600).length;
      expect(right / ps.length, `${hz} Hz`).toBeGreaterThan(0.9);
      expect(octave, `${hz} Hz octave errors`).toBe(0);
    }
  });

  it("keeps a melody's pitch through drum hits and a tonal drum a fifth under it", () => {
    const sr = 44100;
    const dur = 6;
    const beats = beatTimesOf(dur, () => 120);
    // A voice-like line of long notes over drums; a pitched drum (a tom or a bass note) at 2/3 of
    // the first note's f0 on every other beat makes the mix periodic at a third of that f0.
    const notes = [
      { t: 0.3, midi: 54, duration: 2 },
      { t: 2.3, midi: 57, duration: 1.5 },
      { t: 3.8, midi: 54, duration: 2 },
    ];
    const m = melodySignal(notes, dur, sr, { vibratoHz: 5, vibratoCents: 20, amplitude: 0.25 });
    const tom = pluckedNotes(
      beats.filter((_, i) => i % 2 === 1).map((t) => ({ t, hz: (midiHz(54) * 2) / 3, duration: 0.4 })),
      dur,
      sr,
    );
    // The drums about as loud as the melody (the pitched drum ~6 dB under it).
    const x = mix(
      m.signal,
      tom.map((v) => 0.25 * v),
      drumTrack(beats, DRUM_PATTERNS.rock!, dur, sr, { amplitude: 0.3 }),
    );
    const ps = line(x, sr).filter((p) => m.f0At(p.t) > 0 && p.t > 0.4);
    const right = ps.filter((p) => p.hz !== null && Math.abs(cents(p.hz, m.f0At(p.t))) < 50).length;
    const under = ps.filter((p) => p.hz !== null && cents(p.hz, m.f0At(p.t)) < -600).length;
    expect(right / ps.length).toBeGreaterThan(0.9);
    // (A note that starts on a pitched-drum hit with no line to continue may still start low.)
    expect(under / ps.length).toBeLessThan(0.05);
  });
});
