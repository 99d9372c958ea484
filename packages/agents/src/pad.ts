/**
 * The pad: sustained, voice-led chords (strings or a synth pad) under the band. Each chord is
 * held to its end; a chord that carries on over a bar line is tied across pairs of bars (struck
 * on even bars of the section, held through the odd ones). Intensity raises the level and, from
 * 4, doubles the top voice an octave up. The style sets the level (quiet in rock and funk).
 * Pure; pipeline thread.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { intensityOf, Player } from "./feel.js";
import type { CompiledBar, CompiledSong } from "./song.js";
import { ledVoicings, voicingTones } from "./theory.js";

const AGENT_KEY = 5;
/** The pad's register: G3..G5. */
export const PAD_LOW = 55;
export const PAD_HIGH = 79;

/** Whether the bar's first chord only continues the previous bar's last one (held, not struck). */
export function tiedIn(song: CompiledSong, bar: CompiledBar): boolean {
  if (bar.isSectionStart || bar.barInSection % 2 === 0) return false;
  const prev = song.bars[bar.index - 1];
  const last = prev?.chords[prev.chords.length - 1];
  const first = bar.chords[0];
  return !!last && !!first && last.symbol === first.symbol && first.tones.length > 0;
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const p = new Player("pad", "pad", "pad", AGENT_KEY, bar, ctx);
  const intensity = intensityOf(bar, ctx);
  const level = 0.55 + 0.45 * p.style.pad;
  const vel = (40 + intensity * 10) * level;
  const voicings = ledVoicings(ctx.song, bar, { lo: PAD_LOW, hi: PAD_HIGH, home: 65 }, (c) =>
    voicingTones(c, p.style.voicing === "rootless" ? "rootless" : "triad", false),
  );
  const next = ctx.song.bars[bar.index + 1];
  bar.chords.forEach((chord, i) => {
    const v = voicings[i];
    if (!v || v.length === 0) return;
    if (i === 0 && tiedIn(ctx.song, bar)) return;
    const s = chord.start - bar.start;
    let e = chord.end - bar.start;
    // Held over the bar line into a tied bar.
    if (i === bar.chords.length - 1 && next && tiedIn(ctx.song, next)) e += next.chords[0]!.end - next.start;
    const pitches = intensity >= 4 && v[v.length - 1]! + 12 <= 88 ? [...v, v[v.length - 1]! + 12] : v;
    for (const pitch of pitches) p.note(pitch, s, e - s - 0.06, vel);
  });
  return p.out;
}

/** A fresh pad agent ("pad" on the "pad" voice). */
export function createPadAgent(): Agent {
  return barAgent("pad", "pad", playBar);
}

/** The pad agent. */
export const padAgent: Agent = createPadAgent();
