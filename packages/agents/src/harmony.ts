/**
 * The harmony: close-position chord voicings between C3 and C5, each chosen nearest to the
 * previous chord's voicing (voice leading). Rock comping: a long chord on beat 1 and a push on
 * the "and of 2" or on beat 3. Pure; pipeline thread.
 *
 * Voice leading without state: the voicing of a chord is derived from the chart alone. The chain
 * restarts at every section pass from the previous chord's "home" voicing (the one nearest the
 * middle of the register), so computing a voicing costs at most one section of chords, whatever
 * the window.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent, onGrid, ticks, velocity } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { jitter } from "./random.js";
import type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";

const AGENT_KEY = 3;
/** The register: C3..C5. */
const LOW = 48;
const HIGH = 72;
/** Where a "home" voicing sits (mean pitch): around E4. */
const HOME = 62;

/** At most four voices: root, third, seventh and the rest in order; the fifth goes first. */
function voices(tones: readonly number[]): number[] {
  if (tones.length <= 4) return [...tones];
  const [root, ...rest] = tones;
  const withoutFifth = rest.filter((pc) => pc !== ((root ?? 0) + 7) % 12);
  return [root ?? 0, ...withoutFifth].slice(0, 4);
}

/**
 * Every close-position voicing (any inversion) of the chord's tones that fits in C3..C5,
 * each sorted low to high.
 * @example voicingCandidates([0, 4, 7])[0] // => [48, 52, 55] (C3 E3 G3)
 */
export function voicingCandidates(tones: readonly number[]): number[][] {
  const pcs = voices(tones);
  const out: number[][] = [];
  for (let inv = 0; inv < pcs.length; inv++) {
    for (let bottom = LOW; bottom <= HIGH; bottom++) {
      if (bottom % 12 !== pcs[inv]) continue;
      const v = [bottom];
      for (let k = 1; k < pcs.length; k++) {
        const pc = pcs[(inv + k) % pcs.length]!;
        const prev = v[v.length - 1]!;
        v.push(prev + ((((pc - prev) % 12) + 12) % 12 || 12));
      }
      if (v[v.length - 1]! <= HIGH) out.push(v);
    }
  }
  return out.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
}

/**
 * Total semitones the voices move from `a` to `b` (both sorted low to high). With equal sizes,
 * voice i goes to voice i; otherwise every note of the larger chord is matched to its nearest
 * note in the smaller one.
 * @example voiceMovement([48, 52, 55], [48, 53, 57]) // => 3 (C → F/C: E→F, G→A)
 */
export function voiceMovement(a: readonly number[], b: readonly number[]): number {
  if (a.length === b.length) {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return sum;
  }
  const [big, small] = a.length > b.length ? [a, b] : [b, a];
  let sum = 0;
  for (const x of big) {
    let best = Infinity;
    for (const y of small) best = Math.min(best, Math.abs(x - y));
    sum += best;
  }
  return sum;
}

function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

/** The voicing nearest `previous` (or nearest home without one), with a light pull home. */
function lead(tones: readonly number[], previous: readonly number[] | null): number[] {
  let best: number[] = [];
  let bestCost = Infinity;
  for (const c of voicingCandidates(tones)) {
    const home = Math.abs(mean(c) - HOME);
    const cost = previous ? voiceMovement(previous, c) + 0.25 * home : home;
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

/** The last chord with tones before bar `index` (its last one), or null. */
function chordBefore(song: CompiledSong, index: number): ChordInfo | null {
  for (let i = index - 1; i >= 0; i--) {
    const chords = song.bars[i]?.chords ?? [];
    for (let k = chords.length - 1; k >= 0; k--) if (chords[k]!.tones.length > 0) return chords[k]!;
  }
  return null;
}

/**
 * The voicings of the chords of one bar (empty for N.C.), derived from the chart alone by
 * leading from the start of the section pass.
 */
export function barVoicings(song: CompiledSong, bar: CompiledBar): number[][] {
  const passStart = bar.index - bar.barInSection;
  const before = chordBefore(song, passStart);
  let previous: number[] | null = before ? lead(before.tones, null) : null;
  let result: number[][] = [];
  for (let i = passStart; i <= bar.index; i++) {
    const b = song.bars[i]!;
    result = b.chords.map((c) => {
      if (c.tones.length === 0) return [];
      previous = lead(c.tones, previous);
      return previous;
    });
  }
  return result;
}

/** Comping hits of a chord: [offset from the chord start, duration] pairs. */
function hits(chord: ChordInfo, bar: CompiledBar, rock: boolean): [number, number][] {
  const len = chord.end - chord.start;
  if (!rock || bar.intensity <= 1) return [[0, len * 0.92]];
  const startsBar = chord.start === bar.start;
  if (len >= 4 && startsBar) {
    // Alternate the push: "and of 2" in even bars of the section, beat 3 in odd ones.
    return bar.barInSection % 2 === 0
      ? [
          [0, 1.4],
          [1.5, 2.3],
        ]
      : [
          [0, 1.9],
          [2, 1.8],
        ];
  }
  if (len >= 3) {
    return [
      [0, 1.4],
      [1.5, len - 1.5 - 0.15],
    ];
  }
  return [[0, len * 0.9]];
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const out: NoteEvent[] = [];
  const voicings = barVoicings(ctx.song, bar);
  const rock = ctx.song.beatsPerBar === 4;
  const base = 48 + bar.intensity * 8;
  bar.chords.forEach((chord, i) => {
    const v = voicings[i];
    if (!v || v.length === 0) return;
    for (const [offset, duration] of hits(chord, bar, rock)) {
      const start = chord.start + offset;
      for (const pitch of v) {
        out.push({
          agent: "harmony",
          instrument: "epiano",
          pitch,
          velocity: velocity(
            base -
              (offset > 0 ? 6 : 0) +
              jitter(4, ctx.seed, AGENT_KEY, bar.index, ticks(start - bar.start), pitch),
          ),
          start: onGrid(start),
          duration: onGrid(Math.min(duration, chord.end - start - 0.05)),
        });
      }
    }
  });
  return out;
}

/** The harmony agent ("harmony" on the "epiano" voice). */
export const harmonyAgent: Agent = barAgent("harmony", "epiano", playBar);
