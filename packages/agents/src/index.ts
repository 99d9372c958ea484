/**
 * @performia/agents: the Song Map compiled for performance, the conductor (tempo following and
 * the windows of beats handed to the band), a seeded counter-based random generator, and the
 * first agents of the band (bass, drums, harmony).
 */
import type { Agent } from "./agent.js";
import { bassAgent } from "./bass.js";
import { drumsAgent } from "./drums.js";
import { harmonyAgent } from "./harmony.js";

export type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";
export { barAt, chordAt, compileSong, loadSong } from "./song.js";
export { jitter, random } from "./random.js";
export type { Agent, BarPlayer, BeatWindow, MusicalContext } from "./agent.js";
export { barAgent, compareNotes, onGrid, playBand, TICKS_PER_BEAT } from "./agent.js";
export { bassAgent, bassPitch } from "./bass.js";
export { drumsAgent, snareBeats } from "./drums.js";
export { barVoicings, harmonyAgent, voiceMovement, voicingCandidates } from "./harmony.js";
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

/**
 * A fresh band in its standard order: bass, drums, harmony.
 * @example defaultBand().map((a) => a.name) // => ["bass", "drums", "harmony"]
 */
export function defaultBand(): Agent[] {
  return [bassAgent, drumsAgent, harmonyAgent];
}
