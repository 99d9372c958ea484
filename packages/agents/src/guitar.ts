/**
 * The guitar: voice-led five-string voicings (a bass string under a close triad) played by style:
 * - pop: strummed "down, down-up, up-down-up" eighths (down strokes low to high, up strokes on
 *   the top strings, high to low), quarter strums when soft;
 * - rock: power chords (root, fifth, octave), palm-muted eighth chugs when loud;
 * - funk: short 9th-chord stabs on the top strings and muted scratches on the sixteenths;
 * - ballad: arpeggios of chord tones in eighths, up and back (1-5-8-10-8-5), let ring;
 * - classical: the bass and the chord broken upwards (p-i-m-a), over and over;
 * - bossa: the thumb on the root and fifth, the chord on the syncopated bossa figure;
 * - jazz: four to the bar, short shell chords (root, third, seventh), Freddie Green style.
 * Strums spread their strings by `STRUM_SPREAD` beats per string. Pure; pipeline thread.
 */
import type { NoteEvent } from "@performia/protocol";
import { barAgent } from "./agent.js";
import type { Agent, MusicalContext } from "./agent.js";
import { intensityOf, Player, styleFor } from "./feel.js";
import type { ChordInfo, CompiledBar } from "./song.js";
import { ledVoicings, ninth, placeFrom, shape, voicingTones } from "./theory.js";

const AGENT_KEY = 4;
/** The delay between neighbouring strings of a strum, in beats (about 6 ms at 120 BPM). */
export const STRUM_SPREAD = 0.012;
/** Guitar range: E2..E5. */
export const GUITAR_LOW = 40;
export const GUITAR_HIGH = 76;

type Stroke = [offset: number, duration: number, kind: "down" | "up" | "mute", accent: number];

