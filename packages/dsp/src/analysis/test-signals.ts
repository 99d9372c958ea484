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
  /** Linear gain of the note (default 1). */
  readonly gain?: number;
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
    const gain = note.gain ?? 1;
    for (let i = 0; i < len && start + i < buf.length; i++) {
      const t = i / sampleRate;
      const attack = Math.min(1, i / (0.002 * sampleRate));
      const env = attack * Math.exp(-t / 0.25) * (i > len - 200 ? (len - i) / 200 : 1);
      let v = 0;
      for (let h = 0; h < harmonics.length; h++) {
        const f = note.hz * (h + 1);
        if (f < sampleRate / 2) v += harmonics[h]! * Math.exp(-t * h * 2) * Math.sin(2 * Math.PI * f * t);
      }
      buf[start + i] = buf[start + i]! + 0.3 * gain * env * v;
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

// ---------------------------------------------------------------------------------------------
// Drum patterns, accompaniments and tempo curves (beat tracking tests).
// ---------------------------------------------------------------------------------------------

/** Beat times for a tempo curve, by integrating the tempo (precise for ramps and steps). */
export function beatTimesOf(duration: number, bpmAt: (t: number) => number, start = 0.3): number[] {
  const out: number[] = [];
  let t = start;
  let phase = 0;
  const dt = 0.001;
  out.push(t);
  while (t < duration) {
    phase += (bpmAt(t) / 60) * dt;
    t += dt;
    if (phase >= 1) {
      phase -= 1;
      out.push(t);
    }
  }
  return out.filter((x) => x < duration);
}

/** A synthetic kick (pitch-swept sine) added at sample `at`. */
export function addKick(buf: Float32Array, at: number, sampleRate: number, amplitude = 0.8): void {
  const len = Math.round(0.25 * sampleRate);
  let phase = 0;
  for (let i = 0; i < len && at + i < buf.length; i++) {
    const t = i / sampleRate;
    const f = 45 + 90 * Math.exp(-t / 0.03);
    phase += (2 * Math.PI * f) / sampleRate;
    if (at + i < 0) continue;
    buf[at + i] = buf[at + i]! + amplitude * Math.exp(-t / 0.12) * Math.sin(phase);
  }
}

/** A synthetic snare (noise burst plus a 190 Hz body) added at sample `at`. */
export function addSnare(
  buf: Float32Array,
  at: number,
  sampleRate: number,
  amplitude = 0.5,
  seed = 11,
): void {
  const r = rng(seed + at);
  const len = Math.round(0.2 * sampleRate);
  for (let i = 0; i < len && at + i < buf.length; i++) {
    if (at + i < 0) continue;
    const t = i / sampleRate;
    const v =
      (2 * r() - 1) * Math.exp(-t / 0.06) + 0.6 * Math.sin(2 * Math.PI * 190 * t) * Math.exp(-t / 0.04);
    buf[at + i] = buf[at + i]! + amplitude * v;
  }
}

/** A synthetic closed hi-hat (high-passed noise, short) added at sample `at`. */
export function addHat(buf: Float32Array, at: number, sampleRate: number, amplitude = 0.15, seed = 23): void {
  const r = rng(seed + at);
  const len = Math.round(0.05 * sampleRate);
  let prev = 0;
  for (let i = 0; i < len && at + i < buf.length; i++) {
    const n = 2 * r() - 1;
    const hp = n - prev;
    prev = n;
    if (at + i < 0) continue;
    buf[at + i] = buf[at + i]! + amplitude * hp * Math.exp(-i / (0.012 * sampleRate));
  }
}

/** A drum pattern: hits per instrument at sixteenth positions 0..15 of a 4-beat bar. */
export interface DrumPattern {
  kick: readonly number[];
  snare: readonly number[];
  hat: readonly number[];
}

export const DRUM_PATTERNS: Record<string, DrumPattern> = {
  rock: { kick: [0, 8], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] },
  /** Syncopated rock: kicks on the "and" of 2 and 3 as well. */
  syncopated: { kick: [0, 6, 10], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] },
  /** A breakbeat: syncopated kicks, ghost snares, sixteenth hats in places. */
  breakbeat: { kick: [0, 3, 10, 11], snare: [4, 7, 12, 15], hat: [0, 2, 4, 6, 8, 9, 10, 12, 14] },
  /** Half time: snare on beat 3 only. */
  half: { kick: [0, 10], snare: [8], hat: [0, 2, 4, 6, 8, 10, 12, 14] },
  sparse: { kick: [0], snare: [8], hat: [0, 4, 8, 12] },
  /** Off-beat hats only (disco/house-like), kicks on every beat. */
  offbeat: { kick: [0, 4, 8, 12], snare: [4, 12], hat: [2, 6, 10, 14] },
  /** Funk: kicks off the beat, snare backbeat, sixteenth hats. */
  funk: { kick: [0, 3, 7, 10], snare: [4, 12], hat: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] },
};

