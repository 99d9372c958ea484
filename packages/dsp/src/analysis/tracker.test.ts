import type { BeatEvent, OnsetEvent, PerformanceEvent, TempoEvent } from "@performia/protocol";
import { AnalysisFrame, PerformanceEvent as PerformanceEventSchema, frames } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "./analyze.js";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto } from "./features.js";
import { CausalTracker } from "./tracker.js";
import {
  addClick,
  beatTimes,
  clickTrack,
  midiHz,
  mix,
  pluckedNotes,
  tone,
  whiteNoise,
  type PluckedNote,
} from "./test-signals.js";

const SR = 44100;
const onsetsOf = (e: PerformanceEvent[]): OnsetEvent[] =>
  e.filter((x): x is OnsetEvent => x.kind === "onset");
const beatsOf = (e: PerformanceEvent[]): BeatEvent[] => e.filter((x): x is BeatEvent => x.kind === "beat");
const temposOf = (e: PerformanceEvent[]): TempoEvent[] =>
  e.filter((x): x is TempoEvent => x.kind === "tempo");
const nearest = (t: number, ts: readonly number[]): number => Math.min(...ts.map((x) => Math.abs(x - t)));
/** The tempo estimate in force at time t (seconds), or null. */
function tempoAt(events: PerformanceEvent[], t: number): number | null {
  let bpm: number | null = null;
  for (const e of temposOf(events)) if (e.frame / SR <= t) bpm = e.bpm;
  return bpm;
}

describe("onsets", () => {
  it("finds plucked notes, re-articulated same-pitch notes included, within 30 ms", () => {
    const notes: PluckedNote[] = [];
    const pitches = [60, 64, 64, 67, 67, 67, 72, 71, 69, 69, 65, 62];
    let t = 0.3;
    for (const [i, m] of pitches.entries()) {
      const d = i % 3 === 2 ? 0.25 : 0.4;
      notes.push({ t, hz: midiHz(m - 12), duration: d });
      t += d;
    }
    const truth = notes.map((n) => n.t);
    const { events } = analyzeSignal(pluckedNotes(notes, t + 0.5, SR), SR);
    const found = onsetsOf(events).map((e) => e.frame / SR);
    for (const x of truth) expect(nearest(x, found)).toBeLessThan(0.03);
    const falsePositives = found.filter((x) => nearest(x, truth) > 0.05);
    expect(falsePositives.length).toBeLessThanOrEqual(1);
  });

  it("finds nothing in a steady tone or steady noise after the start", () => {
    const { events } = analyzeSignal(
      mix(tone(220, 4, SR, { harmonics: [1, 0.5] }), whiteNoise(4, SR, 0.05)),
      SR,
    );
    expect(onsetsOf(events).filter((e) => e.frame / SR > 0.3)).toHaveLength(0);
  });
});

describe("tempo and beats", () => {
  it("follows clicks at 120 BPM: tempo within 2%, beats within 50 ms after the first seconds", () => {
    const clicks = beatTimes(20, () => 120);
    const { events } = analyzeSignal(clickTrack(clicks, 20, SR), SR);
    const tempos = temposOf(events);
    expect(tempos.length).toBeGreaterThan(0);
    for (const e of tempos) expect(Math.abs(e.bpm - 120) / 120).toBeLessThan(0.02);
    const beats = beatsOf(events);
    // Never a beat before the tracker has a tempo.
    expect(beats[0]!.reportedAt).toBeGreaterThanOrEqual(tempos[0]!.frame);
    const late = beats.filter((b) => b.frame / SR > 4 && b.frame / SR < 19.5);
    expect(late.length).toBeGreaterThanOrEqual(30);
    for (const b of late) {
      expect(nearest(b.frame / SR, clicks)).toBeLessThan(0.05);
      // Predicted: reported when the stream reaches the beat (within a couple of hops).
      expect(Math.abs(b.reportedAt - b.frame) / SR).toBeLessThanOrEqual(0.021);
      expect(b.bpm).toBeCloseTo(120, -1);
    }
  });

  it("follows a step from 100 to 130 BPM", () => {
    const step = 10;
    const clicks = beatTimes(22, (t) => (t < step ? 100 : 130));
    const { events } = analyzeSignal(clickTrack(clicks, 22, SR), SR);
    expect(Math.abs(tempoAt(events, step - 0.1)! - 100)).toBeLessThan(2);
    // The new tempo is reported about 2 s after the step (one click may arrive late).
    expect(Math.abs(tempoAt(events, step + 2.25)! - 130) / 130).toBeLessThan(0.02);
    for (const b of beatsOf(events).filter((b) => b.frame / SR > step + 3)) {
      expect(nearest(b.frame / SR, clicks)).toBeLessThan(0.05);
    }
  });

  it("does not flip metrical level on a 90 BPM click track with eighth-note hi-hats", () => {
    const dur = 16;
    const quarter = beatTimes(dur, () => 90);
    const buf = clickTrack(quarter, dur, SR);
    for (const t of quarter) addClick(buf, Math.round((t + 60 / 90 / 2) * SR), SR, 0.25, 3);
    const { events } = analyzeSignal(buf, SR);
    const tempos = temposOf(events).filter((e) => e.frame / SR > 4);
    const last = tempoAt(events, 5)!;
    expect(Math.abs(last - 90) / 90).toBeLessThan(0.03);
    for (const e of tempos) expect(Math.abs(e.bpm - 90) / 90).toBeLessThan(0.03);
  });
});

