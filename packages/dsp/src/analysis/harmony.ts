/**
 * Chord and key estimation from per-hop chroma.
 * - Chord: chroma averaged over the last CHORD_SECONDS, cosine similarity with 24 major/minor
 *   triad templates; "N" when the level is very low; a new label must win for CHORD_HOLD_SECONDS.
 * - Key: exponentially decayed accumulated chroma (time constant KEY_SECONDS), Pearson
 *   correlation with the 24 rotations of the Krumhansl-Kessler profiles.
 */

export const PITCH_CLASSES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const;

const CHORD_SECONDS = 0.3;
const CHORD_HOLD_SECONDS = 0.12;
const CHORD_LEVEL_FLOOR = 0.003;
const KEY_SECONDS = 30;
const KEY_HOLD_SECONDS = 1;

const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

/** Label of chord/key index i: 0..11 major roots, 12..23 minor roots. @example label(21) // => "A:min" */
function label(i: number): string {
  return `${PITCH_CLASSES[i % 12]!}:${i < 12 ? "maj" : "min"}`;
}

/** Template-match one chroma vector: index 0..23 of the best triad and its cosine score. */
export function matchChord(chroma: ArrayLike<number>): { index: number; score: number } {
  let norm = 0;
  for (let i = 0; i < 12; i++) norm += chroma[i]! * chroma[i]!;
  if (!(norm > 0)) return { index: -1, score: 0 };
  let best = -1;
  let bestScore = -Infinity;
  for (let q = 0; q < 2; q++) {
    const third = q === 0 ? 4 : 3;
    for (let root = 0; root < 12; root++) {
      const s = chroma[root]! + chroma[(root + third) % 12]! + chroma[(root + 7) % 12]!;
      if (s > bestScore) {
        bestScore = s;
        best = q * 12 + root;
      }
    }
  }
  return { index: best, score: bestScore / Math.sqrt(3 * norm) };
}

/** Pearson correlation of a chroma vector with the 24 key profiles; best index and correlation. */
export function matchKey(chroma: ArrayLike<number>): { index: number; score: number } {
  let best = -1;
  let bestScore = -Infinity;
  let mean = 0;
  for (let i = 0; i < 12; i++) mean += chroma[i]!;
  mean /= 12;
  let varC = 0;
  for (let i = 0; i < 12; i++) varC += (chroma[i]! - mean) ** 2;
  if (!(varC > 0)) return { index: -1, score: 0 };
  for (let q = 0; q < 2; q++) {
    const profile = q === 0 ? MAJOR_PROFILE : MINOR_PROFILE;
    const pm = profile.reduce((a, b) => a + b, 0) / 12;
    let varP = 0;
    for (let i = 0; i < 12; i++) varP += (profile[i]! - pm) ** 2;
    for (let tonic = 0; tonic < 12; tonic++) {
      let cov = 0;
      for (let i = 0; i < 12; i++) cov += (chroma[(tonic + i) % 12]! - mean) * (profile[i]! - pm);
      const r = cov / Math.sqrt(varC * varP);
      if (r > bestScore) {
        bestScore = r;
        best = q * 12 + tonic;
      }
    }
  }
  return { index: best, score: bestScore };
}

export interface HarmonyChange {
  /** Hop at which the change is taken to have happened. */
  hop: number;
  label: string;
  confidence: number;
}

/** Running chord and key estimates. Fixed-size state. */
export class HarmonyTracker {
  private readonly window: number;
  private readonly ring: Float64Array;
  private readonly levels: Float64Array;
  private readonly sum = new Float64Array(12);
  private levelSum = 0;
  private hop = -1;
  private chord = -2;
  private candidate = -2;
  private candidateSince = 0;
  private readonly hold: number;
  private readonly keyAcc = new Float64Array(12);
  private readonly keyDecay: number;
  private key = -1;
  private keyCandidate = -1;
  private keyCandidateSince = 0;
  private readonly keyHold: number;
  private readonly normalized = new Float64Array(12);

  constructor(hopRate: number) {
    this.window = Math.max(1, Math.round(CHORD_SECONDS * hopRate));
    this.ring = new Float64Array(12 * this.window);
    this.levels = new Float64Array(this.window);
    this.hold = Math.max(1, Math.round(CHORD_HOLD_SECONDS * hopRate));
    this.keyDecay = Math.exp(-1 / (KEY_SECONDS * hopRate));
    this.keyHold = Math.max(1, Math.round(KEY_HOLD_SECONDS * hopRate));
  }

  /** The current key label, or null before any estimate. */
  keyLabel(): string | null {
    return this.key < 0 ? null : label(this.key);
  }

  /**
   * Push one hop's chroma and level (null chroma for a missed hop: no information).
   * Returns [chord change or null, key change or null] through the out slots.
   */
  push(
    chroma: Float32Array | null,
    rms: number,
    out: { chord: HarmonyChange | null; key: HarmonyChange | null },
  ): void {
    const n = ++this.hop;
    out.chord = null;
    out.key = null;
    const slot = n % this.window;
    const base = slot * 12;
    // Normalise each hop's chroma to unit sum so that loud hops do not dominate, weight by presence.
    let total = 0;
    if (chroma !== null) for (let i = 0; i < 12; i++) total += chroma[i]!;
    for (let i = 0; i < 12; i++) {
      const v = total > 0 && chroma !== null ? chroma[i]! / total : 0;
      this.sum[i] = this.sum[i]! - this.ring[base + i]! + v;
      this.ring[base + i] = v;
    }
    const level = chroma === null ? 0 : rms;
    this.levelSum += level - this.levels[slot]!;
    this.levels[slot] = level;

    // Chord.
    const meanLevel = this.levelSum / this.window;
    let index = -1;
    let confidence = 0;
    if (meanLevel >= CHORD_LEVEL_FLOOR) {
      const m = matchChord(this.sum);
      index = m.index;
      confidence = Math.max(0, Math.min(1, m.score));
    }
    if (index !== this.candidate) {
      this.candidate = index;
      this.candidateSince = n;
    }
    if (this.candidate !== this.chord && n - this.candidateSince + 1 >= this.hold) {
      this.chord = this.candidate;
      out.chord = {
        hop: Math.max(0, this.candidateSince - Math.round(this.window / 2)),
        label: index < 0 ? "N" : label(index),
        confidence,
      };
    }

    // Key.
    if (chroma !== null && total > 0) {
      const w = Math.min(1, rms * 10);
      for (let i = 0; i < 12; i++)
        this.keyAcc[i] = this.keyAcc[i]! * this.keyDecay + (w * chroma[i]!) / total;
    }
    if (n % 10 === 0) {
      for (let i = 0; i < 12; i++) this.normalized[i] = this.keyAcc[i]!;
      const k = matchKey(this.normalized);
      if (k.index >= 0) {
        if (k.index !== this.keyCandidate) {
          this.keyCandidate = k.index;
          this.keyCandidateSince = n;
        }
        if (this.keyCandidate !== this.key && (this.key < 0 || n - this.keyCandidateSince >= this.keyHold)) {
          this.key = this.keyCandidate;
          out.key = { hop: n, label: label(this.key), confidence: Math.max(0, Math.min(1, k.score)) };
        }
      }
    }
  }
}
