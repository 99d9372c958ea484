/**
 * The harmony the agents need, from a compiled chord: its third, fifth and seventh, the scale
 * that fits it, its tensions, voicings (close, rootless, spread) and voice leading. Pure.
 */
import type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";

/** Pitch classes relative to the root (0..11). */
function rel(chord: ChordInfo): number[] {
  const r = chord.root ?? 0;
  return chord.tones.map((t) => (((t - r) % 12) + 12) % 12);
}

/** The chord's shape: intervals above the root of its third, fifth and seventh (null if absent). */
export interface Shape {
  third: number | null;
  fifth: number;
  seventh: number | null;
  minor: boolean;
  dominant: boolean;
}

/** @example shape(G7) // => { third: 4, fifth: 7, seventh: 10, minor: false, dominant: true } */
export function shape(chord: ChordInfo): Shape {
  const r = rel(chord);
  const has = (i: number) => r.includes(i);
  const third = has(4) ? 4 : has(3) ? 3 : has(5) ? 5 : has(2) ? 2 : null;
  const fifth = has(7) ? 7 : has(6) ? 6 : has(8) ? 8 : 7;
  const dim7 = third === 3 && fifth === 6 && has(9) && !has(10);
  const seventh = has(11) ? 11 : has(10) ? 10 : dim7 ? 9 : null;
  return { third, fifth, seventh, minor: third === 3, dominant: third !== 3 && seventh === 10 };
}

const IONIAN = [0, 2, 4, 5, 7, 9, 11];
const MIXOLYDIAN = [0, 2, 4, 5, 7, 9, 10];
const DORIAN = [0, 2, 3, 5, 7, 9, 10];
const MELODIC = [0, 2, 3, 5, 7, 9, 11];
const LOCRIAN2 = [0, 2, 3, 5, 6, 8, 10];
const DIMINISHED = [0, 2, 3, 5, 6, 8, 9, 11];
const WHOLE_TONE = [0, 2, 4, 6, 8, 10];

/**
 * The chord scale (pitch classes, absolute, ascending from the root): ionian for major,
 * mixolydian for dominants, dorian for minor sevenths, locrian ♮2 for half-diminished,
 * whole-half for diminished; the chord's own tones always included. Empty for N.C.
 * @example chordScale(Dm7) // => [2, 4, 5, 7, 9, 11, 0]
 */
export function chordScale(chord: ChordInfo): number[] {
  if (chord.root === null) return [];
  const s = shape(chord);
  let scale: number[];
  if (s.third === 3) {
    if (s.fifth === 6) scale = s.seventh === 9 ? DIMINISHED : LOCRIAN2;
    else scale = s.seventh === 11 ? MELODIC : DORIAN;
  } else if (s.fifth === 8) scale = WHOLE_TONE;
  else scale = s.seventh === 10 || s.third !== 4 ? MIXOLYDIAN : IONIAN;
  const r = rel(chord);
  // A chord tone outside the scale is an alteration: it replaces its neighbouring scale degree
  // (a ♭9 or ♯9 the 9, a ♯11 the 11, a ♭13 the 5 or 13) unless that degree is a chord tone too.
  const altered = r.filter((t) => !scale.includes(t));
  const out = scale.filter((d) => r.includes(d) || !altered.some((t) => Math.abs(t - d) === 1));
  for (const t of r) if (!out.includes(t)) out.push(t);
  out.sort((a, b) => a - b);
  return out.map((d) => (d + chord.root!) % 12);
}

/** The pitch class `interval` semitones above the root. */
function above(chord: ChordInfo, interval: number): number {
  return ((chord.root ?? 0) + interval) % 12;
}

/** The chord's ninth (as written when altered, else natural; ♭9 never added to minor). */
export function ninth(chord: ChordInfo): number {
  const r = rel(chord);
  if (r.includes(1)) return above(chord, 1);
  if (r.includes(3) && shape(chord).third === 4) return above(chord, 3);
  return above(chord, 2);
}

/**
 * Pitch classes of a voicing, lowest voice first, for a family:
 * - rootless (jazz, bossa, funk): 3-5-7-9 on major and minor sevenths, 3-13-7-9 on dominants
 *   (the 9th as written: ♭9, ♯9),
 *   3-5-6-9 on triads and sixths, ♭3-♭5-♭7-11 half-diminished, the four tones of a dim7;
 * - triad: the triad, with an added 9th when `color` (pop) and the chord is a plain triad;
 * - spread: root, fifth, third, seventh-or-octave (spread over a wide register by `voicings`).
 * @example voicingTones(G7, "rootless") // => [11, 4, 5, 9]  (B E F A)
 */
