/**
 * What an agent is: a pure query from a window of beats and the musical context to note events.
 * Agents run on the pipeline thread, once per block, for the window the conductor hands out.
 */
import type { Beats, Instrument, NoteEvent } from "@performia/protocol";
import { beats } from "@performia/protocol";
import type { CompiledBar, CompiledSong } from "./song.js";

/** A half-open window of musical time, [from, to). */
export interface BeatWindow {
  from: Beats;
  to: Beats;
}

/** Everything an agent may know. Pure data: the same context and window give the same notes. */
export interface MusicalContext {
  song: CompiledSong;
  style: string;
  /** The session's seed: humanization draws `random(seed, agentKey, bar, step...)`. */
  seed: number;
}

/**
 * A member of the band. `play` returns exactly the notes whose `start` lies in the window, so
 * play([a,b)) ∪ play([b,c)) = play([a,c)). No I/O, no clock, no Math.random, no module state.
 */
export interface Agent {
  readonly name: string;
  readonly instrument: Instrument;
  play(window: BeatWindow, ctx: MusicalContext): NoteEvent[];
}

/** Notes start on a grid of 1/480 beat, so positions are exact and comparable. */
export const TICKS_PER_BEAT = 480;

/** @example onGrid(1.3333333) // => 1.3333333333333333 (640/480) */
export function onGrid(b: number): Beats {
  return beats(Math.round(b * TICKS_PER_BEAT) / TICKS_PER_BEAT);
}

/** A beat position as an integer tick, for random keys. @example ticks(1.5) // => 720 */
export function ticks(b: number): number {
  return Math.round(b * TICKS_PER_BEAT);
}

/** MIDI velocity clamped to 1..127 and rounded. @example velocity(130.2) // => 127 */
export function velocity(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}

/** Bars remembered per agent and context (see `barAgent`). */
const BAR_CACHE_SIZE = 4;

/**
 * The pure per-bar form of an agent: all notes of one bar (each starting inside that bar).
 * `barAgent` turns it into an `Agent` that honours the window contract.
 */
export type BarPlayer = (bar: CompiledBar, ctx: MusicalContext) => NoteEvent[];

/**
 * An agent from a per-bar player: asks for every bar the window touches and keeps the notes
 * whose start lies in the window (and in the song), trimmed so none rings past the end.
 * @example const a = barAgent("click", "drums", (bar) => [note(bar.start)]);
 */
export function barAgent(name: string, instrument: Instrument, playBar: BarPlayer): Agent {
  // A bar's notes are a pure function of the bar and the (immutable) context, so they are
  // remembered per context object: windows advance a block at a time and would otherwise
  // re-play the same bar hundreds of times. Only the last few bars are kept.
  const cache = new WeakMap<MusicalContext, Map<number, NoteEvent[]>>();
  const barNotes = (bar: CompiledBar, ctx: MusicalContext): NoteEvent[] => {
    let bars = cache.get(ctx);
    if (!bars) cache.set(ctx, (bars = new Map<number, NoteEvent[]>()));
    let notes = bars.get(bar.index);
    if (!notes) {
      notes = playBar(bar, ctx);
      if (bars.size >= BAR_CACHE_SIZE) bars.delete(bars.keys().next().value!);
      bars.set(bar.index, notes);
    }
    return notes;
  };
  return {
    name,
    instrument,
    play(window: BeatWindow, ctx: MusicalContext): NoteEvent[] {
      const { song } = ctx;
      const from = Math.max(0, window.from);
      const to = Math.min(song.totalBeats, window.to);
      if (!(to > from)) return [];
      const first = Math.floor(from / song.beatsPerBar);
      const last = Math.min(song.bars.length - 1, Math.ceil(to / song.beatsPerBar) - 1);
      const out: NoteEvent[] = [];
      for (let i = first; i <= last; i++) {
        const bar = song.bars[i];
        if (!bar) continue;
        for (const n of barNotes(bar, ctx)) {
          if (n.start < from || n.start >= to) continue;
          const end = Math.min(n.start + n.duration, song.totalBeats);
          const duration = onGrid(end - n.start);
          if (duration > 0) out.push(duration === n.duration ? n : { ...n, duration });
        }
      }
      return out;
    },
  };
}

/** Deterministic order: start, then agent, pitch, duration, velocity. */
export function compareNotes(a: NoteEvent, b: NoteEvent): number {
  return (
    a.start - b.start ||
    (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0) ||
    a.pitch - b.pitch ||
    a.duration - b.duration ||
    a.velocity - b.velocity
  );
}

/**
 * Ask every enabled agent for the window. A throwing agent yields no notes and is reported in
 * `failures`; the band plays on. Runs on the pipeline thread.
 * @example playBand(defaultBand(), () => true, { from: beats(0), to: beats(4) }, ctx).notes.length // => > 0
 */
export function playBand(
  agents: readonly Agent[],
  enabled: (name: string) => boolean,
  window: BeatWindow,
  ctx: MusicalContext,
): { notes: NoteEvent[]; failures: { agent: string; error: string }[] } {
  const notes: NoteEvent[] = [];
  const failures: { agent: string; error: string }[] = [];
  for (const agent of agents) {
    if (!enabled(agent.name)) continue;
    try {
      const played = agent.play(window, ctx);
      for (const n of played) notes.push(n);
    } catch (err) {
      failures.push({ agent: agent.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  notes.sort(compareNotes);
  return { notes, failures };
}