describe("pitch events, chords and key", () => {
  it("reports pitch changes, not every hop", () => {
    const a = tone(220, 1, SR, { harmonics: [1, 0.5] });
    const b = tone(330, 1, SR, { harmonics: [1, 0.5] });
    const buf = new Float32Array(3 * SR);
    buf.set(a, 0);
    buf.set(b, 1.5 * SR);
    const { events } = analyzeSignal(buf, SR);
    const pitch = events.filter((e) => e.kind === "pitch");
    expect(pitch.length).toBeGreaterThanOrEqual(3);
    expect(pitch.length).toBeLessThanOrEqual(6);
    const voiced = pitch
      .filter((e) => e.kind === "pitch" && e.hz !== null)
      .map((e) => (e.kind === "pitch" ? e.hz! : 0));
    expect(voiced.some((hz) => Math.abs(hz - 220) < 3)).toBe(true);
    expect(voiced.some((hz) => Math.abs(hz - 330) < 4)).toBe(true);
  });

  it("labels a C major triad C:maj and an A minor triad A:min", () => {
    const triad = (ms: number[]): Float32Array =>
      mix(...ms.map((m) => tone(midiHz(m), 2, SR, { harmonics: [1, 0.4, 0.2], amplitude: 0.2 })));
    for (const [notes, label] of [
      [[60, 64, 67], "C:maj"],
      [[57, 60, 64], "A:min"],
      [[55, 59, 62], "G:maj"],
    ] as const) {
      const { events } = analyzeSignal(triad([...notes]), SR);
      const chords = events.filter((e) => e.kind === "chord");
      const last = chords[chords.length - 1];
      expect(last?.kind === "chord" && last.label).toBe(label);
    }
  });

  it("estimates C major from a I-IV-V-I progression", () => {
    const chord = (ms: number[], d: number): Float32Array =>
      mix(...ms.map((m) => tone(midiHz(m), d, SR, { harmonics: [1, 0.3], amplitude: 0.2 })));
    const parts = [
      [48, 60, 64, 67],
      [53, 60, 65, 69],
      [55, 59, 62, 67],
      [48, 60, 64, 67],
    ].map((ms) => chord(ms, 1.5));
    const buf = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      buf.set(p, at);
      at += p.length;
    }
    const { events } = analyzeSignal(buf, SR);
    const keys = events.filter((e) => e.kind === "key");
    const last = keys[keys.length - 1];
    expect(last?.kind === "key" && last.label).toBe("C:maj");
  });
});

describe("robustness", () => {
  const cases: [string, () => Float32Array][] = [
    ["silence", () => new Float32Array(3 * SR)],
    ["DC offset", () => new Float32Array(3 * SR).fill(0.5)],
    ["DC + tone", () => tone(300, 3, SR).map((v) => v + 0.3)],
    ["clipping", () => tone(200, 3, SR, { amplitude: 4 }).map((v) => Math.max(-1, Math.min(1, v)))],
    ["full-scale noise", () => whiteNoise(3, SR, 1)],
    [
      "a single click",
      () => {
        const b = new Float32Array(3 * SR);
        b[SR] = 1;
        return b;
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(`produces valid frames and events, no NaN: ${name}`, () => {
      const { frames: fs, events } = analyzeSignal(make(), SR);
      expect(fs.length).toBe(300);
      for (const f of fs) {
        expect(AnalysisFrame.safeParse(f).success).toBe(true);
        expect(
          Number.isFinite(f.rms) && Number.isFinite(f.onsetStrength) && Number.isFinite(f.confidence),
        ).toBe(true);
      }
      for (const e of events) {
        expect(PerformanceEventSchema.safeParse(e).success).toBe(true);
        for (const v of Object.values(e)) if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
      }
    });
  }

  it("tolerates missed hops: time advances, no information, no spurious onset", () => {
    const c = analysisConfig(SR);
    const tracker = new CausalTracker(c);
    const clicks = beatTimes(12, () => 120);
    const signal = clickTrack(clicks, 12, SR);
    const window = new Float32Array(c.windowSize);
    const features = createHopFeatures(c);
    let onsets = 0;
    for (let end = c.hopSize, h = 0; end <= signal.length; end += c.hopSize, h++) {
      const missed = h % 7 === 3 || (h > 600 && h < 620);
      let out;
      if (missed) out = tracker.push(frames(end), null);
      else {
        window.fill(0);
        const start = end - c.windowSize;
        window.set(signal.subarray(Math.max(0, start), end), Math.max(0, -start));
        out = tracker.push(frames(end), extractFeaturesInto(window, c, features));
      }
      expect(out.frame.frame).toBe(end);
      expect(out.frame.missed).toBe(missed);
      onsets += onsetsOf(out.events).length;
    }
    expect(onsets).toBeLessThanOrEqual(clicks.length);
    expect(onsets).toBeGreaterThan(clicks.length * 0.7);
    expect(Math.abs(tracker.tempo()! - 120)).toBeLessThan(3);
  });

  it("works at 8 kHz and 96 kHz end to end", () => {
    for (const sr of [8000, 96000]) {
      const clicks = beatTimes(10, () => 120);
      const buf = mix(clickTrack(clicks, 10, sr), tone(220, 10, sr, { amplitude: 0.1, harmonics: [1, 0.5] }));
      const { frames: fs, events } = analyzeSignal(buf, sr);
      expect(fs.length).toBe(Math.floor(buf.length / Math.round(sr / 100)));
      const voiced = fs.slice(10).filter((f) => f.hz !== null && Math.abs(f.hz - 220) < 3).length;
      expect(voiced / (fs.length - 10)).toBeGreaterThan(0.8);
      const t = temposOf(events);
      expect(Math.abs(t[t.length - 1]!.bpm - 120) / 120).toBeLessThan(0.03);
    }
  });
});
