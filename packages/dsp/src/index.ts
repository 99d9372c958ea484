/**
 * @performia/dsp: analysis (pitch, onsets, beats and tempo, chords and key), causal and block
 * by block, split into a pure per-hop stage (pool workers) and a cheap stateful tracker
 * (pipeline thread); and synthesis (the band's voices and the final mix).
 */
export * from "./analysis/index.js";
export * from "./synth/index.js";
