/**
 * The drums: a rock kit pattern. In 4/4: kick on 1 and 3 (and the "and of 3" in alternate
 * bars), snare on 2 and 4, closed-hat eighths accented on the beats, a crash on beat 1 of every
 * section pass, and a snare/kick fill at the end of every section pass. Other meters: kick on 1,
 * snare on the back beats, hat on every beat. Pure; pipeline thread.
 */
import type { NoteEvent } from "@performia/protocol";
import { DRUM } from "@performia/protocol";
import { barAgent, onGrid, ticks, velocity } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { jitter } from "./random.js";
import type { CompiledBar } from "./song.js";

const AGENT_KEY = 2;

/**
 * The beats (0-based) that carry the snare in a bar of `n` beats.
 * @example snareBeats(4) // => [1, 3]
 * @example snareBeats(6) // => [3]
 * @example snareBeats(3) // => [1, 2]
 */
export function snareBeats(n: number): number[] {
  if (n === 4) return [1, 3];
  if (n <= 3) return Array.from({ length: n - 1 }, (_, i) => i + 1);
  if (n % 3 === 0) return Array.from({ length: n / 3 - 1 }, (_, i) => 3 * (i + 1));
  if (n % 2 === 0) return Array.from({ length: n / 2 }, (_, i) => 2 * i + 1);
  return [Math.floor(n / 2), n - 1];
}

/** How many beats the fill at the end of a section takes. */
function fillBeats(bar: CompiledBar): number {
  return bar.intensity >= 4 ? 2 : 1;
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const out: NoteEvent[] = [];
  const bpb = ctx.song.beatsPerBar;
  const level = 50 + bar.intensity * 10;
  const hit = (pitch: number, offset: number, vel: number, duration = 0.25) => {
    out.push({
      agent: "drums",
      instrument: "drums",
      pitch,
      velocity: velocity(vel + jitter(4, ctx.seed, AGENT_KEY, bar.index, ticks(offset), pitch)),
      start: onGrid(bar.start + offset),
      duration: onGrid(duration),
    });
  };
  const fillFrom = bar.isSectionEnd ? bpb - Math.min(fillBeats(bar), bpb - 1) : bpb;
  const rock = bpb === 4;

  // Groove up to the fill.
  const hatStep = rock ? 0.5 : 1;
  for (let t = 0; t < fillFrom - 1e-9; t += hatStep) {
    if (t === 0 && bar.isSectionStart) continue; // the crash takes the hat's place
    hit(DRUM.closedHat, t, Number.isInteger(t) ? level : level - 18, 0.2);
  }
  if (bar.isSectionStart) hit(DRUM.crash, 0, level + 15, Math.min(2, bpb));
  const kicks = rock ? (bar.barInSection % 2 === 1 ? [0, 2, 2.5] : [0, 2]) : [0];
  for (const k of kicks) if (k < fillFrom) hit(DRUM.kick, k, level + (k === 0 ? 12 : 6));
  for (const s of snareBeats(bpb)) if (s < fillFrom) hit(DRUM.snare, s, level + 10);

  // Fill: sixteenth notes on the snare, the kick doubling each beat, rising in level.
  if (fillFrom < bpb) {
    const steps = (bpb - fillFrom) * 4;
    for (let i = 0; i < steps; i++) {
      const t = fillFrom + i / 4;
      const rise = (i / steps) * 20;
      hit(DRUM.snare, t, level - 5 + rise, 0.2);
      if (i % 4 === 0) hit(DRUM.kick, t, level + rise, 0.2);
    }
  }
  return out;
}

/** The drums agent ("drums" on the "drums" voice); pitches are General MIDI keys (`DRUM`). */
export const drumsAgent: Agent = barAgent("drums", "drums", playBar);
