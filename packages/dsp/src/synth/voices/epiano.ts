/**
 * Electric piano: phase-modulation FM in the manner of the DX7 tine pianos. One carrier at the
 * fundamental is modulated by a 1:1 operator (its index decays from a velocity-scaled peak to a
 * floor, so hard notes bark and then mellow) and by a 14:1 operator that rings only for the
 * first few tens of milliseconds (the tine's bell). The amplitude decays over seconds (longer for
 * low notes); the release takes about 150 ms.
 */
import { SINE, SINE_SIZE, VELOCITY_GAIN, decayCoef } from "../util.js";

const LEVEL = 0.33;
const ATTACK_TAU_S = 0.0005;
const RELEASE_TAU_S = 0.03;
const BELL_RATIO = 14;
const END_LEVEL = 1e-4;
const TWO_PI_INV = 1 / (2 * Math.PI);

export class EPianoVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly attackCoef: number = 0;
  private readonly releaseCoef: number = 0;
  private readonly indexCoef: number = 0;
  private readonly bellCoef: number = 0;
  private phase = 0;
  private inc = 0;
  private gain = 0;
  private env = 0;
  private attack = 0;
  private decay = 0;
  private released = false;
  private index = 0;
  private indexFloor = 0;
  private bell = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.attackCoef = 1 - decayCoef(ATTACK_TAU_S, sampleRate);
    this.releaseCoef = decayCoef(RELEASE_TAU_S, sampleRate);
    this.indexCoef = decayCoef(0.3, sampleRate);
    this.bellCoef = decayCoef(0.02, sampleRate);
  }

  /** Starts a note (velocity: an integer 1..127). Runs on the audio path. */
  start(pitch: number, velocity: number): void {
    const sampleRate = this.sampleRate;
    const f0 = 440 * Math.pow(2, (pitch - 69) / 12);
    const v = velocity / 127;
    const keyScale = Math.min(1.5, Math.max(0.35, Math.pow(2, -(pitch - 60) / 30)));
    this.done = false;
    this.phase = 0;
    this.inc = f0 / sampleRate;
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.env = 1;
    this.attack = 0;
    // Decay time constant: 2 s at middle C, an octave up 1.4 s.
    this.decay = Math.exp(-1 / (2.0 * Math.pow(2, -(pitch - 60) / 24) * sampleRate));
    this.released = false;
    // Indices in radians, stored in cycles (the unit of the sine table).
    const peak = (0.4 + 2.6 * Math.pow(v, 1.5)) * keyScale;
    this.indexFloor = 0.18 * peak * TWO_PI_INV;
    this.index = (peak - 0.18 * peak) * TWO_PI_INV;
    // The bell's sidebands must stay well below Nyquist.
    this.bell = f0 * (BELL_RATIO + 2) < sampleRate * 0.42 ? (0.5 + 1.5 * v) * TWO_PI_INV : 0;
  }

  /** Starts the release. Runs on the audio path. */
  release(): void {
    this.released = true;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const { inc, gain, attackCoef, indexFloor, indexCoef, bellCoef } = this;
    const envCoef = this.released ? this.releaseCoef : this.decay;
    const table = SINE;
    let { phase, env, attack, index, bell } = this;
    for (let i = from; i < to; i++) {
      // Three table sines: the 1:1 modulator, the 14:1 bell modulator, the carrier.
      const xm = phase * SINE_SIZE;
      const im = xm | 0;
      const m1 = table[im]! + (table[im + 1]! - table[im]!) * (xm - im);
      const pb14 = phase * BELL_RATIO; // in [0, 14): truncation is the floor
      const xb = (pb14 - (pb14 | 0)) * SINE_SIZE;
      const ib = xb | 0;
      const m14 = table[ib]! + (table[ib + 1]! - table[ib]!) * (xb - ib);
      // The carrier's phase, modulated; |modulation| < 8 cycles, so +8 makes truncation a floor.
      const pc = phase + m1 * (indexFloor + index) + m14 * bell + 8;
      const xc = (pc - (pc | 0)) * SINE_SIZE;
      const ic = xc | 0;
      const y = table[ic]! + (table[ic + 1]! - table[ic]!) * (xc - ic);
      phase += inc;
      if (phase >= 1) phase -= 1;
      index *= indexCoef;
      bell *= bellCoef;
      // Envelopes without branches or constant assignments, which keep V8's loop variables
      // unboxed: a 0.5 ms one-pole attack times the decay (or release).
      attack += (1 - attack) * attackCoef;
      env *= envCoef;
      buf[i] = y * attack * env * gain;
    }
    this.phase = phase;
    this.env = env;
    this.attack = attack;
    this.index = index;
    this.bell = bell;
    if (env < END_LEVEL) this.done = true;
  }
}