function playBar(bar: CompiledBar, ctx: MusicalContext): NoteEvent[] {
  const p = new Player("guitar", "guitar", "guitar", AGENT_KEY, bar, ctx);
  const style = styleFor(ctx);
  const intensity = intensityOf(bar, ctx);
  const base = 42 + intensity * 8;
  const { meter } = p;
  const n = meter.beats;
  const four = n === 4 && !meter.compound;
  const odd = bar.barInSection % 2 === 1;
  const funk = style.guitar === "funk";
  const triads = ledVoicings(
    ctx.song,
    bar,
    funk ? { lo: 60, hi: GUITAR_HIGH, home: 68 } : { lo: 52, hi: 71, home: 61 },
    (c: ChordInfo) => {
      // Funk: third, seventh and ninth on the top strings (E7♯9: G♯ D G); else the triad.
      if (!funk) return voicingTones(c, "triad").slice(0, 3);
      const s = shape(c);
      const root = c.root ?? 0;
      const out = [s.third ?? 4, s.seventh ?? 12, 0].map((i) => (root + i) % 12);
      out[2] = ninth(c);
      return [...new Set(out)];
    },
  );

  bar.chords.forEach((chord, i) => {
    const triad = triads[i];
    if (!triad || triad.length === 0 || chord.root === null) return;
    const s = chord.start - bar.start;
    const e = chord.end - bar.start;
    const len = e - s;
    const low = placeFrom(chord.bass ?? chord.root, GUITAR_LOW);
    const fifth = low + shape(chord).fifth;
    // From intensity 4 the top string doubles the lowest triad note an octave up (brighter).
    const top = intensity >= 4 && triad[0]! + 12 > triad[triad.length - 1]! ? [triad[0]! + 12] : [];
    const strings = [low, ...(fifth < triad[0]! - 2 ? [fifth] : []), ...triad, ...top];
    const strum = (notes: readonly number[], strokes: Stroke[]) => {
      for (const [t, d, kind, accent] of strokes) {
        const at = s + t;
        if (at >= e - 1e-9) continue;
        const dur = Math.min(d, e - at - 0.05);
        if (dur <= 0.02) continue;
        const order = kind === "up" ? [...notes].reverse().slice(0, 3) : notes;
        order.forEach((pitch, k) =>
          p.note(pitch, at, dur, base + accent - (kind === "mute" ? 24 : 0) - k, k * STRUM_SPREAD, 0),
        );
      }
    };

    switch (style.guitar) {
      case "strum": {
        const pattern: Stroke[] =
          intensity <= 2 || !four
            ? Array.from({ length: Math.ceil(len) }, (_, b): Stroke => [b, 0.9, "down", b === 0 ? 4 : 0])
            : [
                [0, 0.9, "down", 4],
                [1, 0.45, "down", 0],
                [1.5, 0.45, "up", -6],
                [2.5, 0.45, "up", -6],
                [3, 0.45, "down", 0],
                [3.5, 0.45, "up", -6],
              ];
        strum(strings, pattern);
        return;
      }
      case "power": {
        const power = [low, low + 7, low + 12];
        if (intensity >= 4) {
          const chugs: Stroke[] = [];
          for (let t = 0; t < len - 1e-9; t += meter.compound ? 1 : 0.5)
            chugs.push([t, 0.3, "down", Number.isInteger(t) ? 2 : -6]);
          strum(power, chugs);
        } else
          strum(power, [
            [0, Math.min(len, 2) - 0.1, "down", 4],
            ...(len > 2 ? ([[2, len - 2.1, "down", 0]] as Stroke[]) : []),
          ]);
        return;
      }
      case "funk": {
        const strokes: Stroke[] = [];
        for (let t = 0; t < len - 1e-9; t += 0.25) {
          const stab = odd ? [0, 0.75, 2.5].includes(t) : [0, 1.5, 2.75].includes(t);
          if (stab) strokes.push([t, 0.2, t % 0.5 === 0 ? "down" : "up", 4]);
          else if (intensity >= 3 && p.rand(i, Math.round(t * 4)) < 0.45) strokes.push([t, 0.06, "mute", 0]);
        }
        strum(triad, strokes);
        return;
      }
      case "bossa": {
        // Thumb: root on 1, fifth on the middle group; fingers: the figure.
        p.note(low, s, Math.min(1.5, len) - 0.1, base - 4);
        const mid = meter.groups[1] ?? 2;
        if (len > mid)
          p.note(fifth > GUITAR_HIGH ? low : fifth, s + mid, Math.min(1.5, len - mid) - 0.1, base - 8);
        const figure = four ? (odd ? [0.5, 1.5, 3] : [0.5, 1.5, 2.5, 3.5]) : [0.5, 1.5];
        strum(
          triad,
          figure.map((t): Stroke => [t, 0.45, "down", t === 1.5 ? 2 : -2]),
        );
        return;
      }
      case "four-to-the-bar": {
        const third = placeFrom(chord.root + (shape(chord).third ?? 4), low + 4);
        const seventh = placeFrom(chord.root + (shape(chord).seventh ?? 12), low + 9);
        const shell = [low, ...new Set([seventh, third])].sort((a, b) => a - b);
        const step = intensity <= 2 ? 2 : 1;
        const strokes: Stroke[] = [];
        for (let t = 0; t < len - 1e-9; t += meter.compound ? 3 : step)
          strokes.push([t, 0.45, "down", t === 0 ? 2 : 0]);
        strum(shell, strokes);
        return;
      }
      case "arpeggio": {
        // 1-5-8-10 up and back, in eighths (in compound meters, one note per beat).
        const up = [low, fifth, low + 12, ...triad.filter((x) => x > low + 12)].filter(
          (x) => x <= GUITAR_HIGH,
        );
        // Classical: the bass, then the chord broken upwards (p-i-m-a); ballad: up and back.
        const figure = style.name === "classical" ? up : [...up, ...up.slice(1, -1).reverse()];
        const step = meter.compound ? 1 : intensity >= 4 ? 0.5 : intensity <= 1 ? 1 : 0.5;
        for (let k = 0; k * step < len - 1e-9; k++) {
          const t = s + k * step;
          const ring = Math.min(step * 3, e - t - 0.05);
          if (ring > 0.02)
            p.note(figure[k % figure.length]!, t, ring, base - 6 + (meter.groups.includes(t) ? 6 : 0));
        }
        return;
      }
    }
  });
  return p.out;
}

/** A fresh guitar agent ("guitar" on the "guitar" voice). */
export function createGuitarAgent(): Agent {
  return barAgent("guitar", "guitar", playBar);
}

/** The guitar agent. */
export const guitarAgent: Agent = createGuitarAgent();
