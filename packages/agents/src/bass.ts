/**
 * The bass: the chord's bass note (the slash bass when written) on beat 1 of every bar and on
 * every chord change, in MIDI 28–55, then by style:
 * - jazz: a walking line of quarter notes, chord tones on the strong beats, scale and chromatic
 *   passing tones between, and an approach into the next root on the last beat before it
 *   (chromatic mostly, else a scale step or the dominant a fifth above);
 * - pop: root–fifth patterns; rock: driving eighths on the root with octave pops;
 * - bossa: root on 1, the fifth on the "and" of 2 tied into 3, a pickup on the "and" of 4;
 * - ballad: whole notes, half notes from intensity 3; classical: a continuo of chord tones;
 * - funk: syncopated sixteenths with octaves and dead notes.
 * Other meters follow the meter's groups (3/4: one group; 6/8 and 5/4: two). Pure.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { intensityOf, Player } from "./feel.js";
import type { ChordInfo, CompiledBar } from "./song.js";
import type { BassPattern } from "./styles.js";
import { chordScale, nearest, nextChord, placeFrom, shape } from "./theory.js";

const AGENT_KEY = 1;
/** The bass register: E1..G3. */
export const BASS_LOW = 28;
export const BASS_HIGH = 55;

/** @example bassPitch(9) // => 33 (A1) */
export function bassPitch(pc: number): number {
  return placeFrom(pc, BASS_LOW);
}

/** Where roots sit: rock, pop and funk from E1, the others from G1 (a warmer walking range). */
function rootLow(pattern: BassPattern): number {
  return pattern === "driving" || pattern === "root-fifth" || pattern === "funk" ? BASS_LOW : 31;
}

function clampBass(p: number): number {
  while (p < BASS_LOW) p += 12;
  while (p > BASS_HIGH) p -= 12;
  return p;
}

/** R root, 5 fifth, 8 octave, 7 seventh (or octave), A approach to the next root (else fifth), G ghost (dead note). */
type Degree = "R" | "5" | "8" | "7" | "A" | "G";
type Slot = readonly [offset: number, duration: number, degree: Degree];

const POP: Record<number, Slot[]> = {
  1: [
    [0, 2, "R"],
    [2, 2, "5"],
  ],
  3: [
    [0, 1.5, "R"],
    [1.5, 0.5, "R"],
    [2, 1, "5"],
    [3, 1, "A"],
  ],
  4: [
    [0, 0.5, "R"],
    [0.5, 0.5, "R"],
    [1, 0.5, "R"],
    [1.5, 0.5, "R"],
    [2, 0.5, "5"],
    [2.5, 0.5, "5"],
    [3, 0.5, "8"],
    [3.5, 0.5, "A"],
  ],
};

const FUNK: Slot[][] = [
  [
    [0, 0.25, "R"],
    [0.75, 0.25, "8"],
    [1.25, 0.25, "G"],
    [1.5, 0.25, "R"],
    [2.5, 0.25, "R"],
    [2.75, 0.25, "8"],
    [3.25, 0.25, "7"],
    [3.5, 0.25, "R"],
  ],
  [
    [0, 0.5, "R"],
    [0.75, 0.25, "R"],
    [1.5, 0.25, "8"],
    [1.75, 0.25, "G"],
    [2.25, 0.25, "R"],
    [2.75, 0.25, "5"],
    [3, 0.25, "8"],
    [3.75, 0.25, "A"],
  ],
];

