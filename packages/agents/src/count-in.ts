/**
 * The count-in: the closed hi-hat on every beat of the bars before bar 1 (the first beat of each bar
 * louder), so the performer hears the tempo and where bar 1 falls. A pure function of the
 * window, like the agents.
 */
import type { NoteEvent } from "@performia/protocol";
import { beats, DRUM } from "@performia/protocol";
import type { BeatWindow } from "./agent.js";

export const COUNT_IN_AGENT = "count-in";

/**
 * The count-in's notes whose start lies in the window (beats before 0), appended to `out`.
 * @example countInNotes({ from: beats(-4), to: beats(0) }, 4, []).length // => 4
 */
export function countInNotes(window: BeatWindow, beatsPerBar: number, out: NoteEvent[]): NoteEvent[] {
  const first = Math.ceil(window.from - 1e-9);
  for (let b = first; b < Math.min(0, window.to); b++) {
    const downbeat = ((b % beatsPerBar) + beatsPerBar) % beatsPerBar === 0;
    out.push({
      agent: COUNT_IN_AGENT,
      instrument: "drums",
      pitch: DRUM.closedHat,
      velocity: downbeat ? 112 : 84,
      start: beats(b),
      duration: beats(0.25),
    });
  }
  return out;
}
