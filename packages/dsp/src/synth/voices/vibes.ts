/**
 * Vibes: a vibraphone. Struck aluminium bars ring with partials near 1, 4 and 10 times the
 * fundamental (the higher ones die within a few hundred and a few tens of milliseconds); the
 * motor's rotating discs give a 5.5 Hz tremolo. A fast mallet attack; the damper bar stops the
 * note at its end in about 80 ms.
 */
import { SINE, SINE_SIZE, VELOCITY_GAIN, decayCoef } from "../util.js";

const LEVEL = 0.3;
const ATTACK_TAU_S = 0.0008;
const DAMP_TAU_S = 0.08;
const TREMOLO_HZ = 5.5;
const TREMOLO_DEPTH = 0.3;
const END_LEVEL = 1e-4;

export class VibesVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly attackCoef: number = 0;
  private readonly dampCoef: number = 0;
  private readonly tremInc: number = 0;
  private readonly c4Coef: number = 0;
  private readonly c10Coef: number = 0;
  private phase = 0;
  private inc = 0;
  /** Levels of the 4th and 10th partials (0 when they would alias). */
  private l4 = 0;
  private l10 = 0;
  private gain = 0;
  private env = 0;
  private decay = 0;
  private attack = 0;
  private tremPhase = 0;
  private damped = false;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.attackCoef = 1 - decayCoef(ATTACK_TAU_S, sampleRate);
    this.dampCoef = decayCoef(DAMP_TAU_S, sampleRate);
    this.tremInc = TREMOLO_HZ / sampleRate;
    this.c4Coef = decayCoef(0.25, sampleRate);
    this.c10Coef = decayCoef(0.04, sampleRate);
  }

  /** Starts a note (velocity: an integer 1..127). Runs on the audio path. */
  start(pitch: number, velocity: number): void {
    const sr = this.sampleRate;
    const f0 = 440 * Math.pow(2, (pitch - 69) / 12);
    const v = velocity / 127;
    this.done = false;
    this.phase = 0;
    this.inc = f0 / sr;
    this.l4 = f0 * 4 < sr * 0.45 ? 0.25 + 0.35 * v : 0;
    this.l10 = f0 * 10 < sr * 0.45 ? 0.1 + 0.25 * v : 0;
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.env = 1;
    this.attack = 0;
    // Ring time: about 3 s at middle C, shorter up high.
    this.decay = decayCoef(3 * Math.pow(2, -(pitch - 60) / 24), sr);
    this.tremPhase = 0;
    this.damped = false;
  }

  /** The damper: the note stops quickly. Runs on the audio path. */
  release(): void {
    this.damped = true;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const { inc, gain, attackCoef, c4Coef, c10Coef, tremInc } = this;
    const envCoef = this.damped ? this.dampCoef : this.decay;
    const table = SINE;
    const tremScale = TREMOLO_DEPTH * 0.5;
    let { phase, env, attack, l4, l10, tremPhase } = this;
    for (let i = from; i < to; i++) {
      const x1 = phase * SINE_SIZE;
      const i1 = x1 | 0;
      const s1 = table[i1]! + (table[i1 + 1]! - table[i1]!) * (x1 - i1);
      const p4 = phase * 4; // in [0, 4): truncation is the floor
      const x4 = (p4 - (p4 | 0)) * SINE_SIZE;
      const i4 = x4 | 0;
      const s4 = table[i4]! + (table[i4 + 1]! - table[i4]!) * (x4 - i4);
      const p10 = phase * 10;
      const x10 = (p10 - (p10 | 0)) * SINE_SIZE;
      const i10 = x10 | 0;
      const s10 = table[i10]! + (table[i10 + 1]! - table[i10]!) * (x10 - i10);
      phase += inc;
      if (phase >= 1) phase -= 1;
      const xt = tremPhase * SINE_SIZE;
      const it = xt | 0;
      const trem = 1 - tremScale * (1 + table[it]! + (table[it + 1]! - table[it]!) * (xt - it));
      tremPhase += tremInc;
      if (tremPhase >= 1) tremPhase -= 1;
      attack += (1 - attack) * attackCoef;
      env *= envCoef;
      buf[i] = (s1 + s4 * l4 + s10 * l10) * attack * env * trem * gain;
      l4 *= c4Coef;
      l10 *= c10Coef;
    }
    this.phase = phase;
    this.env = env;
    this.attack = attack;
    this.l4 = l4;
    this.l10 = l10;
    this.tremPhase = tremPhase;
    if (env < END_LEVEL) this.done = true;
  }
}
