/**
 * The drums: a groove per style and meter, a crash on beat 1 of every section pass (after the
 * song's first bar), a fill at the end of every section pass, dynamics from intensity, ghost
 * notes, and seeded variation drawn from two disjoint families (even and odd bars), so that two
 * neighbouring bars never play the same pattern by accident.
 * - jazz: the ride's "spang-a-lang" (swung), hi-hat pedal on 2 and 4 (the back beats of any
 *   meter), feathered kick, snare comping drops;
 * - rock: kick 1 and 3, snare 2 and 4, hat eighths (quarters when soft), open hat when loud;
 * - pop: kick 1, "and" of 2, 3; tambourine on the back beats when loud; hat sixteenths from 4;
 * - bossa: cross-stick on the two-bar bossa figure, kick 1 (and of 2) 3 (and of 4), shaker eighths;
 * - ballad: soft brushes (swishes of very soft snare), cross-stick on 4, soft ride;
 * - funk: hat sixteenths, syncopated kicks, snare 2 and 4 with ghost notes, open hat on the "and";
 * - classical: timpani on the downbeat, a suspended cymbal on section starts, rolls as fills.
 * In 3/4, 6/8 and 5/4 the kick takes the group starts and the snare the back beats. Pure.
 */
import type { NoteEvent } from "@performia/protocol";
import { DRUM } from "@performia/protocol";
import { barAgent } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { intensityOf, Player } from "./feel.js";
import type { CompiledBar } from "./song.js";
import type { DrumPattern } from "./styles.js";

const AGENT_KEY = 2;

/** The GM keys that count as fill instruments (snare, toms). */
export const FILL_KEYS: readonly number[] = [
  DRUM.snare,
  DRUM.lowFloorTom,
  DRUM.highFloorTom,
  DRUM.lowTom,
  DRUM.lowMidTom,
  DRUM.highMidTom,
  DRUM.highTom,
];
const TOMS_DOWN = [DRUM.highTom, DRUM.highMidTom, DRUM.lowTom, DRUM.lowFloorTom] as const;

/**
 * The beats (0-based) that carry the snare (the back beats) in a bar of `n` beats.
 * @example snareBeats(4) // => [1, 3]
 * @example snareBeats(6) // => [3]
 * @example snareBeats(3) // => [1, 2]
 * @example snareBeats(5) // => [2, 4]
 */
export function snareBeats(n: number): number[] {
  if (n === 4) return [1, 3];
  if (n <= 3) return Array.from({ length: n - 1 }, (_, i) => i + 1);
  if (n % 3 === 0) return Array.from({ length: n / 3 }, (_, i) => 3 * i + 3).filter((b) => b < n);
  if (n % 2 === 0) return Array.from({ length: n / 2 }, (_, i) => 2 * i + 1);
  return [Math.floor(n / 2), n - 1];
}

/** How many beats the fill at the end of a section takes. */
export function fillBeats(n: number, compound: boolean, intensity: number): number {
  if (compound) return 3;
  if (n <= 3) return 1;
  return intensity >= 4 ? 2 : 1;
}

type Hit = (key: number, offset: number, vel: number, dur?: number) => void;

