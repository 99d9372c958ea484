/**
 * Onset detection: log-compressed band magnitudes, half-wave rectified flux against the
 * max-filtered bands two hops back (SuperFlux style, robust to vibrato), and causal peak
 * picking with an adaptive threshold. Fixed-size state, no allocation per hop.
 */

/** Log compression: log(1 + GAMMA * magnitude). */
const GAMMA = 100;
/** Hops of lookahead used to confirm a peak (the onset is reported this many hops late). */
export const ONSET_CONFIRM_HOPS = 1;
const PRE_MAX_HOPS = 3;
const MEAN_HOPS = 10;
const THRESHOLD_RATIO = 1.3;
const THRESHOLD_DELTA = 1.5;

export class OnsetDetector {
  private readonly bandCount: number;
  /** Log bands of the last 3 hops (ring) and whether each slot holds real data. */
  private readonly logBands: Float64Array;
  private readonly valid: Uint8Array;
  /** Recent detection-function values (ring). */
  private readonly odf: Float64Array;
  private hop = -1;
  private lastOnsetHop = -Infinity;
  private lastStrength = 0;
  private readonly minInterval: number;

  constructor(bandCount: number, hopRate: number) {
    this.bandCount = bandCount;
    this.logBands = new Float64Array(3 * bandCount);
    this.valid = new Uint8Array(3);
    this.odf = new Float64Array(32);
    this.minInterval = Math.max(2, Math.round(0.04 * hopRate));
  }

  /**
   * Push one hop's bands (null for a missed hop). Returns the onset detection function value of
   * this hop. `peakHop()` then tells whether an onset was confirmed (and at which hop).
   */
  push(bands: Float32Array | null): number {
    this.hop++;
    const slot = this.hop % 3;
    const B = this.bandCount;
    let value = 0;
    if (bands === null) {
      this.valid[slot] = 0;
    } else {
      const cur = slot * B;
      for (let b = 0; b < B; b++) this.logBands[cur + b] = Math.log1p(GAMMA * bands[b]!);
      this.valid[slot] = 1;
      // Reference: two hops back, else one hop back.
      let refSlot = -1;
      if (this.hop >= 2 && this.valid[(this.hop - 2) % 3]) refSlot = (this.hop - 2) % 3;
      else if (this.hop >= 1 && this.valid[(this.hop - 1) % 3]) refSlot = (this.hop - 1) % 3;
      if (refSlot >= 0) {
        const ref = refSlot * B;
        const lb = this.logBands;
        for (let b = 0; b < B; b++) {
          let r = lb[ref + b]!;
          if (b > 0 && lb[ref + b - 1]! > r) r = lb[ref + b - 1]!;
          if (b + 1 < B && lb[ref + b + 1]! > r) r = lb[ref + b + 1]!;
          const d = lb[cur + b]! - r;
          if (d > 0) value += d;
        }
      }
    }
    this.odf[this.hop % this.odf.length] = value;
    return value;
  }

  private at(hop: number): number {
    return hop < 0 || hop <= this.hop - this.odf.length ? 0 : this.odf[hop % this.odf.length]!;
  }

  /**
   * The hop index of an onset confirmed by the latest push (ONSET_CONFIRM_HOPS late), or -1;
   * its detection-function value is then `strength()`.
   */
  peakHop(): number {
    const m = this.hop - ONSET_CONFIRM_HOPS;
    if (m < 1) return -1;
    const v = this.at(m);
    for (let k = 1; k <= ONSET_CONFIRM_HOPS; k++) if (this.at(m + k) > v) return -1;
    for (let k = 1; k <= PRE_MAX_HOPS; k++) if (this.at(m - k) >= v) return -1;
    let mean = 0;
    for (let k = 1; k <= MEAN_HOPS; k++) mean += this.at(m - k);
    mean /= MEAN_HOPS;
    if (v < THRESHOLD_RATIO * mean + THRESHOLD_DELTA) return -1;
    if (m - this.lastOnsetHop < this.minInterval) return -1;
    this.lastOnsetHop = m;
    this.lastStrength = v;
    return m;
  }

  /** Strength of the last confirmed onset. */
  strength(): number {
    return this.lastStrength;
  }
}
