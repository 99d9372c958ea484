/**
 * Pad: a warm string/synth pad. Three PolyBLEP saws detuned by about ±7 cents (a chorus without
 * a delay line) through a two-pole state-variable low-pass whose cutoff opens slowly after the
 * attack and follows pitch and velocity; a slow attack (~250 ms) and a long release (~400 ms).
 */
import { MAX_CUTOFF_RATIO, VELOCITY_GAIN, decayCoef } from "../util.js";

const LEVEL = 0.28;
const ATTACK_TAU_S = 0.25;
const RELEASE_TAU_S = 0.4;
/** The cutoff glides from its start to its target with this time constant. */
const SWEEP_TAU_S = 0.6;
const END_LEVEL = 1e-4;
/** The filter's coefficients are updated every this many samples (the glide is slow). */
const COEF_EVERY = 16;
/** Frequency ratios of the three saws: -7, 0, +7 cents. */
const DETUNE_LOW = Math.pow(2, -7 / 1200);
const DETUNE_HIGH = Math.pow(2, 7 / 1200);

export class PadVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly attackCoef: number = 0;
  private readonly releaseCoef: number = 0;
  private readonly sweepCoef: number = 0;
  private p0 = 0;
  private p1 = 0.33;
  private p2 = 0.67;
  private d0 = 0;
  private d1 = 0;
  private d2 = 0;
  private gain = 0;
  private env = 0;
  private target = 1;
  /** Filter: current and target prewarped g = tan(pi fc / sr), state. */
  private g = 0;
  private gTarget = 0;
  private s1 = 0;
  private s2 = 0;
  /** Samples until the next coefficient update (kept across blocks: block size changes nothing). */
  private countdown = 0;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.attackCoef = 1 - decayCoef(ATTACK_TAU_S, sampleRate);
    this.releaseCoef = 1 - decayCoef(RELEASE_TAU_S, sampleRate);
    this.sweepCoef = 1 - decayCoef(SWEEP_TAU_S / COEF_EVERY, sampleRate);
  }

  /** Starts a note (velocity: an integer 1..127). Runs on the audio path. */
  start(pitch: number, velocity: number): void {
    const sr = this.sampleRate;
    const f0 = 440 * Math.pow(2, (pitch - 69) / 12);
    const v = velocity / 127;
    this.done = false;
    this.d0 = (f0 * DETUNE_LOW) / sr;
    this.d1 = f0 / sr;
    this.d2 = (f0 * DETUNE_HIGH) / sr;
    this.p0 = 0;
    this.p1 = 0.33;
    this.p2 = 0.67;
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.env = 0;
    this.target = 1;
    const start = Math.min(f0 * 1.5 + 200, sr * MAX_CUTOFF_RATIO);
    const end = Math.min(f0 * (2.5 + 3 * v) + 600 + 1400 * v, sr * MAX_CUTOFF_RATIO);
    this.g = Math.tan((Math.PI * start) / sr);
    this.gTarget = Math.tan((Math.PI * end) / sr);
    this.s1 = 0;
    this.s2 = 0;
    this.countdown = 0;
  }

  /** Starts the release. Runs on the audio path. */
  release(): void {
    this.target = 0;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const { d0, d1, d2, gain, target, gTarget, sweepCoef } = this;
    const envCoef = target > 0 ? this.attackCoef : this.releaseCoef;
    let { p0, p1, p2, env, g, s1, s2, countdown, a1, a2, a3 } = this;
    // Resonance: k = 1/Q, a gentle 0.9.
    const k = 1.1;
    const every = COEF_EVERY;
    for (let i = from; i < to; i++) {
      // Three falling band-limited saws (PolyBLEP at each wrap), written inline.
      let b0 = 0;
      if (p0 < d0) {
        const t = p0 / d0;
        b0 = t + t - t * t - 1;
      } else if (p0 > 1 - d0) {
        const t = (p0 - 1) / d0;
        b0 = t * t + t + t + 1;
      }
      let b1 = 0;
      if (p1 < d1) {
        const t = p1 / d1;
        b1 = t + t - t * t - 1;
      } else if (p1 > 1 - d1) {
        const t = (p1 - 1) / d1;
        b1 = t * t + t + t + 1;
      }
      let b2 = 0;
      if (p2 < d2) {
        const t = p2 / d2;
        b2 = t + t - t * t - 1;
      } else if (p2 > 1 - d2) {
        const t = (p2 - 1) / d2;
        b2 = t * t + t + t + 1;
      }
      const x = (3 - 2 * (p0 + p1 + p2) + b0 + b1 + b2) * 0.33;
      p0 += d0;
      if (p0 >= 1) p0 -= 1;
      p1 += d1;
      if (p1 >= 1) p1 -= 1;
      p2 += d2;
      if (p2 >= 1) p2 -= 1;

      // TPT state-variable low-pass, the cutoff gliding open.
      if (countdown <= 0) {
        countdown = every;
        g += (gTarget - g) * sweepCoef;
        a1 = 1 / (1 + g * (g + k));
        a2 = g * a1;
        a3 = g * a2;
      }
      countdown--;
      const v3 = x - s2;
      const v1 = a1 * s1 + a2 * v3;
      const v2 = s2 + a2 * s1 + a3 * v3;
      s1 = 2 * v1 - s1;
      s2 = 2 * v2 - s2;

      env += (target - env) * envCoef;
      buf[i] = v2 * env * gain;
    }
    this.p0 = p0;
    this.p1 = p1;
    this.p2 = p2;
    this.env = env;
    this.g = g;
    this.s1 = s1;
    this.s2 = s2;
    this.countdown = countdown;
    this.a1 = a1;
    this.a2 = a2;
    this.a3 = a3;
    if (target === 0 && env < END_LEVEL) this.done = true;
  }
}
