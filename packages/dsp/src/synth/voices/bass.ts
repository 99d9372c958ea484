/**
 * Bass: a PolyBLEP saw/square mix plus a sine at the fundamental, through a resonant TPT
 * state-variable low-pass whose cutoff follows a fast, velocity-scaled envelope (the pluck), with
 * an amplitude envelope of a ~2 ms attack, a decay to a 60 % sustain, and a ~60 ms release.
 */
import { MAX_CUTOFF_RATIO, SINE, SINE_SIZE, VELOCITY_GAIN, decayCoef } from "../util.js";

/** Output level at velocity 127 (a velocity-100 note then peaks around 0.3). */
const LEVEL = 0.42;
const ATTACK_TAU_S = 0.0007;
const SUSTAIN = 0.6;
const DECAY_TAU_S = 0.35;
const RELEASE_TAU_S = 0.012; // -43 dB after 60 ms
const FILTER_TAU_S = 0.07;
const RESONANCE_K = 0.7; // 1/Q: Q about 1.4
const END_LEVEL = 1e-4;

export class BassVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly attackCoef: number = 0;
  private readonly decay: number = 0;
  private readonly releaseCoef: number = 0;
  private readonly fcoef: number = 0;
  private readonly maxCut: number = 0;
  private phase = 0;
  private dt = 0;
  private gain = 0;
  private attack = 0;
  private env = 1;
  private releaseLevel = 1;
  private released = false;
  private fenv = 0;
  private cutBase = 0;
  private cutRange = 0;
  private ic1 = 0;
  private ic2 = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.attackCoef = 1 - decayCoef(ATTACK_TAU_S, sampleRate);
    this.decay = decayCoef(DECAY_TAU_S, sampleRate);
    this.releaseCoef = decayCoef(RELEASE_TAU_S, sampleRate);
    this.fcoef = decayCoef(FILTER_TAU_S, sampleRate);
    this.maxCut = sampleRate * MAX_CUTOFF_RATIO;
  }

  /** Starts a note (velocity: an integer 1..127). Runs on the audio path. */
  start(pitch: number, velocity: number): void {
    const f0 = 440 * Math.pow(2, (pitch - 69) / 12);
    const v = velocity / 127;
    this.done = false;
    this.phase = 0;
    this.dt = f0 / this.sampleRate;
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.attack = 0;
    this.env = 1;
    this.releaseLevel = 1;
    this.released = false;
    this.fenv = 1;
    this.cutBase = f0 * 2 + 120;
    this.cutRange = 300 + 2600 * v * v;
    this.ic1 = 0;
    this.ic2 = 0;
  }

  /** Starts the release. Runs on the audio path. */
  release(): void {
    this.released = true;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const dt = this.dt;
    const piOverSr = Math.PI / this.sampleRate;
    const { maxCut, cutBase, cutRange, fcoef, gain, decay, attackCoef } = this;
    const releaseCoef = this.released ? this.releaseCoef : 1;
    const table = SINE;
    let { phase, attack, env, fenv, ic1, ic2 } = this;
    let rel = this.releaseLevel;
    for (let i = from; i < to; i++) {
      // Oscillators: band-limited falling saw and square (their fundamentals in phase) and a sine
      // at the fundamental for weight. PolyBLEP residuals at phase 0 (both) and 0.5 (square).
      let blep0 = 0;
      if (phase < dt) {
        const t = phase / dt;
        blep0 = t + t - t * t - 1;
      } else if (phase > 1 - dt) {
        const t = (phase - 1) / dt;
        blep0 = t * t + t + t + 1;
      }
      const half = phase < 0.5 ? phase + 0.5 : phase - 0.5;
      let blep5 = 0;
      if (half < dt) {
        const t = half / dt;
        blep5 = t + t - t * t - 1;
      } else if (half > 1 - dt) {
        const t = (half - 1) / dt;
        blep5 = t * t + t + t + 1;
      }
      const saw = 1 - 2 * phase + blep0;
      const square = (phase < 0.5 ? 1 : -1) + blep0 - blep5;
      const sx = phase * SINE_SIZE;
      const si = sx | 0;
      const sine = table[si]! + (table[si + 1]! - table[si]!) * (sx - si);
      const x = 0.55 * saw + 0.3 * square + 0.35 * sine;
      phase += dt;
      if (phase >= 1) phase -= 1;

      // Filter: the cutoff moves every sample, so g = tan(w) comes from a Padé approximant
      // (within 0.2 % up to w = 1, i.e. 0.32 sr; 3 % at the 0.45 sr cutoff limit).
      const fc = Math.min(cutBase + cutRange * fenv, maxCut);
      fenv *= fcoef;
      const w = fc * piOverSr;
      const w2 = w * w;
      const g = (w * (15 - w2)) / (15 - 6 * w2);
      const a1 = 1 / (1 + g * (g + RESONANCE_K));
      const a2 = g * a1;
      const v3 = x - ic2;
      const v1 = a1 * ic1 + a2 * v3;
      const v2 = ic2 + a2 * ic1 + g * a2 * v3;
      ic1 = 2 * v1 - ic1;
      ic2 = 2 * v2 - ic2;

      // Amplitude: a fast one-pole attack, times a decay to the sustain level, times the
      // release (all branch-free: constant assignments in the loop would box V8's doubles).
      attack += (1 - attack) * attackCoef;
      env = SUSTAIN + (env - SUSTAIN) * decay;
      rel *= releaseCoef;
      buf[i] = v2 * attack * env * rel * gain;
    }
    this.phase = phase;
    this.attack = attack;
    this.env = env;
    this.releaseLevel = rel;
    this.fenv = fenv;
    this.ic1 = ic1;
    this.ic2 = ic2;
    if (rel < END_LEVEL) this.done = true;
  }
}
