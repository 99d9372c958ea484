/**
 * Causal audio analysis: stage 1 (`extractFeatures`, pure, pool workers) and stage 2
 * (`CausalTracker`, stateful, pipeline thread), and `analyzeSignal` for whole buffers.
 */
export { analysisConfig, type AnalysisConfig } from "./config.js";
export { createHopFeatures, extractFeatures, extractFeaturesInto, type HopFeatures } from "./features.js";
export { CausalTracker, type TrackerOutput } from "./tracker.js";
export { analyzeSignal, type SignalAnalysis } from "./analyze.js";
export { matchChord, matchKey, PITCH_CLASSES } from "./harmony.js";