export interface DrumOptions {
  /** Swing: the off-beat eighth is placed at this fraction of the beat (0.5 = straight). */
  swing?: number;
  /** Random timing jitter (seconds, uniform ±). */
  jitter?: number;
  /** Probability that a hit is dropped. */
  dropout?: number;
  seed?: number;
  amplitude?: number;
}

/** Time of sixteenth `s` (0..3) of beat `i` given the beat times (swing applies to s = 2). */
function subdivision(beats: readonly number[], i: number, s: number, swing: number): number {
  const a = beats[i]!;
  const b = beats[i + 1] ?? a + (a - (beats[i - 1] ?? a - 0.5));
  const frac = s === 2 ? swing : s === 1 ? swing / 2 : s === 3 ? (1 + swing) / 2 : 0;
  return a + frac * (b - a);
}

/** A drum track over the given beat times (beats[0] is a downbeat). */
export function drumTrack(
  beats: readonly number[],
  pattern: DrumPattern,
  duration: number,
  sampleRate: number,
  opts: DrumOptions = {},
): Float32Array {
  const buf = new Float32Array(Math.round(duration * sampleRate));
  const r = rng(opts.seed ?? 5);
  const swing = opts.swing ?? 0.5;
  const amp = opts.amplitude ?? 1;
  for (let i = 0; i < beats.length; i++) {
    const inBar = (i % 4) * 4;
    for (let s = 0; s < 4; s++) {
      const pos = inBar + s;
      const t = subdivision(beats, i, s, swing);
      const hit = (list: readonly number[], add: (at: number) => void): void => {
        if (!list.includes(pos)) return;
        if (opts.dropout && r() < opts.dropout) return;
        const j = opts.jitter ? (2 * r() - 1) * opts.jitter : 0;
        add(Math.round((t + j) * sampleRate));
      };
      hit(pattern.kick, (at) => addKick(buf, at, sampleRate, 0.8 * amp));
      hit(pattern.snare, (at) => addSnare(buf, at, sampleRate, 0.45 * amp));
      hit(pattern.hat, (at) => addHat(buf, at, sampleRate, 0.12 * amp));
    }
  }
  return buf;
}

/** Melody notes at random eighth positions (some syncopated), for a mix over drums. */
export function melodyOver(beats: readonly number[], seed = 3): PluckedNote[] {
  const r = rng(seed);
  const notes: PluckedNote[] = [];
  const scale = [0, 2, 4, 5, 7, 9, 11, 12];
  for (let i = 0; i + 1 < beats.length; i++) {
    const p = beats[i + 1]! - beats[i]!;
    for (const f of [0, 0.5]) {
      if (r() < 0.55) continue;
      const m = 60 + scale[Math.floor(r() * scale.length)]!;
      notes.push({ t: beats[i]! + f * p, hz: midiHz(m), duration: p * (0.4 + r() * 0.8) });
    }
  }
  return notes;
}

/** Chord stabs (three plucked notes) on the given beat fractions of each beat, bass on beats 1 and 3. */
export function chordStabs(
  beats: readonly number[],
  positions: readonly number[] = [0],
  seed = 4,
): PluckedNote[] {
  const r = rng(seed);
  const roots = [48, 53, 55, 57, 50];
  const notes: PluckedNote[] = [];
  let root = 48;
  for (let i = 0; i + 1 < beats.length; i++) {
    if (i % 4 === 0) root = roots[Math.floor(r() * roots.length)]!;
    const p = beats[i + 1]! - beats[i]!;
    for (const f of positions) {
      for (const iv of [12, 16, 19])
        notes.push({ t: beats[i]! + f * p, hz: midiHz(root + iv), duration: 0.25 * p });
    }
    if (i % 2 === 0) notes.push({ t: beats[i]!, hz: midiHz(root - 12), duration: 0.9 * p });
  }
  return notes;
}

/**
 * Comping with dynamics: a chord (three plucked notes and a bass) struck loud on each beat and
 * softly (gain `soft`, e.g. 0.3: about -10 dB) on the off-beat eighth, each stroke ringing on
 * under the next (the soft strokes land on a sounding chord, so they add little energy). The
 * chord changes every two beats. Returns the notes; every stroke time is an onset.
 */
