/**
 * The bass: the chord's bass note (the slash bass when written) on beat 1 of every bar and on
 * every chord change, in MIDI 28–55. Rock in 4/4: a driving eighth-note pulse with an octave
 * pop in alternate bars and a fifth leading into a chord change. Pure; pipeline thread.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent, onGrid, ticks, velocity } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { jitter } from "./random.js";
import type { ChordInfo, CompiledBar } from "./song.js";

const AGENT_KEY = 1;
/** The lowest bass note: E1. A pitch class is placed in E1..D#2 (28..39). */
const LOW = 28;
const HIGH = 55;

/** @example bassPitch(9) // => 33 (A1) */
export function bassPitch(pc: number): number {
  return LOW + ((((pc - LOW) % 12) + 12) % 12);
}

function nextChord(bar: CompiledBar, i: number, ctx: MusicalContext): ChordInfo | undefined {
  return bar.chords[i + 1] ?? ctx.song.bars[bar.index + 1]?.chords[0];
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const out: NoteEvent[] = [];
  const bpb = ctx.song.beatsPerBar;
  const rock = bpb === 4;
  // Intensity 1–2: quarter notes; 3+: eighths (rock in 4/4 only; other meters: quarters).
  const step = rock && bar.intensity >= 3 ? 0.5 : 1;
  const base = 58 + bar.intensity * 9;
  bar.chords.forEach((chord, i) => {
    if (chord.bass === null || chord.root === null) return;
    const pitch = bassPitch(chord.bass);
    const next = nextChord(bar, i, ctx);
    const changes = next !== undefined && next.symbol !== chord.symbol && next.bass !== null;
    for (let t: number = chord.start; t < chord.end - 1e-9; t += step) {
      const offset = t - bar.start;
      const first = t === chord.start;
      let p = pitch;
      if (!first && rock && step === 0.5) {
        // Variation, never on a chord's first note: octave pop on the "and of 2" every other bar,
        // the fifth on the "and of 4" leading into a chord change.
        if (offset === 1.5 && bar.barInSection % 2 === 1 && p + 12 <= HIGH) p += 12;
        if (offset === 3.5 && changes) p = bassPitch((chord.root + 7) % 12);
      }
      const accent = offset === 0 ? 10 : Number.isInteger(offset) ? 5 : 0;
      const len = Math.min(step, chord.end - t);
      out.push({
        agent: "bass",
        instrument: "bass",
        pitch: p,
        velocity: velocity(base + accent + jitter(5, ctx.seed, AGENT_KEY, bar.index, ticks(offset))),
        start: onGrid(t),
        duration: onGrid(len * (first && step === 1 ? 0.95 : 0.85)),
      });
    }
  });
  return out;
}

/** The bass agent ("bass" on the "bass" voice). */
export const bassAgent: Agent = barAgent("bass", "bass", playBar);
