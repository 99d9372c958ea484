/**
 * The harmony (keys, on the electric piano): voice-led voicings, each chosen nearest to the
 * previous chord's voicing (smallest total movement within the register), and a comping rhythm
 * per style:
 * - jazz: rootless voicings with tensions (3-5-7-9, 3-13-7-9 on dominants), Charleston-like
 *   syncopated comping (1 and the "and" of 2, or pushes on the "and"s), drawn per bar;
 * - pop: triads with an added 9th now and then, a push on the "and" of 2; rock: triads, eighth
 *   pulses when loud; bossa: rootless voicings on the bossa figure; ballad: spread (drop-2)
 *   voicings sustained, restruck on the middle of the bar from intensity 3; funk: short stabs on
 *   the sixteenths; classical: spread voicings, broken into an Alberti figure from intensity 3.
 * Intensity raises the level, the density of most patterns and the register (the voicings' home
 * moves two semitones per step). Voice leading without state: see `ledVoicings`. Pure.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { intensityOf, Player } from "./feel.js";
import { random } from "./random.js";
import type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";
import type { CompPattern, Style } from "./styles.js";
import { styleOf } from "./styles.js";
import type { Register } from "./theory.js";
import { ledVoicings, voicingTones } from "./theory.js";

export { voiceMovement } from "./theory.js";

const AGENT_KEY = 3;
/** The keys' register: C3..C5 (a little higher for funk stabs). */
export const HARMONY_LOW = 48;
export const HARMONY_HIGH = 74;

/** The style's register, its home moved up (loud) or down (soft) with the intensity. */
function register(style: Style, intensity: number): Register {
  // Spread voicings already span two octaves: they move one semitone per step.
  const lift = (intensity - 3) * (style.voicing === "spread" ? 1 : 2);
  const r: Register =
    style.comp === "funk"
      ? { lo: 55, hi: 79, home: 67 }
      : style.voicing === "spread"
        ? { lo: 43, hi: 76, home: 60, spread: true }
        : style.voicing === "rootless"
          ? { lo: 50, hi: 74, home: 62 }
          : { lo: HARMONY_LOW, hi: 72, home: 61 };
  return { ...r, lo: r.lo + lift, hi: r.hi + lift, home: r.home + lift };
}

/**
 * The voicings (sorted pitches) of the chords of one bar for a style: voice-led from the start
 * of the section pass.
 * @example barVoicings(song, song.bars[1], "jazz") // => [[53, 57, 60, 64]] for Dm7 (F A C E)
 */
export function barVoicings(
  song: CompiledSong,
  bar: CompiledBar,
  style = "rock",
  seed = 0,
  intensity = bar.intensity,
): number[][] {
  const s = styleOf(style);
  return ledVoicings(song, bar, register(s, intensity), (c: ChordInfo, barIndex: number, k: number) =>
    // Pop colours some plain triads with an added 9th (a pure function of the chord's place).
    voicingTones(c, s.voicing, s.comp === "pop" && random(seed, AGENT_KEY, barIndex, k, 5) < 0.35),
  );
}

type Hits = [offset: number, duration: number, accent: number][];