/** The slots of one bar for a pattern, meter and intensity (offsets in beats from the bar). */
function slots(pattern: BassPattern, player: Player, intensity: number): Slot[] {
  const { meter, bar } = player;
  const n = meter.beats;
  const four = n === 4 && !meter.compound;
  if (four) {
    switch (pattern) {
      case "root-fifth":
        return POP[intensity <= 2 ? 1 : intensity === 3 ? 3 : 4]!;
      case "driving": {
        if (intensity <= 2) return [0, 1, 2, 3].map((b): Slot => [b, 1, b === 3 ? "A" : b === 2 ? "5" : "R"]);
        // Eighths on the root; an octave pop on the "and" of 2 in odd bars; a fifth leading out.
        return [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((t): Slot => [
          t,
          0.5,
          t === 3.5 ? "A" : t === 1.5 && bar.barInSection % 2 === 1 ? "8" : "R",
        ]);
      }
      case "bossa":
        return [
          [0, 1.5, "R"],
          [1.5, 0.5, "5"],
          [2, 1.5, "5"],
          [3.5, 0.5, "A"],
        ];
      case "ballad":
        return intensity <= 2
          ? [[0, 4, "R"]]
          : [
              [0, 2, "R"],
              [2, 2, "A"],
            ];
      case "classical":
        return intensity <= 2
          ? [
              [0, 2, "R"],
              [2, 2, "5"],
            ]
          : [
              [0, 1, "R"],
              [1, 1, "5"],
              [2, 1, "8"],
              [3, 1, "A"],
            ];
      case "funk": {
        const base = FUNK[bar.barInSection % 2]!;
        // Low intensity: only the on-beat and eighth slots; ghosts from intensity 3.
        return base.filter(
          ([t, , d]) => (intensity >= 3 || t * 2 === Math.round(t * 2)) && (d !== "G" || intensity >= 3),
        );
      }
      default:
        break;
    }
  }
  // Any meter (and walking, which uses its own steps): follow the meter's groups.
  const out: Slot[] = [];
  meter.groups.forEach((g, gi) => {
    const len = (meter.groups[gi + 1] ?? n) - g;
    const sustained = pattern === "ballad" || (pattern === "classical" && intensity <= 2);
    out.push([g, sustained ? len : Math.min(len, meter.compound ? 2 : 1), gi === 0 ? "R" : "5"]);
    if (sustained) return;
    if (meter.compound) {
      if (intensity >= 3 && len === 3) out.push([g + 2, 1, gi === meter.groups.length - 1 ? "A" : "8"]);
    } else {
      for (let b = g + 1; b < g + len; b++) {
        if (intensity <= 2 && pattern !== "walking") continue;
        out.push([b, 1, b === n - 1 ? "A" : pattern === "funk" ? "8" : "5"]);
      }
    }
  });
  return out;
}

/** A pitch for a degree, near the root `r` (the chord's bass pitch). */
function degreePitch(d: Degree, chord: ChordInfo, r: number): number {
  const root = chord.root ?? 0;
  switch (d) {
    case "5":
      return clampBass(nearest((root + shape(chord).fifth) % 12, r + 5));
    case "8":
      return r + 12 <= BASS_HIGH ? r + 12 : r;
    case "7": {
      const s = shape(chord);
      return clampBass(nearest((root + (s.seventh ?? 12)) % 12, r + 10));
    }
    default:
      return r;
  }
}

/** An approach into `target` from `from`: chromatic mostly, else a scale step, else its dominant. */
function approach(target: number, from: number, chord: ChordInfo, r: number): number {
  const side = from > target ? 1 : -1;
  let p: number;
  if (r < 0.72) p = target + side;
  else if (r < 0.92) {
    const scale = chordScale(chord);
    const step = [2 * side, -2 * side, side, -side].find((d) =>
      scale.includes((((target + d) % 12) + 12) % 12),
    );
    p = target + (step ?? side);
  } else p = target + 7 <= BASS_HIGH ? target + 7 : target - 5;
  if (p < BASS_LOW || p > BASS_HIGH) p = target - (p - target);
  return clampBass(p);
}

/** The nearest pitch to `x` among pitch classes `pcs`, other than `avoid`, in the bass range. */
function nearestOf(pcs: readonly number[], x: number, avoid: number): number {
  let best = avoid;
  let cost = Infinity;
  for (const pc of pcs) {
    for (const p of [nearest(pc, x) - 12, nearest(pc, x), nearest(pc, x) + 12]) {
      if (p < BASS_LOW || p > BASS_HIGH || p === avoid) continue;
      const c = Math.abs(p - x);
      if (c < cost) {
        cost = c;
        best = p;
      }
    }
  }
  return best;
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const p = new Player("bass", "bass", "bass", AGENT_KEY, bar, ctx);
  const pattern = p.style.bass;
  const intensity = intensityOf(bar, ctx);
  const vel = 54 + intensity * 9;
  const low = rootLow(pattern);
  const rootOf = (c: ChordInfo) => placeFrom(c.bass!, low);
  const template = pattern === "walking" ? [] : slots(pattern, p, intensity);
  const walkSteps =
    pattern === "walking"
      ? p.meter.compound
        ? slots("walking", p, intensity).map(([t]) => t)
        : Array.from({ length: p.meter.beats }, (_, i) => i)
      : [];

  bar.chords.forEach((chord, i) => {
    if (chord.bass === null || chord.root === null) return;
    const s = chord.start - bar.start;
    const e = chord.end - bar.start;
    const r = rootOf(chord);
    const next = nextChord(ctx.song, bar, i);
    const target = next && next.bass !== null ? rootOf(next) : null;
    const accent = (t: number) =>
      t === 0 ? 10 : p.meter.groups.includes(t) ? 5 : Number.isInteger(t) ? 2 : -4;

    if (pattern === "walking") {
      const steps = walkSteps.filter((t) => t >= s - 1e-9 && t < e - 1e-9);
      if (steps[0] !== s) steps.unshift(s);
      // The line: from the root, an arch through chord and scale tones, into an approach.
      const last = steps.length - 1;
      const up = r < 38 ? 1 : r > 46 ? -1 : p.rand(i, 1) < 0.5 ? 1 : -1;
      const arch = up * (5 + Math.floor(p.rand(i, 2) * 3));
      const scale = chordScale(chord);
      const tones = chord.tones;
      let prev = r;
      const line: number[] = [r];
      const end =
        target !== null && last > 0 ? approach(target, r + arch / 2, chord, p.rand(i, 3)) : r + arch / 2;
      for (let k = 1; k <= last; k++) {
        if (k === last && target !== null) {
          line.push(end);
          break;
        }
        const x =
          r + ((end - r) * k) / Math.max(1, last) + arch * Math.sin((Math.PI * k) / Math.max(1, last));
        const strong = p.meter.groups.includes(steps[k]!) || k % 2 === 0;
        const pitch = nearestOf(strong ? tones : scale, x, prev);
        line.push(pitch);
        prev = pitch;
      }
      steps.forEach((t, k) => {
        const len = (steps[k + 1] ?? e) - t;
        p.note(line[k]!, t, len * 0.92, vel + accent(t) - (k % 2 === 1 ? 4 : 0));
      });
      return;
    }

    const mine = template.filter(([t]) => t >= s - 1e-9 && t < e - 1e-9);
    if (mine[0]?.[0] !== s) mine.unshift([s, Math.min(1, e - s), "R"]);
    const changes =
      target !== null && next !== undefined && (next.bass !== chord.bass || next.symbol !== chord.symbol);
    mine.forEach(([t, dur, degree], k) => {
      const lastSlot = k === mine.length - 1;
      let pitch: number;
      if (k === 0) pitch = r;
      else if (degree === "A") {
        pitch =
          lastSlot && changes && target !== null
            ? approach(target, r, chord, p.rand(i, 4) * 0.9)
            : pattern === "driving"
              ? r
              : degreePitch("5", chord, r);
      } else if (degree === "G") pitch = r;
      else pitch = degreePitch(degree, chord, r);
      const len = Math.min(dur, e - t) * (pattern === "funk" ? 0.7 : pattern === "ballad" ? 0.97 : 0.88);
      const v = degree === "G" ? 34 + intensity * 3 : vel + accent(t);
      p.note(pitch, t, len, v);
    });
  });
  return p.out;
}

/** A fresh bass agent ("bass" on the "bass" voice), with its own bar cache. */
export function createBassAgent(): Agent {
  return barAgent("bass", "bass", playBar);
}

/** The bass agent. */
export const bassAgent: Agent = createBassAgent();
