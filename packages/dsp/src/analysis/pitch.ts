/**
 * YIN pitch detection on a decimated copy of the window, refined at the full rate.
 *
 * 1. Low-pass (windowed sinc) and decimate the window to ~11-16 kHz, newest sample first.
 * 2. YIN difference d(τ) = e(0) + e(τ) - 2 c(τ), with the cross-correlation c(τ) by FFT.
 *    The real correlation is inverse-transformed as one complex transform of half the length.
 * 3. Cumulative-mean-normalised difference d'(τ); the first local minimum whose parabolic
 *    vertex dips under the absolute threshold, else the global minimum; parabolic interpolation.
 * 4. When decimated, the lag is refined on the full-rate signal around the decimated estimate.
 * 5. Octave check: a dip at half the lag (short lags only, where the decimated grid undersamples
 *    the dip of a high note) is compared at the full rate and taken when about as periodic.
 * Candidates for the melody tracker: the deepest local minima, ranked with a small penalty
 * growing with the lag so that a period is not crowded out by its multiples.
 */
import FFT from "fft.js";
import type { AnalysisConfig } from "./config.js";

/** First-dip threshold on the cumulative-mean-normalised difference. */
const DIP_THRESHOLD = 0.15;
/** Local minima sampled this much over the threshold may still dip under it between lags. */
const DIP_SLACK = 0.15;
/**
 * Octave check: a dip at half the chosen lag under HALF_DIP_CEILING is checked at the full rate;
 * it is taken when its aperiodicity there is under HALF_MAX_APERIODICITY and at most
 * HALF_RATIO times (plus HALF_SLACK) that of the chosen lag.
 */
const HALF_DIP_CEILING = 0.5;
/** Only half lags this short (decimated samples) are checked: longer dips are well sampled. */
const HALF_MAX_LAG = 32;
const HALF_MAX_APERIODICITY = 0.1;
const HALF_RATIO = 2;
const HALF_SLACK = 0.02;
/** Above this aperiodicity (at the chosen lag) the hop is unvoiced. */
const VOICING_THRESHOLD = 0.3;
/** Below this level (RMS of the pitch window, ~ -60 dBFS) the hop is unvoiced. */
const LEVEL_FLOOR = 0.001;

export interface PitchScratch {
  readonly decimation: number;
  readonly rate: number;
  /** Decimated frame length (a power of two) and YIN integration window. */
  readonly length: number;
  readonly integration: number;
  readonly tauMin: number;
  readonly tauMax: number;
  readonly taps: Float64Array;
  readonly z: Float64Array;
  readonly zA: Float64Array;
  readonly specA: Float64Array;
  readonly specB: Float64Array;
  readonly product: Float64Array;
  /** Cross-correlation c(τ) (real, by lag). */
  readonly corr: Float64Array;
  /** Half-length complex inverse transform of the real correlation, and its twiddles. */
  readonly fftHalf: FFT;
  readonly halfIn: Float64Array;
  readonly twiddle: Float64Array;
  readonly energy: Float64Array;
  readonly cmnd: Float64Array;
  readonly fft: FFT;
  /**
   * High-pass (4th-order Butterworth, two biquads: b0 b1 b2 a1 a2 each) applied to the decimated
   * frame before YIN, so that a kick drum or bass under MIN_HZ * 1.5 does not mask the melody.
   */
  readonly highPass: Float64Array;
  /** Longest full-rate integration window of the refinement. */
  readonly refineWindow: number;
}