export function dynamicComping(beats: readonly number[], soft = 0.3, seed = 5): PluckedNote[] {
  const r = rng(seed);
  const roots = [48, 53, 55, 57, 50, 52];
  const notes: PluckedNote[] = [];
  let root = 48;
  for (let i = 0; i + 1 < beats.length; i++) {
    if (i % 2 === 0) root = roots[Math.floor(r() * roots.length)]!;
    const p = beats[i + 1]! - beats[i]!;
    for (const [f, g] of [
      [0, 1],
      [0.5, soft * (0.8 + 0.4 * r())],
    ] as const) {
      for (const iv of [12, 16, 19])
        notes.push({ t: beats[i]! + f * p, hz: midiHz(root + iv), duration: 1.2 * p, gain: g });
    }
    if (i % 2 === 0) notes.push({ t: beats[i]!, hz: midiHz(root - 12), duration: 1.8 * p });
  }
  return notes;
}

/**
 * A short burst of hiss in the top octaves (white noise differenced four times: +24 dB per
 * octave, most of its energy above 8 kHz), decaying over `decay` seconds, added into `buf` at
 * sample `at`: the noise of a pick or a fret, or a sung consonant, with next to nothing in the
 * bands of the notes.
 */
export function addHiss(
  buf: Float32Array,
  at: number,
  sampleRate: number,
  amplitude = 0.05,
  decay = 0.02,
  seed = 13,
): void {
  const r = rng(seed + at);
  const len = Math.round(5 * decay * sampleRate);
  const d = [0, 0, 0, 0];
  for (let i = 0; i < len && at + i < buf.length; i++) {
    let v = 2 * r() - 1;
    for (let k = 0; k < 4; k++) {
      const prev = d[k]!;
      d[k] = v;
      v -= prev;
    }
    if (at + i < 0) continue;
    const env = Math.min(1, i / (0.002 * sampleRate)) * Math.exp(-i / (decay * sampleRate));
    buf[at + i] = buf[at + i]! + (amplitude / 4) * env * v;
  }
}