export function voicingTones(
  chord: ChordInfo,
  kind: "rootless" | "triad" | "spread",
  color = false,
): number[] {
  if (chord.root === null || chord.tones.length === 0) return [];
  const s = shape(chord);
  const third = s.third ?? 7;
  const seventh = s.seventh;
  const pcs: number[] = [];
  // The ninth as written (♭9, ♯9) or natural.
  const nine = (ninth(chord) - (chord.root ?? 0) + 12) % 12;
  if (kind === "rootless") {
    if (s.third === 3 && s.fifth === 6) {
      pcs.push(3, 6, seventh ?? 10, seventh === 9 ? 0 : 5);
    } else if (seventh === null) {
      pcs.push(third, s.fifth, 9, nine);
    } else if (s.dominant) {
      pcs.push(third, 9, seventh, nine);
    } else {
      pcs.push(third, s.fifth, seventh, nine);
    }
  } else if (kind === "triad") {
    pcs.push(0, third, s.fifth);
    if (color && seventh === null && chord.tones.length <= 3) pcs.push(2);
    else if (seventh !== null) pcs.push(seventh);
    // Close position: the tones in order above the root.
    pcs.sort((a, b) => a - b);
  } else {
    pcs.push(0, s.fifth, third + 12, seventh ?? 12);
  }
  const out: number[] = [];
  for (const p of pcs) {
    const pc = above(chord, p % 12);
    if (!out.includes(pc)) out.push(pc);
  }
  return out;
}

/** The pitch of class `pc` nearest `target` (the lower one on a tie). @example nearest(0, 65) // => 60 */
export function nearest(pc: number, target: number): number {
  const base = target - ((((target - pc) % 12) + 12) % 12);
  return target - base <= base + 12 - target ? base : base + 12;
}

/** The pitch of class `pc` in [lo, lo + 11]. @example placeFrom(9, 28) // => 33 */
export function placeFrom(pc: number, lo: number): number {
  return lo + ((((pc - lo) % 12) + 12) % 12);
}

/**
 * Every voicing of the pitch classes in the register: each rotation in close position, or its
 * drop-2 form when `spread`, sorted low to high.
 */
export function candidates(pcs: readonly number[], lo: number, hi: number, spread = false): number[][] {
  const out: number[][] = [];
  const n = pcs.length;
  for (let inv = 0; inv < n; inv++) {
    const bottomPc = pcs[inv]!;
    for (let bottom = placeFrom(bottomPc, lo - 12); bottom <= hi; bottom += 12) {
      const v = [bottom];
      for (let k = 1; k < n; k++) {
        const pc = pcs[(inv + k) % n]!;
        const prev = v[v.length - 1]!;
        v.push(prev + ((((pc - prev) % 12) + 12) % 12 || 12));
      }
      if (spread && n >= 4) {
        // Drop 2: the second voice from the top goes down an octave.
        v[n - 2] = v[n - 2]! - 12;
        v.sort((a, b) => a - b);
      }
      if (v[0]! >= lo && v[v.length - 1]! <= hi) out.push(v);
    }
  }
  return out;
}

/**
 * Total semitones the voices move from `a` to `b` (both sorted low to high). With equal sizes,
 * voice i goes to voice i; otherwise every note of the larger chord is matched to its nearest
 * note in the smaller one.
 * @example voiceMovement([48, 52, 55], [48, 53, 57]) // => 3 (C → F/C: E→F, G→A)
 */
export function voiceMovement(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
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

/** A register for voicings: lowest and highest note, and where a "home" voicing sits (mean). */
export interface Register {
  lo: number;
  hi: number;
  home: number;
  spread?: boolean;
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** The voicing nearest `previous` (or nearest home without one), with a light pull home. */
export function lead(pcs: readonly number[], previous: readonly number[] | null, reg: Register): number[] {
  let best: number[] = [];
  let bestCost = Infinity;
  for (const c of candidates(pcs, reg.lo, reg.hi, reg.spread)) {
    const home = Math.abs(mean(c) - reg.home);
    const cost = previous && previous.length > 0 ? voiceMovement(previous, c) + 0.3 * home : home;
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
 * The voice-led voicings of the chords of one bar (empty for N.C.), derived from the chart alone:
 * the chain restarts at every section pass from the previous chord's home voicing, so a bar
 * costs at most one section of chords whatever the window, and any bar can be played first.
 * `tonesOf` gives each chord's pitch classes (it may vary them by bar and chord, purely).
 */
export function ledVoicings(
  song: CompiledSong,
  bar: CompiledBar,
  reg: Register,
  tonesOf: (chord: ChordInfo, barIndex: number, chordIndex: number) => number[],
): number[][] {
  const passStart = bar.index - bar.barInSection;
  const before = chordBefore(song, passStart);
  let previous: number[] | null = before ? lead(tonesOf(before, passStart - 1, -1), null, reg) : null;
  let result: number[][] = [];
  for (let i = passStart; i <= bar.index; i++) {
    const b = song.bars[i]!;
    result = b.chords.map((c, k) => {
      if (c.tones.length === 0) return [];
      previous = lead(tonesOf(c, i, k), previous, reg);
      return previous;
    });
  }
  return result;
}

/** The next chord after chord `i` of the bar (in this bar or the next), or undefined at the end. */
export function nextChord(song: CompiledSong, bar: CompiledBar, i: number): ChordInfo | undefined {
  return bar.chords[i + 1] ?? song.bars[bar.index + 1]?.chords[0];
}