export function pitchScratch(config: AnalysisConfig): PitchScratch {
  const d = config.pitchDecimation;
  const rate = config.sampleRate / d;
  const length = config.windowSize / d;
  const tauMax = Math.ceil(rate / config.minHz) + 1;
  const tauMin = Math.max(2, Math.floor(rate / config.maxHz));
  const integration = length - tauMax - 1;
  // Anti-alias low-pass for the decimation: Hann-windowed sinc, cutoff at 0.4 of the new rate.
  const tapCount = d === 1 ? 1 : 4 * d + 1;
  const taps = new Float64Array(tapCount);
  if (d === 1) taps[0] = 1;
  else {
    const fc = 0.4 / d;
    const mid = (tapCount - 1) / 2;
    let sum = 0;
    for (let i = 0; i < tapCount; i++) {
      const t = i - mid;
      const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (tapCount + 1));
      taps[i] = sinc * w;
      sum += sinc * w;
    }
    for (let i = 0; i < tapCount; i++) taps[i] = taps[i]! / sum;
  }
  return {
    decimation: d,
    rate,
    length,
    integration,
    tauMin,
    tauMax,
    taps,
    z: new Float64Array(length),
    zA: new Float64Array(length),
    specA: new Float64Array(2 * length),
    specB: new Float64Array(2 * length),
    product: new Float64Array(2 * length),
    corr: new Float64Array(length),
    fftHalf: new FFT(length / 2),
    halfIn: new Float64Array(length),
    twiddle: halfTwiddles(length),
    energy: new Float64Array(length + 1),
    cmnd: new Float64Array(tauMax + 2),
    fft: new FFT(length),
    highPass: butterworthHighPass(config.minHz * HIGH_PASS_RATIO, rate),
    refineWindow: Math.round(config.sampleRate * 0.025),
  };
}

/** cos and sin of 2πk/L for k < L/2, interleaved. */
function halfTwiddles(length: number): Float64Array {
  const t = new Float64Array(length);
  for (let k = 0; k < length / 2; k++) {
    t[2 * k] = Math.cos((2 * Math.PI * k) / length);
    t[2 * k + 1] = Math.sin((2 * Math.PI * k) / length);
  }
  return t;
}

/** Number of alternative f0 candidates reported per hop (for the causal melody tracker). */
export const PITCH_CANDIDATES = 4;
/** Local minima of the normalised difference above this are not reported as candidates. */
const CANDIDATE_CEILING = 0.75;

/** Candidate ranking penalty for the longest lag (proportional to the lag). */
const CANDIDATE_LAG_PENALTY = 0.1;

/** High-pass corner of the pitch path, relative to the lowest f0 looked for. */
const HIGH_PASS_RATIO = 1.5;

/** Coefficients of a 4th-order Butterworth high-pass as two RBJ biquads (normalised by a0). */
function butterworthHighPass(fc: number, rate: number): Float64Array {
  const out = new Float64Array(10);
  const w = (2 * Math.PI * Math.min(fc, rate * 0.45)) / rate;
  const cos = Math.cos(w);
  const qs = [0.5411961, 1.306563];
  for (let s = 0; s < 2; s++) {
    const alpha = Math.sin(w) / (2 * qs[s]!);
    const a0 = 1 + alpha;
    out[5 * s] = (1 + cos) / 2 / a0;
    out[5 * s + 1] = -(1 + cos) / a0;
    out[5 * s + 2] = (1 + cos) / 2 / a0;
    out[5 * s + 3] = (-2 * cos) / a0;
    out[5 * s + 4] = (1 - alpha) / a0;
  }
  return out;
}

/** Filter `z` (newest sample first) in place, oldest to newest, through the two biquads. */
function highPassInPlace(z: Float64Array, c: Float64Array): void {
  for (let s = 0; s < 2; s++) {
    const b0 = c[5 * s]!;
    const b1 = c[5 * s + 1]!;
    const b2 = c[5 * s + 2]!;
    const a1 = c[5 * s + 3]!;
    const a2 = c[5 * s + 4]!;
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let i = z.length - 1; i >= 0; i--) {
      const x = z[i]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      z[i] = y;
    }
  }
}

/** Result slots written by `detectPitch`. */
export interface PitchResult {
  hz: number | null;
  confidence: number;
  /**
   * Alternative f0 candidates, best first: [hz0, aperiodicity0, hz1, aperiodicity1, ...]
   * (2 * PITCH_CANDIDATES values; hz 0 marks an empty slot). Deepest local minima of the
   * normalised difference, so a tracker with a continuity prior can follow a melody through a
   * drum hit that makes the single best choice unvoiced or wrong.
   */
  candidates: Float32Array;
}

