/**
 * The responder: answers the performer's phrases in the gaps (call and response). When the
 * performer view shows a rest of at least `PHRASE_GAP` beats after a phrase (of two notes or
 * more), it plays a short answer built from the phrase's last notes: their rhythm (on the
 * sixteenth grid, compressed when long) and contour (echoed or mirrored, a seeded choice), moved
 * into its register and fitted to the chord at each note (chord tones on the beats, scale tones
 * between), ending on a chord tone. Silent while the performer plays, and without a performer
 * view. The answer starts on the first beat at least `ANSWER_LEAD` beats after the rest was
 * heard, so it is still ahead of the playhead when the engine asks a window or two ahead.
 * A pure function of the context (memoized per performer view); pipeline thread.
 */
import type { NoteEvent } from "@performia/protocol";
import { beats } from "@performia/protocol";
import { onGrid, ticks, velocity } from "./agent.js";
import type { Agent, BeatWindow, MusicalContext, PerformerNote, PerformerView } from "./agent.js";
import { intensityOf, meterOf, styleFor, swung } from "./feel.js";
import { jitter, random } from "./random.js";
import { chordAt } from "./song.js";
import { chordScale, nearest } from "./theory.js";

const AGENT_KEY = 6;
/** A rest this long (beats) ends a phrase. */
export const PHRASE_GAP = 1;
/** The answer starts this many beats (at least) after the phrase's rest has been heard. */
export const ANSWER_LEAD = 1;
/** The longest answer, in beats, and its most notes. */
export const ANSWER_BEATS = 3;
export const ANSWER_NOTES = 5;
/** The answer's register (vibraphone: F3..F6); it sits around C5. */
export const RESPONDER_LOW = 53;
export const RESPONDER_HIGH = 89;
const CENTER = 72;

/** The last phrase of the performer: notes after the last rest of `PHRASE_GAP`, if it has ended by `now`. */
export function lastPhrase(notes: readonly PerformerNote[], now: number): PerformerNote[] {
  if (notes.length === 0) return [];
  let end = -Infinity;
  for (const n of notes) end = Math.max(end, n.end);
  if (now - end < PHRASE_GAP) return [];
  let first = notes.length - 1;
  while (first > 0 && notes[first]!.start - notes[first - 1]!.end < PHRASE_GAP) first--;
  return notes.slice(first);
}

function fit(pitch: number, pcs: readonly number[]): number {
  let best = pitch;
  let cost = Infinity;
  for (const pc of pcs) {
    const c = nearest(pc, pitch);
    if (Math.abs(c - pitch) < cost) {
      cost = Math.abs(c - pitch);
      best = c;
    }
  }
  return best;
}

