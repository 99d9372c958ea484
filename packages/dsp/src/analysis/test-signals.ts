/**
 * Small deterministic signal generators for the analysis tests (excluded from the build).
 */

/** Seeded PRNG (mulberry32) returning uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ToneOptions {
  /** Amplitude of each harmonic, index 0 = fundamental. Default: a pure sine. */
  harmonics?: readonly number[];
  amplitude?: number;
  vibratoHz?: number;
  /** Vibrato depth in cents (peak). */
  vibratoCents?: number;
}

/** A (harmonic) tone at `hz` for `duration` seconds, with optional vibrato. */
export function tone(hz: number, duration: number, sampleRate: number, opts: ToneOptions = {}): Float32Array {
  const n = Math.round(duration * sampleRate);
  const out = new Float32Array(n);
  const harmonics = opts.harmonics ?? [1];
  const amp = opts.amplitude ?? 0.5;
  const norm = harmonics.reduce((a, b) => a + Math.abs(b), 0) || 1;
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const cents = opts.vibratoHz ? (opts.vibratoCents ?? 50) * Math.sin(2 * Math.PI * opts.vibratoHz * t) : 0;
    const f = hz * 2 ** (cents / 1200);
    phase += (2 * Math.PI * f) / sampleRate;
    let v = 0;
    for (let h = 0; h < harmonics.length; h++) {
      const a = harmonics[h]!;
      if (a !== 0 && f * (h + 1) < sampleRate / 2) v += a * Math.sin((h + 1) * phase);
    }
    out[i] = (amp * v) / norm;
  }
  return out;
}

/** Uniform white noise in [-amplitude, amplitude]. */
export function whiteNoise(duration: number, sampleRate: number, amplitude = 0.5, seed = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(Math.round(duration * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * (2 * r() - 1);
  return out;
}

/** A short percussive click (a decaying noise burst) added into `buf` at sample `at`. */
export function addClick(buf: Float32Array, at: number, sampleRate: number, amplitude = 0.8, seed = 7): void {
  const r = rng(seed + at);
  const len = Math.round(0.02 * sampleRate);
  for (let i = 0; i < len && at + i < buf.length; i++) {
    if (at + i < 0) continue;
    const env = Math.exp(-i / (0.003 * sampleRate));
    buf[at + i] = buf[at + i]! + amplitude * env * (2 * r() - 1);
  }
}

/**
 * A click track: clicks at the given beat times (seconds). Returns the buffer.
 */
export function clickTrack(beatTimes: readonly number[], duration: number, sampleRate: number): Float32Array {
  const buf = new Float32Array(Math.round(duration * sampleRate));
  for (const t of beatTimes) addClick(buf, Math.round(t * sampleRate), sampleRate);
  return buf;
}

/** Beat times from `start` at a tempo given by `bpmAt(t)` until `duration`. */
export function beatTimes(duration: number, bpmAt: (t: number) => number, start = 0.5): number[] {
  const out: number[] = [];
  for (let t = start; t < duration; t += 60 / bpmAt(t)) out.push(t);
  return out;
}

export interface PluckedNote {
  readonly t: number;
  readonly hz: number;
  readonly duration: number;
}

/** Plucked-string-like notes (sharp attack, exponential decay, a few harmonics). */
export function pluckedNotes(
  notes: readonly PluckedNote[],
  duration: number,
  sampleRate: number,
): Float32Array {
  const buf = new Float32Array(Math.round(duration * sampleRate));
  const harmonics = [1, 0.6, 0.4, 0.25, 0.15, 0.1];
  for (const note of notes) {
    const start = Math.round(note.t * sampleRate);
    const len = Math.round(note.duration * sampleRate);
    for (let i = 0; i < len && start + i < buf.length; i++) {
      const t = i / sampleRate;
      const attack = Math.min(1, i / (0.002 * sampleRate));
      const env = attack * Math.exp(-t / 0.25) * (i > len - 200 ? (len - i) / 200 : 1);
      let v = 0;
      for (let h = 0; h < harmonics.length; h++) {
        const f = note.hz * (h + 1);
        if (f < sampleRate / 2) v += harmonics[h]! * Math.exp(-t * h * 2) * Math.sin(2 * Math.PI * f * t);
      }
      buf[start + i] = buf[start + i]! + 0.3 * env * v;
    }
  }
  return buf;
}

/** Sum of several signals (lengths may differ; the result has the longest length). */
export function mix(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...signals.map((s) => s.length)));
  for (const s of signals) for (let i = 0; i < s.length; i++) out[i] = out[i]! + s[i]!;
  return out;
}

/** Frequency of a MIDI note. */
export const midiHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);

/** Cents between two frequencies. */
export const cents = (a: number, b: number): number => 1200 * Math.log2(a / b);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
