/**
 * Guitar: an extended Karplus-Strong plucked string. At noteOn the string (a delay line owned by
 * the voice, sized for the lowest note) is filled with a noise burst, low-passed more for soft
 * notes and comb-filtered for a pluck position near the bridge. Each trip round the loop goes
 * through a two-point average (damping of the highs), a loss factor set for a pitch-dependent
 * decay time, and a first-order all-pass that tunes the fractional part of the period. On
 * release the string is damped (about 100 ms). A DC blocker follows.
 */
import { NOISE_SCALE, VELOCITY_GAIN, decayCoef, xorshift } from "../util.js";

/** The lowest fundamental the delay line holds, Hz; lower notes sound an octave (or two) up. */
export const GUITAR_LOWEST_HZ = 40;

const LEVEL = 0.45;
const RELEASE_TAU_S = 0.025;
const PLUCK_POSITION = 0.14;
const END_LEVEL = 1e-4;

export class GuitarVoice {
  done = false;
  private readonly sampleRate: number = 0;
  private readonly line: Float32Array;
  private readonly releaseCoef: number = 0;
  private readonly dcR: number = 0;
  private readonly noiseScale = NOISE_SCALE;
  private len = 1;
  private idx = 0;
  private prev = 0;
  private apC = 0;
  private apX = 0;
  private apY = 0;
  private loss = 1;
  private gain = 0;
  private env = 1;
  private envCoef = 1;
  private dcX = 0;
  private dcY = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.line = new Float32Array(Math.ceil(sampleRate / GUITAR_LOWEST_HZ) + 4);
    this.releaseCoef = decayCoef(RELEASE_TAU_S, sampleRate);
    this.dcR = 1 - (2 * Math.PI * 20) / sampleRate;
  }

  /**
   * Plucks the string (velocity: an integer 1..127; seed: a non-zero 32-bit noise seed).
   * Runs on the audio path.
   */
  start(pitch: number, velocity: number, seed: number): void {
    const sampleRate = this.sampleRate;
    let f0 = 440 * Math.pow(2, (pitch - 69) / 12);
    while (f0 < GUITAR_LOWEST_HZ) f0 *= 2;
    const maxF0 = sampleRate / 8;
    while (f0 > maxF0) f0 /= 2;
    const v = velocity / 127;
    const period = sampleRate / f0;
    // Loop delay = len + 0.5 (the averager) + the all-pass delay in (0.1, 1.1].
    const len = Math.min(this.line.length, Math.floor(period - 0.6));
    const frac = period - 0.5 - len;
    this.len = len;
    this.apC = (1 - frac) / (1 + frac);
    this.idx = 0;
    this.prev = 0;
    this.apX = 0;
    this.apY = 0;
    // Decay time (to -60 dB) from about 4.5 s at E2 to about 1.5 s two octaves up.
    const t60 = Math.max(0.6, 4.5 * Math.pow(f0 / 82.4, -0.8));
    this.loss = Math.pow(0.001, 1 / (f0 * t60));
    this.gain = LEVEL * VELOCITY_GAIN[velocity]!;
    this.env = 1;
    this.envCoef = 1;
    this.dcX = 0;
    this.dcY = 0;
    this.done = false;

    // Excitation: noise, low-passed by velocity (soft = darker).
    const line = this.line;
    const lp = 0.15 + 0.55 * v;
    const noiseScale = this.noiseScale;
    let rng = seed | 0 || 1;
    let y = 0;
    let mean = 0;
    for (let i = 0; i < len; i++) {
      rng = xorshift(rng);
      y += lp * (rng * noiseScale - y);
      line[i] = y;
      mean += y;
    }
    mean /= len;
    // Pluck position: a feed-forward comb, in place from the end.
    const m = Math.max(1, Math.round(PLUCK_POSITION * len));
    for (let i = len - 1; i >= m; i--) line[i] = line[i]! - line[i - m]!;
    for (let i = m - 1; i >= 0; i--) line[i] = line[i]! - mean;
    let peak = 0;
    for (let i = 0; i < len; i++) peak = Math.max(peak, Math.abs(line[i]!));
    const norm = peak > 0 ? 1 / peak : 0;
    for (let i = 0; i < len; i++) line[i] = line[i]! * norm;
  }

  /** Damps the string. Runs on the audio path. */
  release(): void {
    this.envCoef = this.releaseCoef;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const line = this.line;
    const { len, apC, loss, gain, envCoef, dcR } = this;
    let { idx, prev, apX, apY, env, dcX, dcY } = this;
    for (let i = from; i < to; i++) {
      const d = line[idx]!;
      const f = loss * 0.5 * (d + prev);
      prev = d;
      const a = apC * f + apX - apC * apY;
      apX = f;
      apY = a;
      line[idx] = a;
      idx++;
      if (idx >= len) idx = 0;
      // DC blocker.
      dcY = d - dcX + dcR * dcY;
      dcX = d;
      buf[i] = dcY * env * gain;
      env *= envCoef;
    }
    this.idx = idx;
    this.prev = prev;
    this.apX = apX;
    this.apY = apY;
    this.env = env;
    this.dcX = dcX;
    this.dcY = dcY;
    if (env < END_LEVEL) this.done = true;
  }
}
