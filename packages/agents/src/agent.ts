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
  /**
   * A style name (see `STYLES`); "auto" (or "") plays the chart's suggested style; an unknown
   * name plays the default style (`styleOf`).
   */
  style: string;
  /** The session's seed: humanization draws `random(seed, agentKey, bar, step...)`. */
  seed: number;
  /** A live override (1–5) of every section's intensity; null or absent: the chart's. */
  intensity?: number | null;
  /** What the performer played recently, for the responder. */
  performer?: PerformerView;
}

/** A performed note, quantized to the beat grid by the engine. */
export interface PerformerNote {
  start: Beats;
  end: Beats;
  /** MIDI note number (may be fractional before rounding; agents round it). */
  midi: number;
}

/**
 * The performer as the band hears it: recent notes (oldest first, a few bars are enough) and
 * `now`, the beat up to which the analysis has listened (a rest is only a rest up to `now`).
 */
export interface PerformerView {
  now: Beats;
  notes: readonly PerformerNote[];
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

/** Bars remembered per agent and song (see `barAgent`). */
const BAR_CACHE_SIZE = 6;

/**
 * What a bar's notes depend on besides the song and the bar: the style, the seed and the
 * intensity override (not the performer, which changes every block).
 */
function barKey(ctx: MusicalContext): string {
  return `${ctx.style}\u0000${ctx.seed}\u0000${ctx.intensity ?? ""}`;
}

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
  // A bar's notes are a pure function of the bar, the song, the style, the seed and the
  // intensity override, so they are remembered per song and that key: windows advance a block
  // at a time and would otherwise re-play the same bar hundreds of times, and the engine makes a
  // new context whenever the performer view changes. Only the last few bars are kept.
  const cache = new WeakMap<CompiledSong, Map<number, { key: string; notes: NoteEvent[] }>>();
  const barNotes = (bar: CompiledBar, ctx: MusicalContext, key: string): NoteEvent[] => {
    let bars = cache.get(ctx.song);
    if (!bars) cache.set(ctx.song, (bars = new Map<number, { key: string; notes: NoteEvent[] }>()));
    const hit = bars.get(bar.index);
    if (hit && hit.key === key) return hit.notes;
    const notes = playBar(bar, ctx);
    if (hit) bars.delete(bar.index);
    else if (bars.size >= BAR_CACHE_SIZE) bars.delete(bars.keys().next().value!);
    bars.set(bar.index, { key, notes });
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
      // One bar either side as well: a note played ahead of (or behind) the beat may start in
      // the neighbouring bar.
      const first = Math.max(0, Math.floor(from / song.beatsPerBar) - 1);
      const last = Math.min(song.bars.length - 1, Math.ceil(to / song.beatsPerBar));
      const key = barKey(ctx);
      const out: NoteEvent[] = [];
      for (let i = first; i <= last; i++) {
        const bar = song.bars[i];
        if (!bar) continue;
        for (const n of barNotes(bar, ctx, key)) {
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
