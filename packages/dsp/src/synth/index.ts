/**
 * The synthesizer and mixer: built-in synthesized voices for every Instrument (bass, drums,
 * epiano, guitar, voice, pad, vibes), deterministic and real-time safe, and the final soft-limited mix.
 */
export { Synth, CHANNELS, type SynthOptions } from "./synth.js";
export { mixInto, softLimit, LIMITER_KNEE } from "./mix.js";
export { SoundFontSynth, SOUNDFONT_PATHS, GM_PROGRAM, type BandSynth } from "./soundfont.js";
export { renderNotes, RENDER_BLOCK, type RenderNote } from "./render-notes.js";
export { benchSynthVoices, type VoiceBench } from "./bench.js";