/** The whole answer for a context (possibly empty). */
export function answer(ctx: MusicalContext): NoteEvent[] {
  const view = ctx.performer;
  if (!view) return [];
  const phrase = lastPhrase(view.notes, view.now);
  if (phrase.length < 2) return [];
  const song = ctx.song;
  const style = styleFor(ctx);
  const meter = meterOf(song);
  const swing = meter.compound ? 0.5 : style.swing;
  let phraseEnd = -Infinity;
  for (const n of phrase) phraseEnd = Math.max(phraseEnd, n.end);
  // Anchored to the phrase, not to `now`: the same answer whenever it is asked.
  const at = Math.ceil(phraseEnd + PHRASE_GAP + ANSWER_LEAD - 1e-9);
  const startBar = song.bars[Math.floor(at / song.beatsPerBar)];
  if (!startBar) return [];
  const seedKey = ticks(phrase[0]!.start);

  // The motif: the last notes, their rhythm on the sixteenth grid, compressed to fit.
  const motif = phrase.slice(-ANSWER_NOTES);
  const t0 = motif[0]!.start;
  const span = motif[motif.length - 1]!.start - t0;
  const scale = span > ANSWER_BEATS - 0.5 ? (ANSWER_BEATS - 0.5) / span : 1;
  const mirror = random(ctx.seed, AGENT_KEY, seedKey, 1) < 0.5;
  const firstPitch = Math.round(motif[0]!.midi);
  // Into the register around its centre, by octaves.
  const shift = 12 * Math.round((CENTER - firstPitch) / 12);
  const intensity = intensityOf(startBar, ctx);
  const out: NoteEvent[] = [];
  let lastOffset = -1;
  motif.forEach((n, k) => {
    const offset = Math.round(((n.start - t0) * scale) / 0.25) * 0.25;
    if (offset <= lastOffset) return;
    lastOffset = offset;
    const beat = at + offset;
    const chord = chordAt(song, onGrid(beat));
    if (!chord || chord.root === null) return;
    const interval = Math.round(n.midi) - firstPitch;
    let pitch = firstPitch + shift + (mirror ? -interval : interval);
    const strong = Number.isInteger(offset) || k === motif.length - 1;
    pitch = fit(pitch, strong ? chord.tones : chordScale(chord));
    while (pitch < RESPONDER_LOW) pitch += 12;
    while (pitch > RESPONDER_HIGH) pitch -= 12;
    const nextOffset =
      k + 1 < motif.length ? Math.round(((motif[k + 1]!.start - t0) * scale) / 0.25) * 0.25 : offset + 1;
    const length = Math.max(0.25, Math.min(nextOffset - offset, 1.5));
    const start =
      Math.floor(beat) +
      swung(beat - Math.floor(beat), swing) +
      style.feel.responder +
      jitter(style.humanize, ctx.seed, AGENT_KEY, seedKey, ticks(offset));
    const end = Math.min(
      song.totalBeats,
      Math.floor(beat) + swung(beat - Math.floor(beat) + length * 0.9, swing),
    );
    const s = onGrid(Math.max(0, start));
    if (s >= song.totalBeats || end - s <= 0) return;
    out.push({
      agent: "responder",
      instrument: "vibes",
      pitch,
      velocity: velocity(
        46 + intensity * 7 - k * 2 + jitter(style.velocitySpread, ctx.seed, AGENT_KEY, seedKey, k, 3),
      ),
      start: s,
      duration: onGrid(Math.max(1 / 480, end - s)),
    });
  });
  return out;
}

/**
 * The performer view from what the analysis heard (notes in beats, oldest first): onsets and ends
 * on the sixteenth grid, pitches rounded, only the last `keepBeats` beats, notes shorter than a
 * thirty-second dropped. For the engine, which builds one per block (a new object each time).
 * @example toPerformerView([{ start: 3.02, end: 3.4, midi: 64.2 }], 5).notes // => [{ start: 3, end: 3.5, midi: 64 }]
 */
export function toPerformerView(
  heard: readonly { start: number; end: number; midi: number }[],
  now: number,
  keepBeats = 16,
): PerformerView {
  const q = (b: number) => beats(Math.round(b * 4) / 4);
  const notes: PerformerNote[] = [];
  for (const n of heard) {
    if (!(n.end - n.start >= 0.125) || n.end < now - keepBeats || !Number.isFinite(n.midi)) continue;
    const start = q(n.start);
    const end = q(Math.max(n.end, n.start + 0.25));
    notes.push({ start, end: end > start ? end : beats(start + 0.25), midi: Math.round(n.midi) });
  }
  notes.sort((a, b) => a.start - b.start);
  return { now: beats(now), notes };
}

/** A fresh responder agent ("responder" on the "vibes" voice). */
export function createResponderAgent(): Agent {
  const memo = new WeakMap<object, { key: string; notes: NoteEvent[] }>();
  return {
    name: "responder",
    instrument: "vibes",
    play(window: BeatWindow, ctx: MusicalContext): NoteEvent[] {
      const view = ctx.performer;
      if (!view || view.notes.length === 0 || !(window.to > window.from)) return [];
      const key = `${ctx.style}\u0000${ctx.seed}\u0000${ctx.intensity ?? ""}\u0000${view.now}`;
      let hit = memo.get(view);
      if (!hit || hit.key !== key) memo.set(view, (hit = { key, notes: answer(ctx) }));
      const out: NoteEvent[] = [];
      for (const n of hit.notes) if (n.start >= window.from && n.start < window.to) out.push(n);
      return out;
    },
  };
}

/** The responder agent. */
export const responderAgent: Agent = createResponderAgent();