/** The groove of one bar up to `until` (the fill's start). */
function groove(
  pattern: DrumPattern,
  p: Player,
  hit: Hit,
  level: number,
  intensity: number,
  until: number,
): void {
  const { meter, bar } = p;
  const n = meter.beats;
  const four = n === 4 && !meter.compound;
  const odd = bar.barInSection % 2 === 1;
  const back = snareBeats(n);
  const within = (t: number) => t < until - 1e-9;
  // One embellishment per bar from a family that depends on the bar's parity (see the header).
  const family = (options: readonly number[][], salt: number): number[] => {
    const half = Math.ceil(options.length / 2);
    const pool = odd ? options.slice(half) : options.slice(0, half);
    return pool[Math.floor(p.rand(salt) * pool.length)] ?? [];
  };
  const eighths = (from: number, to: number) => {
    const out: number[] = [];
    for (let t = from; t < to - 1e-9; t += meter.compound ? 1 : 0.5) out.push(t);
    return out;
  };
  // A spot for a variation hit: off the grid the groove uses, and in a different place in even
  // and odd bars (the "e" of a beat in even bars, its "a" in odd ones; in swing and compound
  // meters the "and" of even beats in even bars, of odd beats in odd ones).
  const spot = (salt: number): number => {
    if (meter.compound || pattern === "swing") {
      const choices = Array.from({ length: n }, (_, b) => b).filter((b) => b % 2 === (odd ? 1 : 0));
      return choices[Math.floor(p.rand(salt) * choices.length)]! + 0.5;
    }
    return Math.floor(p.rand(salt) * n) + (odd ? 0.75 : 0.25);
  };
  const kickGroups = () =>
    meter.groups.forEach((g, i) => within(g) && hit(DRUM.kick, g, level + (i === 0 ? 12 : 4)));

  switch (pattern) {
    case "swing": {
      // Ride: every beat plus the swung "and" of the back beats; pedal hat on the back beats.
      for (let b = 0; b < n; b++) {
        if (!within(b)) continue;
        hit(DRUM.ride, b, level + (back.includes(b) ? 6 : 0), 1);
        if (back.includes(b) && within(b + 0.5)) hit(DRUM.ride, b + 0.5, level - 10, 0.5);
        if (back.includes(b)) hit(DRUM.pedalHat, b, level - 4);
        // Feathered kick: barely audible quarters.
        if (intensity >= 3) hit(DRUM.kick, b, 26 + intensity * 3);
      }
      if (intensity <= 2 && within(0)) hit(DRUM.kick, 0, level - 10);
      // Comping drops on the snare (and a kick "bomb" when loud), from the bar's family.
      for (const t of intensity >= 3 ? [spot(1), spot(2)] : [spot(1)])
        if (within(t)) hit(DRUM.snare, t, 30 + intensity * 6);
      if (intensity >= 4 && within(n - 0.5) && odd) hit(DRUM.kick, n - 0.5, 40 + intensity * 5);
      return;
    }
    case "rock":
    case "pop": {
      const sixteenths = pattern === "pop" && intensity >= 4 && !meter.compound;
      const hatStep = meter.compound ? 1 : intensity <= 2 ? 1 : sixteenths ? 0.25 : 0.5;
      for (let t = 0; within(t) && t < n; t += hatStep) {
        if (t === 0 && bar.isSectionStart && bar.index > 0) continue; // the crash takes its place
        const onBeat = Number.isInteger(t);
        const openEnd = pattern === "rock" && intensity >= 5 && t === n - 0.5;
        const accent = meter.groups.includes(t) ? 8 : onBeat ? 0 : t * 2 === Math.round(t * 2) ? -14 : -22;
        hit(openEnd ? DRUM.openHat : DRUM.closedHat, t, level - 6 + accent, openEnd ? 0.5 : 0.2);
      }
      if (four) {
        const kicks =
          pattern === "rock"
            ? [0, 2, ...family([[2.5], [1.75], [3.5], [0.5, 2.5]], 2)]
            : [0, 2, ...family([[1.5], [1.5, 3.75], [2.5], [0.75]], 2)];
        for (const k of kicks) if (within(k)) hit(DRUM.kick, k, level + (k === 0 ? 12 : k === 2 ? 8 : 2));
      } else kickGroups();
      for (const s of back) if (within(s)) hit(DRUM.snare, s, level + 10);
      if (pattern === "pop" && intensity >= 4)
        for (const s of back) if (within(s)) hit(DRUM.tambourine, s, level - 6);
      // A ghost note (two when loud) on the snare.
      for (const t of intensity >= 3 ? [spot(3), spot(4)] : [spot(3)])
        if (within(t)) hit(DRUM.snare, t, 24 + intensity * 3);
      return;
    }
    case "funk": {
      for (let t = 0; within(t) && t < n; t += meter.compound ? 0.5 : 0.25) {
        if (t === 0 && bar.isSectionStart && bar.index > 0) continue;
        const open = t === (odd ? n - 0.5 : 1.5) && intensity >= 3;
        const accent = Number.isInteger(t) ? 6 : t * 2 === Math.round(t * 2) ? -4 : -16;
        hit(open ? DRUM.openHat : DRUM.closedHat, t, level - 8 + accent, open ? 0.4 : 0.15);
      }
      if (four) {
        const kicks = [
          0,
          ...family(
            [
              [0.75, 2.5],
              [1.75, 2.5, 3.25],
              [0.5, 2.25, 2.75],
              [2.5, 3.75],
              [0.75, 2.75],
              [1.5, 2.5, 3.5],
              [0.75, 1.75, 2.5],
              [2.25, 3.5],
            ],
            2,
          ),
        ];
        for (const k of kicks) if (within(k)) hit(DRUM.kick, k, level + (k === 0 ? 12 : 4));
      } else kickGroups();
      for (const s of back) if (within(s)) hit(DRUM.snare, s, level + 14);
      // Ghost notes on the sixteenths ("e" in even bars, "a" in odd ones), more when loud.
      const ghosts = [
        spot(4),
        spot(5),
        ...(intensity >= 3 ? [spot(6)] : []),
        ...(intensity >= 4 ? [spot(7)] : []),
      ];
      for (const g of ghosts) if (within(g)) hit(DRUM.snare, g, 22 + intensity * 3);
      return;
    }
    case "bossa": {
      // Shaker eighths (accent on the beat), the kick's "1 . . a 3 . . a" (dotted figure).
      for (const t of eighths(0, Math.min(n, until)))
        hit(DRUM.shaker, t, level - 14 + (Number.isInteger(t) ? 6 : 0));
      const kicks = four
        ? [0, 1.5, 2, 3.5]
        : meter.groups.flatMap((g) => [g, g + (meter.compound ? 2 : 1.5)]);
      for (const k of kicks)
        if (within(k) && k < n) hit(DRUM.kick, k, level - 6 + (Number.isInteger(k) ? 6 : -4));
      // Cross-stick: the two-bar bossa clave (3 side: 1, "and" of 2, 4; 2 side: 2, "and" of 3).
      const rim = four ? (odd ? [1, 2.5] : [0, 1.5, 3]) : back;
      for (const r of rim) if (within(r)) hit(DRUM.sideStick, r, level);
      // A shaker flourish off the eighths; a hat on the "and" of 4 when loud.
      const t = spot(5);
      if (within(t)) hit(DRUM.shaker, t, level - 22);
      if (intensity >= 4 && within(n - 0.5) && !meter.compound) hit(DRUM.closedHat, n - 0.5, level - 12);
      return;
    }
    case "ballad": {
      // Brushes: a soft swish on every eighth (very soft snare), cross-stick on the last back beat,
      // a soft ride from intensity 3, a soft kick on the downbeat.
      for (const t of eighths(0, Math.min(n, until)))
        hit(DRUM.snare, t, 14 + intensity * 2 + (Number.isInteger(t) ? 3 : 0), 0.4);
      const last = back[back.length - 1]!;
      for (const s of intensity >= 3 ? back : [last]) if (within(s)) hit(DRUM.sideStick, s, level - 8);
      if (intensity >= 3) for (let b = 0; b < n; b++) if (within(b)) hit(DRUM.ride, b, level - 18, 1);
      kickGroups();
      const t = spot(6);
      if (within(t)) hit(DRUM.snare, t, 16 + intensity * 3, 0.4);
      return;
    }
    case "classical": {
      // Timpani on the downbeat (and the other groups when loud); a soft ride shimmer when loud.
      if (within(0)) hit(DRUM.lowFloorTom, 0, level + 4, 1);
      if (intensity >= 3)
        for (const g of meter.groups.slice(1)) if (within(g)) hit(DRUM.highFloorTom, g, level - 6, 1);
      if (intensity >= 4) for (let b = 0; b < n; b++) if (within(b)) hit(DRUM.ride, b, level - 20, 1);
      const t = spot(7);
      if (within(t)) hit(DRUM.ride, t, 20 + intensity * 3, 1);
      return;
    }
  }
}