/** `signal` plus white noise at `snrDb` below the signal's RMS. */
export function withNoise(signal: Float32Array, snrDb: number, seed = 9): Float32Array {
  let sq = 0;
  for (const v of signal) sq += v * v;
  const rms = Math.sqrt(sq / Math.max(1, signal.length));
  const noiseRms = rms / 10 ** (snrDb / 20);
  // Uniform noise in [-a, a] has RMS a/sqrt(3).
  const noise = whiteNoise(signal.length / 1, 1, noiseRms * Math.sqrt(3), seed);
  const out = new Float32Array(signal.length);
  for (let i = 0; i < out.length; i++) out[i] = signal[i]! + noise[i]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Melodies, accompaniments and chords (pitch / harmony tests).
// ---------------------------------------------------------------------------------------------

export interface MelodyNote {
  readonly t: number;
  readonly midi: number;
  readonly duration: number;
}

export interface MelodyOptions {
  /** Harmonic amplitudes (index 0 = fundamental). Default: a voice-like decaying series. */
  harmonics?: readonly number[];
  amplitude?: number;
  vibratoHz?: number;
  vibratoCents?: number;
  /** Attack and release ramps (seconds). */
  ramp?: number;
}

/**
 * A monophonic melody (continuous phase within each note, vibrato, attack/release ramps) and
 * its ground-truth f0 (Hz, 0 when silent) at any time through `f0At(t)`.
 */
export function melodySignal(
  notes: readonly MelodyNote[],
  duration: number,
  sampleRate: number,
  opts: MelodyOptions = {},
): { signal: Float32Array; f0At: (t: number) => number } {
  const harmonics = opts.harmonics ?? [1, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08];
  const amp = opts.amplitude ?? 0.3;
  const ramp = opts.ramp ?? 0.02;
  const norm = harmonics.reduce((a, b) => a + b, 0);
  const buf = new Float32Array(Math.round(duration * sampleRate));
  const f0 = (note: MelodyNote, t: number): number =>
    midiHz(note.midi) *
    2 ** (((opts.vibratoCents ?? 0) * Math.sin(2 * Math.PI * (opts.vibratoHz ?? 0) * t)) / 1200);
  for (const note of notes) {
    const start = Math.round(note.t * sampleRate);
    const len = Math.round(note.duration * sampleRate);
    let phase = 0;
    for (let i = 0; i < len && start + i < buf.length; i++) {
      const t = (start + i) / sampleRate;
      const f = f0(note, t);
      phase += (2 * Math.PI * f) / sampleRate;
      const env = Math.min(1, i / (ramp * sampleRate), (len - i) / (ramp * sampleRate));
      let v = 0;
      for (let h = 0; h < harmonics.length; h++) {
        if (f * (h + 1) < sampleRate / 2) v += harmonics[h]! * Math.sin((h + 1) * phase);
      }
      buf[start + i] = buf[start + i]! + (amp * env * v) / norm;
    }
  }
  const f0At = (t: number): number => {
    for (const n of notes) if (t >= n.t && t < n.t + n.duration) return f0(n, t);
    return 0;
  };
  return { signal: buf, f0At };
}

/** Sustained sawtooth chords (each {t, midis, duration}), e.g. a pad accompaniment. */
export function sawChords(
  chords: readonly { t: number; midis: readonly number[]; duration: number }[],
  duration: number,
  sampleRate: number,
  amplitude = 0.06,
): Float32Array {
  const saw = Array.from({ length: 12 }, (_, k) => 1 / (k + 1));
  const parts: Float32Array[] = [new Float32Array(Math.round(duration * sampleRate))];
  for (const c of chords) {
    for (const m of c.midis) {
      const x = melodySignal([{ t: c.t, midi: m, duration: c.duration }], duration, sampleRate, {
        harmonics: saw,
        amplitude,
        ramp: 0.01,
      });
      parts.push(x.signal);
    }
  }
  return mix(...parts);
}

// ---------------------------------------------------------------------------------------------
// Onset and chord test material: articulated melodies, strummed chords, onset F-measure.
// ---------------------------------------------------------------------------------------------

/**
 * A monophonic saw/voice-like line with vibrato where notes are joined legato (the pitch changes,
 * the level does not) or re-articulated (a short dip in level, the same or another pitch).
 * Returns the signal and the times of the true onsets (first note and re-articulations only).
 */
export function articulatedMelody(
  notes: readonly { midi: number; duration: number; rearticulate: boolean }[],
  sampleRate: number,
  opts: { start?: number; vibratoHz?: number; vibratoCents?: number; amplitude?: number } = {},
): { signal: Float32Array; onsets: number[] } {
  const start = opts.start ?? 0.3;
  const total = start + notes.reduce((a, n) => a + n.duration, 0) + 0.3;
  const n = Math.round(total * sampleRate);
  const buf = new Float32Array(n);
  const harmonics = [1, 0.6, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07];
  const amp = opts.amplitude ?? 0.3;
  const onsets: number[] = [];
  // Envelope and f0 per sample.
  const f0 = new Float64Array(n);
  const env = new Float64Array(n);
  let t = start;
  notes.forEach((note, i) => {
    const a = Math.round(t * sampleRate);
    const b = Math.round((t + note.duration) * sampleRate);
    if (i === 0 || note.rearticulate) onsets.push(t);
    for (let k = a; k < b && k < n; k++) {
      f0[k] = midiHz(note.midi);
      let e = 1;
      const fromStart = (k - a) / sampleRate;
      if (i === 0) e = Math.min(1, fromStart / 0.03);
      else if (note.rearticulate) e = Math.min(1, 0.08 + fromStart / 0.025);
      const next = notes[i + 1];
      const toEnd = (b - k) / sampleRate;
      if (next === undefined) e *= Math.min(1, toEnd / 0.05);
      else if (next.rearticulate) e *= Math.min(1, 0.08 + toEnd / 0.04);
      env[k] = e;
    }
    t += note.duration;
  });
  let phase = 0;
  for (let k = 0; k < n; k++) {
    if (f0[k] === 0) continue;
    const cents =
      (opts.vibratoCents ?? 30) * Math.sin((2 * Math.PI * (opts.vibratoHz ?? 6) * k) / sampleRate);
    const f = f0[k]! * 2 ** (cents / 1200);
    phase += (2 * Math.PI * f) / sampleRate;
    let v = 0;
    for (let h = 0; h < harmonics.length; h++)
      if (f * (h + 1) < sampleRate / 2) v += harmonics[h]! * Math.sin((h + 1) * phase);
    buf[k] = (amp * env[k]! * v) / 3;
  }
  return { signal: buf, onsets };
}

/**
 * Strummed chords: each chord {t, midis, duration} strummed down on every beat of `beat`
 * seconds (strings `spread` seconds apart), plucked-string timbre. Returns the signal.
 */
export function strummedChords(
  chords: readonly { t: number; midis: readonly number[]; duration: number }[],
  beat: number,
  duration: number,
  sampleRate: number,
  spread = 0.012,
): Float32Array {
  const notes: PluckedNote[] = [];
  for (const c of chords) {
    for (let s = c.t; s < c.t + c.duration - 0.05; s += beat) {
      c.midis.forEach((m, i) =>
        notes.push({
          t: s + i * spread,
          hz: midiHz(m),
          duration: Math.min(beat * 1.5, c.t + c.duration - s),
        }),
      );
    }
  }
  return pluckedNotes(notes, duration, sampleRate);
}

/** Onset F-measure (one-to-one matching within `window` seconds, closest pairs first). */
export function onsetFMeasure(reference: readonly number[], found: readonly number[], window = 0.05): number {
  const pairs: [number, number, number][] = [];
  reference.forEach((r, i) =>
    found.forEach((f, j) => {
      if (Math.abs(r - f) <= window) pairs.push([Math.abs(r - f), i, j]);
    }),
  );
  pairs.sort((a, b) => a[0] - b[0]);
  const usedR = new Set<number>();
  const usedF = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedR.has(i) || usedF.has(j)) continue;
    usedR.add(i);
    usedF.add(j);
  }
  const matched = usedR.size;
  if (matched === 0) return 0;
  const p = matched / found.length;
  const r = matched / reference.length;
  return (2 * p * r) / (p + r);
}

