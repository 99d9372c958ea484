/**
 * A ten-minute performance through one tracker: nothing drifts, overflows or turns to NaN, and
 * the tracker still hears the music at the end as it did at the start.
 */
import type { PerformanceEvent } from "@performia/protocol";
import { frames } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto } from "./features.js";
import { CausalTracker } from "./tracker.js";
import { addClick, midiHz } from "./test-signals.js";

const SR = 22050;
const MINUTES = 10;
const BPM = 112;

describe("a ten-minute input", () => {
  it("keeps tempo, beats, pitch and onsets right to the end, with no NaN", () => {
    const config = analysisConfig(SR);
    const tracker = new CausalTracker(config);
    const features = createHopFeatures(config);
    const window = new Float32Array(config.windowSize);
    // The signal is made a hop at a time into a sliding window (ten minutes of floats would be
    // 53 MB): clicks on every beat over a held tone that changes every 4 beats.
    const period = 60 / BPM;
    const pitchAt = (t: number): number => midiHz(57 + ((Math.floor(t / (4 * period)) * 5) % 12));
    const clickLength = Math.round(0.02 * SR);
    const noise = new Float32Array(clickLength);
    addClick(noise, 0, SR, 0.8);
    const total = MINUTES * 60 * SR;
    const hop = config.hopSize;
    let phase = 0;
    let nonFinite = 0;
    const lastMinute: PerformanceEvent[] = [];
    let voiced = 0;
    let rightPitch = 0;
    for (let end = hop; end <= total; end += hop) {
      window.copyWithin(0, hop);
      for (let i = end - hop; i < end; i++) {
        const t = i / SR;
        phase += (2 * Math.PI * pitchAt(t)) / SR;
        if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
        const sinceBeat = i - Math.round(Math.floor(t / period) * period * SR);
        const click = sinceBeat >= 0 && sinceBeat < clickLength ? noise[sinceBeat]! : 0;
        window[config.windowSize - (end - i)] = 0.2 * Math.sin(phase) + click;
      }
      const out = tracker.push(frames(end), extractFeaturesInto(window, config, features));
      const f = out.frame;
      if (![f.rms, f.confidence, f.onsetStrength, f.hz ?? 0].every(Number.isFinite)) nonFinite++;
      for (const e of out.events)
        for (const v of Object.values(e)) if (typeof v === "number" && !Number.isFinite(v)) nonFinite++;
      if (end > total - 60 * SR) {
        for (const e of out.events) lastMinute.push(e);
        if (f.hz !== null) {
          voiced++;
          const t = (end - config.pitchLatency) / SR;
          if (Math.abs(1200 * Math.log2(f.hz / pitchAt(t))) < 50) rightPitch++;
        }
      }
    }
    expect(nonFinite).toBe(0);
    // The last minute: the tempo is 112 BPM, beats land on the clicks, every click is an onset.
    expect(Math.abs(tracker.tempo()! - BPM) / BPM).toBeLessThan(0.02);
    const beats = lastMinute.filter((e) => e.kind === "beat");
    expect(beats.length).toBeGreaterThan(BPM * 0.95);
    expect(beats.length).toBeLessThan(BPM * 1.05);
    const offBeat = beats.filter((e) => {
      const t = e.frame / SR;
      const phase = t / period - Math.round(t / period);
      return Math.abs(phase * period) > 0.05;
    });
    expect(offBeat.length).toBeLessThan(beats.length * 0.05);
    const onsets = lastMinute.filter((e) => e.kind === "onset");
    expect(onsets.length).toBeGreaterThan(BPM * 0.95);
    expect(onsets.length).toBeLessThan(BPM * 1.15);
    expect(rightPitch / voiced).toBeGreaterThan(0.9);
    expect(voiced).toBeGreaterThan(5000);
  }, 120_000);
});