/** A fill from `from` to the bar's end: a style's figure over snare and toms, rising. */
function fill(pattern: DrumPattern, p: Player, hit: Hit, level: number, from: number): void {
  const n = p.meter.beats;
  const len = n - from;
  const variant = Math.floor(p.rand(99) * 3);
  if (pattern === "classical" || pattern === "ballad") {
    // A roll (sixteenths) with a crescendo: timpani in classical, snare (brushes) in a ballad.
    const key = pattern === "classical" ? DRUM.lowFloorTom : DRUM.snare;
    const steps = Math.round(len * 4);
    for (let i = 0; i < steps; i++) hit(key, from + i / 4, level - 16 + (i / steps) * 24, 0.25);
    return;
  }
  // Sixteenths (swung in jazz), toms walking down.
  const step = 0.25;
  const steps = Math.round(len / step);
  for (let i = 0; i < steps; i++) {
    const t = from + i * step;
    const rise = (i / steps) * 20;
    const tomIndex = Math.floor((i / steps) * TOMS_DOWN.length);
    const onTom = variant === 0 ? i >= steps / 2 : variant === 1 ? i % 2 === 1 : true;
    const key = onTom ? TOMS_DOWN[tomIndex]! : DRUM.snare;
    const ghost = pattern === "funk" && i % 2 === 1 && variant !== 2;
    hit(key, t, (ghost ? level - 24 : level - 4) + rise, 0.25);
    if (i * step === Math.round(i * step)) hit(DRUM.kick, t, level + rise - 6);
  }
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const p = new Player("drums", "drums", "drums", AGENT_KEY, bar, ctx);
  const intensity = intensityOf(bar, ctx);
  const pattern = p.style.drums;
  const soft = pattern === "ballad" || pattern === "classical" || pattern === "bossa";
  const level = (soft ? 38 : 50) + intensity * (soft ? 8 : 10);
  const n = p.meter.beats;
  const hit: Hit = (key, offset, vel, dur = 0.25) => p.note(key, offset, dur, vel);
  const fillFrom = bar.isSectionEnd ? n - fillBeats(n, p.meter.compound, intensity) : n;
  groove(pattern, p, hit, level, intensity, fillFrom);
  if (fillFrom < n) fill(pattern, p, hit, level, fillFrom);
  // The crash (a soft suspended cymbal in classical and ballads) with a kick under it.
  if (bar.isSectionStart && bar.index > 0) {
    hit(DRUM.crash, 0, level + (soft ? 6 : 15), Math.min(2, n));
    if (pattern !== "classical") hit(DRUM.kick, 0, level + 12);
  }
  return dedupe(p.out);
}

/** Two hits of one key at one place are one hit (the louder). */
function dedupe(notes: NoteEvent[]): NoteEvent[] {
  const seen = new Map<string, NoteEvent>();
  for (const n of notes) {
    const k = `${n.pitch}@${n.start}`;
    const had = seen.get(k);
    if (!had || had.velocity < n.velocity) seen.set(k, n);
  }
  return [...seen.values()];
}

/** A fresh drums agent ("drums" on the "drums" voice; pitches are General MIDI keys, `DRUM`). */
export function createDrumsAgent(): Agent {
  return barAgent("drums", "drums", playBar);
}

/** The drums agent. */
export const drumsAgent: Agent = createDrumsAgent();
