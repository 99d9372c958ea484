/**
 * Onset detection from log-compressed band magnitudes. Two detection functions per hop:
 * - the plain SuperFlux-style flux (half-wave rectified rise against the bands of two hops back,
 *   max-filtered over +-1 neighbouring band), returned by `push` for the beat tracker;
 * - the onset function used for peak picking: the rise against a wider max filter (+-2 bands,
 *   ~ +-7 semitones, so vibrato and a legato step to a neighbouring note do not count), minus a
 *   share of the falling flux (energy moving from one band to another is a pitch change, not an
 *   attack; a re-articulation or a hit adds energy without taking it elsewhere).
 * Causal peak picking: a local maximum above median + ratio * mean + delta of the recent past.
 * Fixed-size state, no allocation per hop.
 */

/** Log compression: log(1 + GAMMA * magnitude). */
const GAMMA = 100;
/** Hops of lookahead used to confirm a peak (the onset is reported this many hops late). */
export const ONSET_CONFIRM_HOPS = 1;
const PRE_MAX_HOPS = 3;
/** Threshold history (hops). */
const HISTORY_HOPS = 10;
const THRESHOLD_RATIO = 1.3;
const THRESHOLD_DELTA = 1.5;
/** Share of the falling flux subtracted from the rising flux in the onset function. */
const FALL_WEIGHT = 0.25;
/** Minimum gap between onsets (s). */
const MIN_GAP_SECONDS = 0.04;

const RING = 32;

export class OnsetDetector {
  private readonly bandCount: number;
  /** Log bands of the last 3 hops (ring) and whether each slot holds real data. */
  private readonly logBands: Float64Array;
  private readonly valid: Uint8Array;
  /** Recent onset-function values (ring) and a scratch buffer for the median. */
  private readonly odf: Float64Array;
  private readonly sorted: Float64Array;
  private hop = -1;
  private lastOnsetHop = -Infinity;
  private lastStrength = 0;
  private readonly minInterval: number;

  constructor(bandCount: number, hopRate: number) {
    this.bandCount = bandCount;
    this.logBands = new Float64Array(3 * bandCount);
    this.valid = new Uint8Array(3);
    this.odf = new Float64Array(RING);
    this.sorted = new Float64Array(HISTORY_HOPS);
    this.minInterval = Math.max(2, Math.round(MIN_GAP_SECONDS * hopRate));
  }

  /**
   * Push one hop's bands (null for a missed hop). Returns the plain flux of this hop (the beat
   * tracker's detection function). `peakHop()` then tells whether an onset was confirmed.
   */
  push(bands: Float32Array | null): number {
    this.hop++;
    const slot = this.hop % 3;
    const B = this.bandCount;
    let value = 0;
    let onset = 0;
    if (bands === null) {
      this.valid[slot] = 0;
    } else {
      const cur = slot * B;
      const lb = this.logBands;
      for (let b = 0; b < B; b++) lb[cur + b] = Math.log1p(GAMMA * bands[b]!);
      this.valid[slot] = 1;
      // Reference: two hops back, else one hop back.
      let refSlot = -1;
      if (this.hop >= 2 && this.valid[(this.hop - 2) % 3]) refSlot = (this.hop - 2) % 3;
      else if (this.hop >= 1 && this.valid[(this.hop - 1) % 3]) refSlot = (this.hop - 1) % 3;
      if (refSlot >= 0) {
        const ref = refSlot * B;
        let rise = 0;
        let fall = 0;
        for (let b = 0; b < B; b++) {
          const x = lb[cur + b]!;
          const own = lb[ref + b]!;
          let r1 = own;
          if (b > 0 && lb[ref + b - 1]! > r1) r1 = lb[ref + b - 1]!;
          if (b + 1 < B && lb[ref + b + 1]! > r1) r1 = lb[ref + b + 1]!;
          let r2 = r1;
          if (b > 1 && lb[ref + b - 2]! > r2) r2 = lb[ref + b - 2]!;
          if (b + 2 < B && lb[ref + b + 2]! > r2) r2 = lb[ref + b + 2]!;
          if (x > r1) value += x - r1;
          if (x > r2) rise += x - r2;
          if (own > x) fall += own - x;
        }
        onset = rise - FALL_WEIGHT * fall;
        if (onset < 0) onset = 0;
      }
    }
    this.odf[this.hop % RING] = onset;
    return value;
  }

  private at(hop: number): number {
    return hop < 0 || hop <= this.hop - RING ? 0 : this.odf[hop % RING]!;
  }

  /**
   * The hop index of an onset confirmed by the latest push (ONSET_CONFIRM_HOPS late), or -1;
   * its onset-function value is then `strength()`.
   */
  peakHop(): number {
    const m = this.hop - ONSET_CONFIRM_HOPS;
    if (m < 1) return -1;
    const v = this.at(m);
    if (!(v > 0)) return -1;
    for (let k = 1; k <= ONSET_CONFIRM_HOPS; k++) if (this.at(m + k) > v) return -1;
    for (let k = 1; k <= PRE_MAX_HOPS; k++) if (this.at(m - k) >= v) return -1;
    if (m - this.lastOnsetHop < this.minInterval) return -1;
    // Adaptive threshold from the recent past: median + ratio * mean + delta.
    const s = this.sorted;
    let mean = 0;
    for (let k = 0; k < HISTORY_HOPS; k++) {
      const x = this.at(m - 1 - k);
      mean += x;
      let j = k;
      while (j > 0 && s[j - 1]! > x) {
        s[j] = s[j - 1]!;
        j--;
      }
      s[j] = x;
    }
    mean /= HISTORY_HOPS;
    const median = 0.5 * (s[(HISTORY_HOPS - 1) >> 1]! + s[HISTORY_HOPS >> 1]!);
    if (v < median + THRESHOLD_RATIO * mean + THRESHOLD_DELTA) return -1;
    this.lastOnsetHop = m;
    this.lastStrength = v;
    return m;
  }

  /** Strength of the last confirmed onset. */
  strength(): number {
    return this.lastStrength;
  }
}
