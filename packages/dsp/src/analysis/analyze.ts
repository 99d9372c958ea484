/**
 * Offline analysis: stage 1 and stage 2 in-process over a whole buffer, hop by hop, exactly as
 * the engine runs them (a window ending at each hop boundary, zero-filled before the start).
 */
import type { AnalysisFrame, PerformanceEvent } from "@performia/protocol";
import { frames } from "@performia/protocol";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto } from "./features.js";
import { CausalTracker } from "./tracker.js";

export interface SignalAnalysis {
  frames: AnalysisFrame[];
  events: PerformanceEvent[];
}

/**
 * Analyse a whole mono buffer. Only complete hops are analysed.
 * Runs on the calling thread (tests, offline tools).
 */
export function analyzeSignal(samples: Float32Array, sampleRate: number): SignalAnalysis {
  const config = analysisConfig(sampleRate);
  const tracker = new CausalTracker(config);
  const features = createHopFeatures(config);
  const window = new Float32Array(config.windowSize);
  const out: SignalAnalysis = { frames: [], events: [] };
  const hops = Math.floor(samples.length / config.hopSize);
  for (let h = 1; h <= hops; h++) {
    const end = h * config.hopSize;
    const start = end - config.windowSize;
    if (start >= 0) window.set(samples.subarray(start, end));
    else {
      window.fill(0, 0, -start);
      window.set(samples.subarray(0, end), -start);
    }
    extractFeaturesInto(window, config, features);
    const r = tracker.push(frames(end), features);
    out.frames.push(r.frame);
    for (const e of r.events) out.events.push(e);
  }
  return out;
}
