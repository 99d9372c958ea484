/**
 * Shared building blocks of the synthesizer voices: a sine table, the velocity curve, decay
 * coefficients and a seeded noise generator. Everything here is allocation-free once the module
 * has loaded (the tables are built at load time).
 *
 * Allocation on the audio path, in V8 terms (each rule below was found by measurement):
 * - A call that is not inlined boxes a double return value (or argument) in a fresh HeapNumber,
 *   and whether TurboFan inlines a helper depends on its budget for the caller (the kernels are
 *   inlined into the synth's block loop, which exhausts it). So the sample loops call no helper
 *   that returns a double: the sine lookup, the PolyBLEP residual and the filter's tangent are
 *   written inline; only xorshift (an int32, returned unboxed as a small integer) is called.
 * - Every numeric class field is initialized with a number where it is declared: a field that
 *   starts as undefined (a bare declaration) is stored boxed, and mixing it with an unboxed field
 *   in one expression boxes a fresh number on every call.
 * - Loops assign no integer constants to double variables (write `Math.min(x, max)` or a
 *   branch-free envelope instead of `if (x > 1) x = 1`), and frame counts stay small integers.
 * - noteOn-time code reads tables and constants precomputed in constructors.
 */

/** Size of the sine table (one cycle); one guard point follows for interpolation. */
export const SINE_SIZE = 4096;

/**
 * One cycle of sin(2πx) at SINE_SIZE + 1 points. The sample loops read it inline, interpolated
 * linearly (error below -110 dB):
 *   const x = phase * SINE_SIZE; const i = x | 0; sin = SINE[i] + (SINE[i + 1] - SINE[i]) * (x - i)
 * with phase in [0, 1) (or `phase - Math.floor(phase)` when it may be anywhere).
 */
export const SINE = new Float64Array(SINE_SIZE + 1);
for (let i = 0; i <= SINE_SIZE; i++) SINE[i] = Math.sin((2 * Math.PI * i) / SINE_SIZE);

/**
 * sin(2π·phase) from the table, for code off the sample loops and for tests; `phase` may be any
 * finite number. @example sin1(0.25) // => 1
 */
export function sin1(phase: number): number {
  const x = (phase - Math.floor(phase)) * SINE_SIZE;
  const i = x | 0;
  const a = SINE[i]!;
  return a + (SINE[i + 1]! - a) * (x - i);
}

/** The velocity curve's exponent: gain = (velocity / 127) ^ 1.7, about 40 dB of range. */
const VELOCITY_CURVE = 1.7;

/** Linear amplitude of each MIDI velocity 0..127 (1 at 127), read at noteOn. */
export const VELOCITY_GAIN = new Float64Array(128);
for (let v = 0; v < 128; v++) VELOCITY_GAIN[v] = Math.pow(v / 127, VELOCITY_CURVE);

/** Per-sample multiplier of an exponential decay with time constant `tau` seconds (constructors). */
export function decayCoef(tau: number, sampleRate: number): number {
  return tau <= 0 ? 0 : Math.exp(-1 / (tau * sampleRate));
}

/** Cutoffs are kept below this fraction of the sample rate so filters stay stable and sane. */
export const MAX_CUTOFF_RATIO = 0.45;

/**
 * One step of xorshift32: the next non-zero 32-bit state. Noise is `state * 2^-31`, in [-1, 1).
 * Deterministic and cheap; each voice owns its state, seeded at noteOn.
 */
export function xorshift(state: number): number {
  let x = state | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x | 0;
}

/**
 * Scale from an xorshift state to noise in [-1, 1). Kernels copy it into a field at construction:
 * under a module loader that wraps exports in getters (vitest), reading an imported double on
 * the audio path would allocate.
 */
export const NOISE_SCALE = 1 / 2147483648;

/**
 * mulberry32: a seeded generator of 32-bit values used to give every note its own noise seed.
 * Owned by the synth; never Math.random.
 */
export class Mulberry32 {
  private s: number = 0;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  /** Next non-zero 32-bit integer. Allocates nothing. */
  nextInt(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) | 0;
    return t === 0 ? 0x9e3779b9 | 0 : t;
  }
}