/**
 * Low-pass and decimate `window` into `s.z`, newest sample first, mean removed. Returns the RMS
 * level of the decimated frame. Allocates nothing.
 */
export function decimateWindow(window: Float32Array, s: PitchScratch): number {
  const { decimation: d, length: L, z, taps } = s;
  const n = window.length;
  const tapCount = taps.length;
  const half = (tapCount - 1) >> 1;
  let mean = 0;
  for (let i = 0; i < L; i++) {
    const end = n - 1 - i * d;
    let acc = 0;
    if (end - tapCount + 1 >= 0) {
      // The taps are symmetric: fold the two halves (half the multiplies).
      const last = end - tapCount + 1;
      for (let t = 0; t < half; t++) acc += taps[t]! * (window[end - t]! + window[last + t]!);
      acc += taps[half]! * window[end - half]!;
    } else {
      for (let t = 0; t < tapCount && end - t >= 0; t++) acc += taps[t]! * window[end - t]!;
    }
    z[i] = acc;
    mean += acc;
  }
  mean /= L;
  let power = 0;
  for (let i = 0; i < L; i++) {
    const v = z[i]! - mean;
    z[i] = v;
    power += v * v;
  }
  return Math.sqrt(power / L);
}

/**
 * Estimate f0 of `window` (newest sample last) into `out`, from the decimated frame that
 * `decimateWindow` left in `s.z` (its return value is `level`). Allocates nothing.
 */
