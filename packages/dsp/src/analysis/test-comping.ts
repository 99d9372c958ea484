/**
 * Guitar comping for the harmony tests (excluded from the build): chord voicings as a guitarist
 * plays them (sevenths, sixths, ninths, rootless and inverted shapes), strummed (down and up
 * strokes, the strings a few ms apart) or fingered (the thumb on the bass, the fingers pinching
 * the upper notes on the off-beats, bossa style), on a string model with inharmonic partials
 * that decay faster the higher they are, and the body's air resonance (~100 Hz) rung by each
 * stroke as on a miked acoustic guitar.
 */
import { midiHz, rng } from "./test-signals.js";

/** One chord of a chart: its label (ROOT:QUALITY, the truth) and its guitar voicing. */
export interface CompChord {
  readonly label: string;
  /** Upper notes of the voicing (MIDI), low to high. */
  readonly midis: readonly number[];
  /** Bass notes (MIDI) the thumb plays in turn on the beats (root, fifth...); none: no bass. */
  readonly bass?: readonly number[];
}

export interface CompOptions {
  /** Seconds per beat; the chart has `beatsPerChord` beats per chord. */
  readonly beat: number;
  readonly beatsPerChord: number;
  /** "strum": every string on down/up strokes; "finger": thumb bass on the beats, pinched chords. */
  readonly style: "strum" | "finger";
  /** Seconds before the first chord. */
  readonly start?: number;
  /** Finger style: the thumb plays on the first `bassBeats` beats of each chord only (default: every beat). */
  readonly bassBeats?: number;
  /** Level of the body's air resonance rung by each stroke, relative to one string (0: none). */
  readonly body?: number;
  /** Frequency of the body's air resonance (Hz): BODY_HZ unless given. */
  readonly bodyHz?: number;
  readonly seed?: number;
}

const PARTIALS = 12;
/** Inharmonicity of a steel string (partial n at n f sqrt(1 + B n^2)). */
const INHARMONICITY = 0.00015;
const BODY_HZ = 100;
const BODY_DECAY = 0.12;

/** Add one plucked string at `t` (s) to `buf`: decaying inharmonic partials, random phases. */
function pluck(
  buf: Float32Array,
  sampleRate: number,
  t: number,
  midi: number,
  level: number,
  length: number,
  r: () => number,
): void {
  const f0 = midiHz(midi);
  const start = Math.round(t * sampleRate);
  const n = Math.min(buf.length - start, Math.round(length * sampleRate));
  // Lower strings ring longer; each partial decays faster than the one below it.
  const tau = 0.6 + 0.8 * Math.max(0, (72 - midi) / 36);
  for (let p = 1; p <= PARTIALS; p++) {
    const f = p * f0 * Math.sqrt(1 + INHARMONICITY * p * p);
    if (f > sampleRate * 0.45) break;
    // Plucked a fifth of the way along the string: partial 5, 10 near nodes.
    const a = (level * Math.abs(Math.sin((Math.PI * p) / 5))) / p ** 0.9;
    const decay = 1 / (tau / (1 + 0.35 * (p - 1)));
    // A phasor rotated per sample, scaled by the per-sample decay (no transcendental per sample).
    const w = (2 * Math.PI * f) / sampleRate;
    const g = Math.exp(-decay / sampleRate);
    const cw = Math.cos(w) * g;
    const sw = Math.sin(w) * g;
    const phase = 2 * Math.PI * r();
    let re = Math.cos(phase) * a;
    let im = Math.sin(phase) * a;
    for (let i = 0; i < n; i++) {
      const env = (i < 64 ? i / 64 : 1) * (i > n - 256 ? (n - i) / 256 : 1);
      buf[start + i] = buf[start + i]! + env * im;
      const x = re * cw - im * sw;
      im = re * sw + im * cw;
      re = x;
    }
  }
}

/** The body's air resonance rung at `t`: a damped sine near BODY_HZ. */
function thump(buf: Float32Array, sampleRate: number, t: number, level: number, hz: number): void {
  const start = Math.round(t * sampleRate);
  const n = Math.min(buf.length - start, Math.round(6 * BODY_DECAY * sampleRate));
  const w = (2 * Math.PI * hz) / sampleRate;
  for (let i = 0; i < n; i++) {
    const attack = i < 128 ? i / 128 : 1;
    buf[start + i] =
      buf[start + i]! + level * attack * Math.exp(-i / sampleRate / BODY_DECAY) * Math.sin(w * i);
  }
}

/**
 * A chart played as comping. Returns the signal and where each chord starts (s).
 * Strum: a down stroke on each beat and an up stroke (upper strings only, softer) on the "and"
 * of beats 2 and 4, strings `spread` apart. Finger: the thumb plays the chord's bass notes in
 * turn on every beat, the fingers pinch the upper notes on beat 1 and the "and"s of 2 and 3
 * (a bossa pattern), every note a little early or late.
 */
export function compingSignal(
  chart: readonly CompChord[],
  opts: CompOptions,
  sampleRate: number,
): { signal: Float32Array; starts: number[]; duration: number } {
  const r = rng(opts.seed ?? 11);
  const start = opts.start ?? 0.3;
  const chordSeconds = opts.beat * opts.beatsPerChord;
  const duration = start + chart.length * chordSeconds + 1;
  const buf = new Float32Array(Math.round(duration * sampleRate));
  const body = opts.body ?? 0.25;
  const bodyHz = opts.bodyHz ?? BODY_HZ;
  const level = 0.05;
  const jitter = (): number => (r() - 0.5) * 0.016;
  const starts: number[] = [];
  chart.forEach((c, i) => {
    const t0 = start + i * chordSeconds;
    starts.push(t0);
    // The fretting hand lifts at the change: nothing rings into the next chord.
    const end = t0 + chordSeconds + 0.03;
    if (opts.style === "strum") {
      for (let b = 0; b < opts.beatsPerChord; b++) {
        const t = t0 + b * opts.beat + jitter();
        const down = [...(c.bass?.slice(0, 1) ?? []), ...c.midis];
        down.forEach((m, k) =>
          pluck(buf, sampleRate, t + k * 0.012, m, level * (0.8 + 0.4 * r()), end - t, r),
        );
        thump(buf, sampleRate, t, level * body * 4, bodyHz);
        if (b % 2 === 1) {
          const up = c.midis.slice(-3).reverse();
          const tu = t + opts.beat / 2;
          up.forEach((m, k) => pluck(buf, sampleRate, tu + k * 0.008, m, level * 0.5, end - tu, r));
        }
      }
    } else {
      const bass = c.bass ?? [];
      for (let b = 0; b < opts.beatsPerChord; b++) {
        const m = b < (opts.bassBeats ?? opts.beatsPerChord) ? bass[b % Math.max(1, bass.length)] : undefined;
        const t = t0 + b * opts.beat + jitter();
        if (m !== undefined) pluck(buf, sampleRate, t, m, level * 1.2, Math.min(opts.beat * 2, end - t), r);
        thump(buf, sampleRate, t, level * body * 3, bodyHz);
      }
      for (const pos of [0, 1.5, 2.5]) {
        if (pos >= opts.beatsPerChord) continue;
        const t = t0 + pos * opts.beat + jitter();
        c.midis.forEach((m) =>
          pluck(
            buf,
            sampleRate,
            t + 0.004 * r(),
            m,
            level * (0.7 + 0.3 * r()),
            Math.min(opts.beat * 1.2, end - t),
            r,
          ),
        );
      }
    }
  });
  return { signal: buf, starts, duration };
}
