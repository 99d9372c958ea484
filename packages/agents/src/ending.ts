/**
 * The ending: on the song's last bar the band stops its patterns and lands together on the
 * downbeat, letting that chord ring to the end of the bar (a fermata of one bar), with a crash
 * and a kick under it. A pure function of the notes the agents chose and the song.
 */
import type { NoteEvent } from "@performia/protocol";
import { beats, DRUM } from "@performia/protocol";
import { onGrid } from "./agent.js";
import type { CompiledSong } from "./song.js";

/** Notes this close to the last bar's downbeat (in beats) count as played on it (humanization). */
const ON_DOWNBEAT = 0.125;

/**
 * The notes of a window (in the chart's beats) with the last bar turned into an ending.
 * @example applyEnding(notes, song) // notes of earlier bars unchanged
 */
export function applyEnding(notes: readonly NoteEvent[], song: CompiledSong): NoteEvent[] {
  const last = song.bars[song.bars.length - 1];
  if (!last) return [...notes];
  const start = last.start;
  const end = song.totalBeats;
  const out: NoteEvent[] = [];
  let drumsOnOne = false;
  for (const n of notes) {
    if (n.start < start) {
      out.push(n);
      continue;
    }
    if (n.start - start > ON_DOWNBEAT) continue;
    if (n.instrument === "drums") {
      drumsOnOne = true;
      if (n.pitch === DRUM.kick || n.pitch === DRUM.crash) out.push(n);
      continue;
    }
    out.push({ ...n, duration: onGrid(Math.max(n.duration, end - n.start)) });
  }
  // The crash and the kick under the last chord (when the drummer plays at all).
  if (drumsOnOne) {
    const drummer = notes.find((n) => n.instrument === "drums" && n.start >= start)!;
    for (const pitch of [DRUM.kick, DRUM.crash]) {
      if (!out.some((n) => n.instrument === "drums" && n.pitch === pitch && n.start >= start)) {
        out.push({ ...drummer, pitch, velocity: 110, start: beats(start), duration: beats(1) });
      }
    }
  }
  return out;
}