export function detectPitch(
  window: Float32Array,
  level: number,
  config: AnalysisConfig,
  s: PitchScratch,
  out: PitchResult,
): void {
  const { decimation: d, length: L, integration: W, tauMin, tauMax, z } = s;
  out.candidates.fill(0);
  if (!(level > LEVEL_FLOOR * 0.5)) {
    out.hz = null;
    out.confidence = 0;
    return;
  }

  // 1b. High-pass (kick drums, rumble); the level above is taken before it.
  highPassInPlace(z, s.highPass);

  // 2. Energies e(τ) = Σ_{j=τ}^{τ+W-1} z_j² from prefix sums; c(τ) = Σ_{j<W} z_j z_{j+τ} by FFT.
  const energy = s.energy;
  energy[0] = 0;
  for (let i = 0; i < L; i++) energy[i + 1] = energy[i]! + z[i]! * z[i]!;
  const zA = s.zA;
  for (let i = 0; i < L; i++) zA[i] = i < W ? z[i]! : 0;
  const { specA, specB, product, corr, fft } = s;
  fft.realTransform(specA, zA);
  fft.realTransform(specB, z);
  const half = L / 2;
  for (let k = 0; k <= half; k++) {
    const ar = specA[2 * k]!;
    const ai = specA[2 * k + 1]!;
    const br = specB[2 * k]!;
    const bi = specB[2 * k + 1]!;
    // conj(A) * B
    product[2 * k] = ar * br + ai * bi;
    product[2 * k + 1] = ar * bi - ai * br;
  }
  // The correlation is real: its inverse transform of length L is one complex inverse transform
  // of length L/2 of Z[k] = E[k] + i O[k], E and O the spectra of its even and odd samples.
  const { halfIn, twiddle } = s;
  for (let k = 0; k < half; k++) {
    const pr = product[2 * k]!;
    const pi = product[2 * k + 1]!;
    const qr = product[2 * (half - k)]!;
    const qi = -product[2 * (half - k) + 1]!;
    const er = 0.5 * (pr + qr);
    const ei = 0.5 * (pi + qi);
    // O[k] = (P[k] - conj(P[half - k])) e^{2πik/L} / 2
    const dr = 0.5 * (pr - qr);
    const di = 0.5 * (pi - qi);
    const c = twiddle[2 * k]!;
    const sn = twiddle[2 * k + 1]!;
    const or = dr * c - di * sn;
    const oi = dr * sn + di * c;
    halfIn[2 * k] = er - oi;
    halfIn[2 * k + 1] = ei + or;
  }
  // Interleaved (re, im) of the result are the even and odd samples: the correlation by lag.
  s.fftHalf.inverseTransform(corr, halfIn);

  // 3. Cumulative-mean-normalised difference.
  const cmnd = s.cmnd;
  const e0 = energy[W]!;
  cmnd[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= tauMax + 1; tau++) {
    const et = energy[tau + W]! - energy[tau]!;
    let diff = e0 + et - 2 * corr[tau]!;
    if (diff < 0) diff = 0;
    running += diff;
    cmnd[tau] = running > 0 ? (diff * tau) / running : 1;
  }

  // The first dip under the threshold, judged by the parabolic vertex of each local minimum:
  // at short lags (high notes) the true minimum falls between two lags and the sampled values
  // can miss the threshold where the dip at twice the lag does not (an octave-low error).
  let best = -1;
  for (let tau = Math.max(tauMin, 1); tau <= tauMax; tau++) {
    const v = cmnd[tau]!;
    if (v >= DIP_THRESHOLD + DIP_SLACK || v > cmnd[tau - 1]! || v > cmnd[tau + 1]!) continue;
    if (parabolicMin(cmnd[tau - 1]!, v, cmnd[tau + 1]!) < DIP_THRESHOLD) {
      best = tau;
      break;
    }
  }
  if (best < 0) {
    let min = Infinity;
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (cmnd[tau]! < min) {
        min = cmnd[tau]!;
        best = tau;
      }
    }
  }
  const aperiodicity = cmnd[best]!;
  const confidence = Math.min(1, Math.max(0, 1 - aperiodicity));
  out.confidence = confidence;
  if (level >= LEVEL_FLOOR) collectCandidates(cmnd, tauMin, tauMax, s.rate, config, out.candidates);
  if (aperiodicity > VOICING_THRESHOLD || level < LEVEL_FLOOR) {
    out.hz = null;
    return;
  }
  let tau = best + parabolicOffset(cmnd[best - 1]!, cmnd[best]!, cmnd[best + 1]!);

  // 4. Refine at the full rate around the decimated lag.
  if (d > 1) tau = refineLag(window, tau * d, d, s.refineWindow) / d;

  // 5. Octave check at the full rate: when half the lag also shows a dip (a high note whose
  // short-lag dip the decimated grid undersamples), take it if it is about as periodic.
  const h = Math.round(tau / 2);
  if (
    h - 1 >= 1 &&
    h <= HALF_MAX_LAG &&
    tau / 2 >= tauMin - 0.5 &&
    s.rate / (tau / 2) <= config.maxHz * 1.05
  ) {
    const near = Math.min(cmnd[h - 1]!, cmnd[h]!, cmnd[h + 1]!);
    if (near < HALF_DIP_CEILING) {
      const lag = tau * d;
      const halfLag = refineLag(window, lag / 2, Math.max(2, d), s.refineWindow);
      const w = Math.min(s.refineWindow, window.length - Math.ceil(lag) - 2);
      if (w >= 16) {
        const energy = 2 * windowEnergy(window, w) + 1e-12;
        const apFull = fullRateDiff(window, Math.round(lag), w) / energy;
        const apHalf = fullRateDiff(window, Math.round(halfLag), w) / energy;
        if (apHalf < HALF_MAX_APERIODICITY && apHalf < HALF_RATIO * apFull + HALF_SLACK) tau = halfLag / d;
      }
    }
  }
  const hz = s.rate / tau;
  out.hz = hz >= config.minHz * 0.95 && hz <= config.maxHz * 1.05 ? hz : null;
}

/**
 * The deepest local minima of the normalised difference (under CANDIDATE_CEILING) into `out`
 * as (hz, aperiodicity) pairs, best first, lags interpolated. Allocates nothing.
 */
