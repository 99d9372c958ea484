/**
 * Voice: a sung "ah". A PolyBLEP saw (the glottal source, with a breath of noise) goes through
 * three cascaded two-pole formant resonators (Klatt style, unity gain at DC so the fundamental
 * stays strong and a pitch tracker locks on it) at 800, 1150 and 2900 Hz. Vibrato at 5.5 Hz
 * fades in from 200 ms to ±25 cents by 600 ms; a soft 60 ms attack and a ~150 ms release.
 */
import { NOISE_SCALE, SINE, SINE_SIZE, VELOCITY_GAIN, decayCoef, xorshift } from "../util.js";

const LEVEL = 0.1;
const ATTACK_TAU_S = 0.02;
const RELEASE_TAU_S = 0.03;
const VIBRATO_HZ = 5.5;
const VIBRATO_CENTS = 25;
const VIBRATO_DELAY_S = 0.2;
const VIBRATO_FADE_S = 0.4;
const BREATH = 0.04;
const END_LEVEL = 1e-4;

/** Formants of "ah": frequency and bandwidth, Hz. */
const FORMANTS = [
  [800, 80],
  [1150, 90],
  [2900, 120],
] as const;

export class VocalVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly attackCoef: number = 0;
  private readonly releaseCoef: number = 0;
  private readonly vibInc: number = 0;
  private readonly vibMax: number = 0;
  private readonly vibStep: number = 0;
  private readonly breath: number = 0;
  /** Resonator coefficients a, b, c for y = a x + b y1 + c y2, three formants. */
  private readonly coefs = new Float64Array(9);
  private readonly state = new Float64Array(6);
  private phase = 0;
  private dt = 0;
  private gain = 0;
  private env = 0;
  private target = 1;
  private vibPhase = 0;
  private vibDepth = 0;
  private vibWait = 0;
  private rng = 1;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.attackCoef = 1 - decayCoef(ATTACK_TAU_S, sampleRate);
    this.releaseCoef = 1 - decayCoef(RELEASE_TAU_S, sampleRate);
    this.vibInc = VIBRATO_HZ / sampleRate;
    this.vibMax = Math.pow(2, VIBRATO_CENTS / 1200) - 1;
    this.vibStep = this.vibMax / (VIBRATO_FADE_S * sampleRate);
    this.breath = BREATH * NOISE_SCALE;
    const t = 1 / sampleRate;
    for (let j = 0; j < 3; j++) {
      const formant = FORMANTS[j]!;
      const hz = Math.min(formant[0], sampleRate * 0.45);
      const r = Math.exp(-Math.PI * formant[1] * t);
      const c = -r * r;
      const b = 2 * r * Math.cos(2 * Math.PI * hz * t);
      this.coefs[3 * j] = 1 - b - c;
      this.coefs[3 * j + 1] = b;
      this.coefs[3 * j + 2] = c;
    }
  }

  /**
   * Starts a note (velocity: an integer 1..127; seed: a non-zero 32-bit noise seed).
   * Runs on the audio path.
   */
  start(pitch: number, velocity: number, seed: number): void {
    this.done = false;
    this.phase = 0;
    this.dt = (440 * Math.pow(2, (pitch - 69) / 12)) / this.sampleRate;
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.env = 0;
    this.target = 1;
    this.vibPhase = 0;
    this.vibDepth = 0;
    this.vibWait = Math.round(VIBRATO_DELAY_S * this.sampleRate);
    this.rng = seed | 0 || 1;
    this.state.fill(0);
  }

  /** Starts the release. Runs on the audio path. */
  release(): void {
    this.target = 0;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const c = this.coefs;
    const s = this.state;
    const a1 = c[0]!,
      b1 = c[1]!,
      c1 = c[2]!;
    const a2 = c[3]!,
      b2 = c[4]!,
      c2 = c[5]!;
    const a3 = c[6]!,
      b3 = c[7]!,
      c3 = c[8]!;
    let y11 = s[0]!,
      y12 = s[1]!,
      y21 = s[2]!,
      y22 = s[3]!,
      y31 = s[4]!,
      y32 = s[5]!;
    const { dt, gain, vibInc, vibMax, vibStep, target, breath } = this;
    const envCoef = target > 0 ? this.attackCoef : this.releaseCoef;
    const table = SINE;
    let { phase, env, vibPhase, vibDepth, vibWait, rng } = this;
    for (let i = from; i < to; i++) {
      // Vibrato: waits, then fades in.
      if (vibWait > 0) vibWait--;
      else if (vibDepth < vibMax) vibDepth += vibStep;
      const vx = vibPhase * SINE_SIZE;
      const vi = vx | 0;
      const inc = dt * (1 + vibDepth * (table[vi]! + (table[vi + 1]! - table[vi]!) * (vx - vi)));
      vibPhase += vibInc;
      if (vibPhase >= 1) vibPhase -= 1;

      // Glottal source: a falling band-limited saw (PolyBLEP at the wrap), plus a little breath.
      let blep = 0;
      if (phase < inc) {
        const t = phase / inc;
        blep = t + t - t * t - 1;
      } else if (phase > 1 - inc) {
        const t = (phase - 1) / inc;
        blep = t * t + t + t + 1;
      }
      rng = xorshift(rng);
      const x = 1 - 2 * phase + blep + breath * rng;
      phase += inc;
      if (phase >= 1) phase -= 1;

      // Three formants in cascade.
      const f1 = a1 * x + b1 * y11 + c1 * y12;
      y12 = y11;
      y11 = f1;
      const f2 = a2 * f1 + b2 * y21 + c2 * y22;
      y22 = y21;
      y21 = f2;
      const f3 = a3 * f2 + b3 * y31 + c3 * y32;
      y32 = y31;
      y31 = f3;

      env += (target - env) * envCoef;
      buf[i] = f3 * env * gain;
    }
    s[0] = y11;
    s[1] = y12;
    s[2] = y21;
    s[3] = y22;
    s[4] = y31;
    s[5] = y32;
    this.phase = phase;
    this.env = env;
    this.vibPhase = vibPhase;
    this.vibDepth = vibDepth;
    this.vibWait = vibWait;
    this.rng = rng;
    if (target === 0 && env < END_LEVEL) this.done = true;
  }
}
