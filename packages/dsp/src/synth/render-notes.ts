/** Offline rendering of a list of notes through the real-time Synth, block by block. */
import type { Instrument } from "@performia/protocol";
import { Synth, type SynthOptions } from "./synth.js";

/** A note to render offline, in frames. */
export interface RenderNote {
  instrument: Instrument;
  /** MIDI note number (for drums: the GM percussion key). */
  pitch: number;
  /** 1..127 */
  velocity: number;
  startFrame: number;
  durationFrames: number;
  /** Mixer channel 0..15 (default 0). */
  channel?: number;
}

/** The block size renderNotes drives the Synth with. */
export const RENDER_BLOCK = 128;

/**
 * Renders notes into a new Float32Array of `length` frames, driving a fresh Synth with blocks of
 * 128 frames exactly as the engine does. Notes starting outside [0, length) are skipped.
 * For tests and for making example performances (not for the audio path: it allocates).
 * @example renderNotes([{ instrument: "drums", pitch: 36, velocity: 100, startFrame: 0, durationFrames: 1 }], 48000, { sampleRate: 48000, seed: 1 })
 */
export function renderNotes(
  notes: readonly RenderNote[],
  length: number,
  options: SynthOptions,
): Float32Array {
  const frames = Math.max(0, Math.floor(length));
  const out = new Float32Array(frames);
  const synth = new Synth(options);
  // Stable sort by start frame: ties keep the caller's order.
  const sorted = notes
    .map((note, index) => ({ note, index }))
    .filter(({ note }) => note.startFrame >= 0 && note.startFrame < frames)
    .sort((a, b) => a.note.startFrame - b.note.startFrame || a.index - b.index);
  const block = new Float32Array(RENDER_BLOCK);
  let next = 0;
  for (let base = 0; base < frames; base += RENDER_BLOCK) {
    const n = Math.min(RENDER_BLOCK, frames - base);
    for (; next < sorted.length; next++) {
      const note = sorted[next]!.note;
      const start = Math.floor(note.startFrame);
      if (start >= base + n) break;
      synth.noteOn(
        note.channel ?? 0,
        note.instrument,
        note.pitch,
        note.velocity,
        start - base,
        note.durationFrames,
      );
    }
    synth.render(block, n);
    out.set(block.subarray(0, n), base);
  }
  return out;
}
