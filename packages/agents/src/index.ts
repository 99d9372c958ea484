/**
 * @performia/agents: the Song Map compiled for performance, the conductor (tempo following and
 * the windows of beats handed to the band), a seeded counter-based random generator, the styles,
 * and the band: bass, drums, harmony (keys), guitar, pad and the responder.
 */
import type { Agent } from "./agent.js";
import { createBassAgent } from "./bass.js";
import { createDrumsAgent } from "./drums.js";
import { createGuitarAgent } from "./guitar.js";
import { createHarmonyAgent } from "./harmony.js";
import { createPadAgent } from "./pad.js";
import { createResponderAgent } from "./responder.js";

export type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";
export { barAt, chordAt, compileSong, loadSong } from "./song.js";
export { jitter, random } from "./random.js";
export type { Agent, BarPlayer, BeatWindow, MusicalContext, PerformerNote, PerformerView } from "./agent.js";
export { barAgent, compareNotes, onGrid, playBand, TICKS_PER_BEAT } from "./agent.js";
export type { Role, Style } from "./styles.js";
export { DEFAULT_STYLE, isKnownStyle, MAX_TIMING_OFFSET, STYLES, STYLE_TABLE, styleOf } from "./styles.js";
export type { Meter } from "./feel.js";
export { intensityOf, meterOf, styleFor, swung } from "./feel.js";
export { bassAgent, bassPitch, createBassAgent } from "./bass.js";
export { createDrumsAgent, drumsAgent, fillBeats, FILL_KEYS, snareBeats } from "./drums.js";
export { barVoicings, createHarmonyAgent, harmonyAgent, voiceMovement } from "./harmony.js";
export { createGuitarAgent, guitarAgent, STRUM_SPREAD } from "./guitar.js";
export { createPadAgent, padAgent } from "./pad.js";
export {
  ANSWER_LEAD,
  answer,
  createResponderAgent,
  lastPhrase,
  PHRASE_GAP,
  responderAgent,
  toPerformerView,
} from "./responder.js";
export { chordScale, voicingTones } from "./theory.js";
export { benchAgents } from "./bench.js";
export type { AgentBench } from "./bench.js";
export { COUNT_IN_AGENT, countInNotes } from "./count-in.js";
export { applyEnding } from "./ending.js";
export { checkKey, parseKeyLabel, parseSongKey, type KeyCheck } from "./key-check.js";
export { FormPlan, type SongWindow } from "./form.js";
export type { ConductorOptions, Position } from "./conductor.js";
export {
  AGREE,
  CATCH_UP_BEATS,
  Conductor,
  JUMP,
  MAX_NUDGE,
  MAX_TEMPO_RATIO,
  OUTLIER_BEATS,
  RELOCK_AFTER,
  SMOOTH,
} from "./conductor.js";

/** The names of the default band, in the order the engine maps them to synth channels. */
export const BAND = ["bass", "drums", "harmony", "guitar", "pad", "responder"] as const;

/**
 * A fresh band in its standard order (the engine maps agents to channels by this order).
 * @example defaultBand().map((a) => a.name) // => ["bass", "drums", "harmony", "guitar", "pad", "responder"]
 */
export function defaultBand(): Agent[] {
  return [
    createBassAgent(),
    createDrumsAgent(),
    createHarmonyAgent(),
    createGuitarAgent(),
    createPadAgent(),
    createResponderAgent(),
  ];
}