function collectCandidates(
  cmnd: Float64Array,
  tauMin: number,
  tauMax: number,
  rate: number,
  config: AnalysisConfig,
  out: Float32Array,
): void {
  const K = out.length >> 1;
  let count = 0;
  for (let tau = Math.max(tauMin, 2); tau < tauMax; tau++) {
    const v = cmnd[tau]!;
    if (v >= CANDIDATE_CEILING || v > cmnd[tau - 1]! || v >= cmnd[tau + 1]!) continue;
    const hz = rate / (tau + parabolicOffset(cmnd[tau - 1]!, v, cmnd[tau + 1]!));
    if (hz < config.minHz * 0.95 || hz > config.maxHz * 1.05) continue;
    // Insertion into the list sorted by aperiodicity plus a small penalty growing with the lag,
    // so that of near-equal dips (a period and its multiples) the shortest lag ranks first and
    // the true period is not crowded out by its subharmonics. Drops the worst when full.
    const key = v + (CANDIDATE_LAG_PENALTY * tau) / tauMax;
    let pos = count;
    while (pos > 0 && out[2 * pos - 1]! + (CANDIDATE_LAG_PENALTY * rate) / out[2 * pos - 2]! / tauMax > key)
      pos--;
    if (pos >= K) continue;
    const last = Math.min(count, K - 1);
    for (let j = last; j > pos; j--) {
      out[2 * j] = out[2 * j - 2]!;
      out[2 * j + 1] = out[2 * j - 1]!;
    }
    out[2 * pos] = hz;
    out[2 * pos + 1] = v;
    if (count < K) count++;
  }
}

/** Value at the vertex of the parabola through three equally spaced values (b if none). */
function parabolicMin(a: number, b: number, c: number): number {
  const denom = a - 2 * b + c;
  if (!(denom > 0)) return b;
  const off = (0.5 * (a - c)) / denom;
  if (off > 0.5 || off < -0.5) return b;
  return Math.max(0, b - 0.25 * (a - c) * off);
}

/** Offset (-0.5..0.5) of the vertex of the parabola through three equally spaced values. */
function parabolicOffset(a: number, b: number, c: number): number {
  const denom = a - 2 * b + c;
  if (!(denom > 0)) return 0;
  const off = (0.5 * (a - c)) / denom;
  return off > 0.5 ? 0.5 : off < -0.5 ? -0.5 : off;
}

/** Difference function at one full-rate lag, newest samples against `lag` earlier. */
function fullRateDiff(window: Float32Array, lag: number, w: number): number {
  const n = window.length;
  let acc = 0;
  for (let j = n - 1, stop = n - 1 - w; j > stop; j--) {
    const v = window[j]! - window[j - lag]!;
    acc += v * v;
  }
  return acc;
}

/** Energy of the newest `w` samples of `window`. */
function windowEnergy(window: Float32Array, w: number): number {
  const n = window.length;
  let acc = 0;
  for (let j = n - 1, stop = n - 1 - w; j > stop; j--) acc += window[j]! * window[j]!;
  return acc;
}

/** The full-rate lag near `estimate` (±`span`) that minimises the difference function. */
function refineLag(window: Float32Array, estimate: number, span: number, maxWindow: number): number {
  const n = window.length;
  const hi = Math.ceil(estimate) + span + 1;
  const w = Math.min(maxWindow, n - hi - 1);
  if (w < 16) return estimate;
  let lag = Math.round(estimate);
  let dm = fullRateDiff(window, lag - 1, w);
  let d0 = fullRateDiff(window, lag, w);
  let dp = fullRateDiff(window, lag + 1, w);
  const lo = Math.round(estimate) - span;
  for (let step = 0; step < span; step++) {
    if (dm < d0 && lag - 2 >= lo && lag - 2 >= 2) {
      dp = d0;
      d0 = dm;
      lag--;
      dm = fullRateDiff(window, lag - 1, w);
    } else if (dp < d0 && lag + 2 <= hi) {
      dm = d0;
      d0 = dp;
      lag++;
      dp = fullRateDiff(window, lag + 1, w);
    } else break;
  }
  return lag + parabolicOffset(dm, d0, dp);
}