/** Comping hits inside one chord (offsets from the bar, durations), for a pattern. */
function hits(pattern: CompPattern, p: Player, chord: ChordInfo, intensity: number): Hits {
  const { bar, meter } = p;
  const s = chord.start - bar.start;
  const e = chord.end - bar.start;
  const len = e - s;
  const four = meter.beats === 4 && !meter.compound;
  const odd = bar.barInSection % 2 === 1;
  const pick = <T>(options: readonly T[], salt: number): T => {
    // Two families (even and odd bars), so neighbours differ.
    const half = Math.ceil(options.length / 2);
    const pool = odd ? options.slice(half) : options.slice(0, half);
    return pool[Math.floor(p.rand(salt, Math.round(s * 4)) * pool.length)]!;
  };
  const inChord = (list: Hits): Hits =>
    list
      .map(([t, d, a]): [number, number, number] => [s + t, Math.min(d, len - t - 0.08), a])
      .filter(([t, d]) => t < e - 1e-9 && d > 0.05);
  if (intensity <= 1 && pattern !== "funk") return inChord([[0, len - 0.08, 0]]);
  switch (pattern) {
    case "charleston": {
      if (len >= 4)
        return inChord(
          pick(
            [
              [
                [0, 1.2, 0],
                [1.5, 0.4, -4],
              ],
              [
                [0, 0.5, 0],
                [1.5, 1.6, 2],
              ],
              [
                [0, 1.5, 0],
                [2.5, 0.5, -4],
                [3.5, 0.4, -2],
              ],
              [
                [0.5, 1, 2],
                [2.5, 1, 0],
              ],
              [
                [0, 0.6, 0],
                [2.5, 1.2, 2],
              ],
              [
                [1, 0.5, -2],
                [1.5, 1.8, 2],
              ],
            ] as Hits[],
            1,
          ),
        );
      return inChord(
        len >= 2
          ? pick(
              [
                [
                  [0, 0.6, 0],
                  [1.5, 0.4, -4],
                ],
                [[0, 1.3, 0]],
                [
                  [0, 0.5, 0],
                  [1, 0.8, -3],
                ],
                [[0, 1.6, 0]],
              ] as Hits[],
              2,
            )
          : [[0, len * 0.8, 0]],
      );
    }
    case "bossa": {
      if (four && len >= 4)
        return inChord(
          odd
            ? [
                [0, 0.4, 0],
                [1, 0.4, -4],
                [2.5, 1.2, 2],
              ]
            : [
                [0, 1.2, 0],
                [1.5, 1.2, 2],
                [3, 0.6, -2],
              ],
        );
      return inChord([[0, 1.2, 0], ...(len >= 2.5 ? ([[1.5, Math.min(1.2, len - 1.5), 2]] as Hits) : [])]);
    }
    case "pop": {
      if (four && len >= 4)
        return intensity >= 4
          ? inChord([
              [0, 1.4, 0],
              [1.5, 0.9, -4],
              [2.5, 1.4, 0],
            ])
          : inChord(
              pick(
                [
                  [
                    [0, 1.4, 0],
                    [1.5, 2.3, -4],
                  ],
                  [
                    [0, 2.4, 0],
                    [2.5, 1.3, -4],
                  ],
                  [
                    [0, 1.9, 0],
                    [2, 1.8, -4],
                  ],
                  [
                    [0, 1.4, 0],
                    [1.5, 1.4, -4],
                    [3, 0.8, -6],
                  ],
                ] as Hits[],
                3,
              ),
            );
      return inChord([[0, len - 0.1, 0]]);
    }
    case "rock": {
      if (intensity >= 4) {
        const out: Hits = [];
        for (let t = 0; t < len - 1e-9; t += meter.compound ? 1 : 0.5)
          out.push([t, meter.compound ? 0.8 : 0.4, Number.isInteger(t) ? 0 : -8]);
        return inChord(out);
      }
      if (four && len >= 4)
        return inChord(
          odd
            ? [
                [0, 1.9, 0],
                [2, 1.8, -4],
              ]
            : [
                [0, 1.4, 0],
                [1.5, 2.3, -4],
              ],
        );
      return inChord([[0, len - 0.1, 0]]);
    }
    case "ballad": {
      if (intensity >= 3 && len >= 4) {
        const mid = meter.groups[1] ?? 2;
        return inChord([
          [0, mid - 0.05, 0],
          [mid, len - mid, -6],
        ]);
      }
      return inChord([[0, len - 0.05, 0]]);
    }
    case "funk": {
      const options: Hits[] = [
        [
          [0, 0.2, 4],
          [0.75, 0.2, -2],
          [1.5, 0.2, 0],
          [2.75, 0.2, -2],
        ],
        [
          [0, 0.2, 4],
          [1.75, 0.2, 0],
          [2.5, 0.2, -2],
        ],
        [
          [0.5, 0.2, 0],
          [1.75, 0.2, -2],
          [2.75, 0.2, 0],
          [3.5, 0.2, -2],
        ],
        [
          [0, 0.2, 4],
          [1.25, 0.2, -2],
          [2.5, 0.2, 0],
          [3.25, 0.2, -4],
        ],
      ];
      const list = pick(options, 4).filter(([t]) => intensity >= 3 || Number.isInteger(t * 2));
      return inChord(list.length > 0 ? list : [[0, 0.2, 4]]);
    }
    case "classical":
      return inChord([[0, len - 0.05, 0]]);
  }
}

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const p = new Player("harmony", "epiano", "harmony", AGENT_KEY, bar, ctx);
  const intensity = intensityOf(bar, ctx);
  const voicings = barVoicings(ctx.song, bar, p.style.name, ctx.seed, intensity);
  const base = 44 + intensity * 8;
  const pattern = p.style.comp;
  const doubled = p.style.voicing === "spread" && intensity >= 4;
  bar.chords.forEach((chord, i) => {
    const v = voicings[i];
    if (!v || v.length === 0) return;
    const s = chord.start - bar.start;
    const len = chord.end - chord.start;
    if (pattern === "classical" && intensity >= 3) {
      // Alberti figure: low, high, middle, high in eighths (in compound meters: low-mid-high...).
      const order = v.length >= 4 ? [0, 3, 1, 3, 2, 3] : [0, 2, 1, 2];
      const step = 0.5;
      for (let k = 0; s + k * step < s + len - 1e-9; k++) {
        const pitch = v[order[k % order.length]!]!;
        p.note(
          pitch,
          s + k * step,
          Math.min(step * 0.95, len - k * step - 0.05),
          base - 6 + (k === 0 ? 6 : 0),
        );
      }
      return;
    }
    for (const [offset, duration, accent] of hits(pattern, p, chord, intensity)) {
      // Stay inside the chord even after the feel and humanization.
      const d = Math.min(duration, chord.end - bar.start - offset - 0.05);
      for (const pitch of v) p.note(pitch, offset, d, base + accent);
      // Spread voicings, loud: the top voice doubled an octave up (ballad and classical climaxes).
      if (doubled && v[v.length - 1]! + 12 <= 84) p.note(v[v.length - 1]! + 12, offset, d, base + accent - 4);
    }
  });
  return p.out;
}

/** A fresh harmony agent ("harmony" on the "epiano" voice), with its own bar cache. */
export function createHarmonyAgent(): Agent {
  return barAgent("harmony", "epiano", playBar);
}

/** The harmony agent. */
export const harmonyAgent: Agent = createHarmonyAgent();