// ---------------------------------------------------------------------------------------------
// Pitch test material: a cheap synthetic reverb and random melodies with rests.
// ---------------------------------------------------------------------------------------------

/**
 * `signal` through a Schroeder reverb (8 damped combs and 4 allpasses, Freeverb tunings) with
 * decay time `rt60` seconds, the wet part `wetDb` relative to the dry one, plus the dry signal.
 * The output is `tail` seconds longer than the input.
 */
export function withReverb(
  signal: Float32Array,
  sampleRate: number,
  rt60 = 0.7,
  wetDb = -6,
  tail = 0.5,
): Float32Array {
  const scale = sampleRate / 44100;
  const combs = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617].map((d) => Math.round(d * scale));
  const allpasses = [556, 441, 341, 225].map((d) => Math.round(d * scale));
  const n = signal.length + Math.round(tail * sampleRate);
  const wet = new Float64Array(n);
  const damp = 0.2;
  for (const d of combs) {
    const g = 10 ** ((-3 * d) / (rt60 * sampleRate));
    const line = new Float64Array(d);
    let filt = 0;
    for (let i = 0; i < n; i++) {
      const x = i < signal.length ? signal[i]! : 0;
      const y = line[i % d]!;
      filt = y * (1 - damp) + filt * damp;
      line[i % d] = x + g * filt;
      wet[i] = wet[i]! + y;
    }
  }
  for (const d of allpasses) {
    const line = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const b = line[i % d]!;
      const x = wet[i]!;
      line[i % d] = x + 0.5 * b;
      wet[i] = b - x;
    }
  }
  // Scale the wet part to `wetDb` relative to the dry signal's RMS.
  let dry = 0;
  for (const v of signal) dry += v * v;
  let w = 0;
  for (const v of wet) w += v * v;
  const gain = w > 0 ? Math.sqrt(dry / w) * 10 ** (wetDb / 20) : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (i < signal.length ? signal[i]! : 0) + gain * wet[i]!;
  return out;
}

/** Harmonic amplitudes of a few timbres (index 0 = fundamental). */
export const TIMBRES: Record<string, readonly number[]> = {
  voice: [1, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08],
  saw: Array.from({ length: 16 }, (_, k) => 1 / (k + 1)),
  /** Clarinet-like: odd harmonics strong. */
  reed: [1, 0.08, 0.7, 0.06, 0.45, 0.05, 0.3, 0.04, 0.2],
  /** A weak fundamental (a bright brass/nasal tone, or a voice through a small speaker). */
  thin: [0.08, 1, 0.8, 0.6, 0.45, 0.3, 0.2],
};

/**
 * A random melody in a MIDI range [lo, hi]: notes of 0.15-0.7 s, steps of up to a fifth, legato
 * or separated by rests of 0.1-0.4 s, starting at `start` seconds and lasting about `duration`.
 */
export function randomMelody(lo: number, hi: number, duration: number, seed = 1, start = 0.3): MelodyNote[] {
  const r = rng(seed);
  const notes: MelodyNote[] = [];
  let t = start;
  let m = Math.round((lo + hi) / 2);
  while (t < duration - 0.5) {
    const d = 0.15 + r() * 0.55;
    notes.push({ t, midi: m, duration: d });
    t += d;
    if (r() < 0.4) t += 0.1 + r() * 0.3;
    m = Math.min(hi, Math.max(lo, m + Math.round((2 * r() - 1) * 7)));
  }
  return notes;
}
