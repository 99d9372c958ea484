/**
 * Stage 1 of the analysis: per-hop features from one window of samples. Pure functions (no
 * state between calls beyond scratch buffers that are rebuilt per configuration), so they can
 * run statelessly in parallel on a pool of workers.
 */
import FFT from "fft.js";
import type { AnalysisConfig } from "./config.js";
import { decimateWindow, detectPitch, PITCH_CANDIDATES, pitchScratch, type PitchScratch } from "./pitch.js";

/** What stage 1 computes for one hop. Plain numbers and typed arrays (structured-clone friendly). */
export interface HopFeatures {
  /** Fundamental frequency in Hz, or null when unvoiced. */
  hz: number | null;
  /** Periodicity of the window (0..1): 1 - the YIN aperiodicity at the chosen lag. */
  confidence: number;
  /** Root-mean-square level of the last hop (linear). */
  rms: number;
  /** Log-spaced band magnitudes (linear; a full-scale sine gives ~1 in its band). */
  bands: Float32Array;
  /**
   * Summed magnitude of the band spectrum from 10 kHz to 20 kHz (or a quarter of the sample rate
   * to 0.45 of it), same scale as `bands`: the top octave, where hats, cymbals and consonants
   * stand out of white noise best (the onset detector's noise-burst channel).
   */
  hf: number;
  /**
   * Pitch-class energy, C = 0 ... B = 11, from spectral peaks between C4 (262 Hz, see
   * CHROMA_LOW_MIDI) and ~4.4 kHz; the register below is in `low`.
   */
  chroma: Float32Array;
  /**
   * Low-register note spectrum: for each of LOW_NOTES semitones from MIDI LOW_FIRST_MIDI, the
   * complex amplitude (re, im interleaved) of the Hann-windowed, decimated window at the note's
   * frequency, phase referred to the window's last sample (a full-scale sine gives magnitude 1).
   * Alone it has the window's resolution (~20 Hz); stage 2 sums the hops coherently (rotating hop
   * j by the note's phase advance j hops on) into a spectrum with a longer window, fine enough to
   * part low notes a third or a semitone apart.
   */
  low: Float32Array;
  /**
   * Alternative f0 candidates, best first, as (hz, aperiodicity) pairs; hz 0 marks an empty
   * slot. The causal tracker chooses among them with a continuity prior.
   */
  candidates: Float32Array;
}

/**
 * `chroma` counts the peaks from MIDI note CHROMA_LOW_MIDI (C4, 262 Hz) up: below it the
 * window does not part notes a third apart (stage 2 hears the low register in `low`).
 */
export const CHROMA_LOW_MIDI = 60;

/**
 * Low-register note spectrum (see `HopFeatures.low`): MIDI 28 (E1, 41 Hz) to CHROMA_LOW_MIDI
 * (C4, 262 Hz; the top note only tells whether B3 is a peak).
 */
export const LOW_FIRST_MIDI = 28;
export const LOW_NOTES = CHROMA_LOW_MIDI - LOW_FIRST_MIDI + 1;
/**
 * The decimated frame is decimated again for the note spectrum by the power of two that brings
 * it to at least LOW_RATE_MIN Hz (44.1 kHz: by 16, ~690 Hz, 32 samples per window), through three
 * cascaded boxcars as long as the factor (nulls on the multiples of the new rate, -29 dB at
 * 500 Hz); their droop is compensated per note.
 */
const LOW_RATE_MIN = 600;
/** Taps of three cascaded `d`-sample boxcars (unit gain at DC). */
function lowTaps(d: number): Float64Array {
  let k = new Float64Array([1]);
  for (let c = 0; c < 3; c++) {
    const next = new Float64Array(k.length + d - 1);
    for (let i = 0; i < k.length; i++) for (let t = 0; t < d; t++) next[i + t] = next[i + t]! + k[i]! / d;
    k = next;
  }
  return k;
}

/** Scratch buffers and tables for one configuration. */
interface FeatureScratch {
  readonly key: string;
  /** The configuration object it was last asked for (the same object: no key to build). */
  config: AnalysisConfig;
  /** Band spectrum: the newest half of the window (~23 ms, sharp onsets). */
  readonly bandSize: number;
  readonly bandFft: FFT;
  readonly bandHann: Float64Array;
  /** Chroma spectrum: the whole window, decimated (fine frequency resolution, cheap). */
  readonly chromaFft: FFT;
  readonly chromaHann: Float64Array;
  readonly frame: Float64Array;
  readonly spectrum: Float64Array;
  readonly mag: Float64Array;
  /** Band index of each band-FFT bin, or -1 when outside the banded range. */
  readonly binBand: Int16Array;
  /** Band-FFT bins of the `hf` sum. */
  readonly hfFirstBin: number;
  readonly hfLastBin: number;
  readonly firstChromaBin: number;
  readonly lastChromaBin: number;
  readonly chromaBinHz: number;
  /** Magnitude normalisations: a full-scale sine at a bin centre gives 1. */
  readonly bandScale: number;
  readonly chromaScale: number;
  readonly pitch: PitchScratch;
  /** Low-register note spectrum: samples of the twice-decimated frame, newest first. */
  readonly lowDecimation: number;
  readonly lowTaps: Float64Array;
  readonly lowLength: number;
  readonly lowFrame: Float64Array;
  /** LOW_NOTES x lowLength: Hann window x normalisation x cos / sin of each note's phase. */
  readonly lowCos: Float64Array;
  readonly lowSin: Float64Array;
}

let scratch: FeatureScratch | null = null;

function configKey(c: AnalysisConfig): string {
  return `${c.sampleRate}:${c.hopSize}:${c.windowSize}:${c.minHz}:${c.maxHz}:${c.pitchDecimation}:${c.bandCount}`;
}

function hannWindow(n: number): { w: Float64Array; scale: number } {
  const w = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
    sum += w[i]!;
  }
  return { w, scale: 2 / sum };
}

/** Edges of the log-spaced band spectrum (Hz; the top is at most 0.48 of the sample rate). */
export const BAND_LOW_HZ = 40;
export const BAND_HIGH_HZ = 16000;

function buildScratch(config: AnalysisConfig): FeatureScratch {
  const bandSize = config.windowSize / 2;
  const band = hannWindow(bandSize);
  const binHz = config.sampleRate / bandSize;
  const bandLo = BAND_LOW_HZ;
  const bandHi = Math.min(BAND_HIGH_HZ, config.sampleRate * 0.48);
  const binBand = new Int16Array(bandSize / 2 + 1).fill(-1);
  const octaves = Math.log2(bandHi / bandLo);
  for (let k = 1; k <= bandSize / 2; k++) {
    const f = k * binHz;
    if (f < bandLo || f >= bandHi) continue;
    const b = Math.floor((Math.log2(f / bandLo) / octaves) * config.bandCount);
    binBand[k] = Math.min(config.bandCount - 1, Math.max(0, b));
  }
  const pitch = pitchScratch(config);
  const chroma = hannWindow(pitch.length);
  const chromaBinHz = pitch.rate / pitch.length;
  const lowDecimation = Math.max(1, 2 ** Math.floor(Math.log2(pitch.rate / LOW_RATE_MIN)));
  const lowLength = Math.floor(pitch.length / lowDecimation);
  const lowHann = hannWindow(lowLength);
  const lowRate = pitch.rate / lowDecimation;
  const lowCos = new Float64Array(LOW_NOTES * lowLength);
  const lowSin = new Float64Array(LOW_NOTES * lowLength);
  for (let k = 0; k < LOW_NOTES; k++) {
    const f = 440 * 2 ** ((LOW_FIRST_MIDI + k - 69) / 12);
    // The triangular filter's gain at f (unit at DC), compensated.
    const x = (Math.PI * f) / pitch.rate;
    const g = (Math.sin(lowDecimation * x) / (lowDecimation * Math.sin(x))) ** 3;
    for (let m = 0; m < lowLength; m++) {
      // Sample m lies m * lowDecimation decimated samples before the window end: phase +2 pi f m / lowRate.
      const a = (2 * Math.PI * f * m) / lowRate;
      const w = (lowHann.w[lowLength - 1 - m]! * lowHann.scale) / g;
      lowCos[k * lowLength + m] = w * Math.cos(a);
      lowSin[k * lowLength + m] = w * Math.sin(a);
    }
  }
  return {
    key: configKey(config),
    config,
    bandSize,
    bandFft: new FFT(bandSize),
    bandHann: band.w,
    chromaFft: new FFT(pitch.length),
    chromaHann: chroma.w,
    frame: new Float64Array(Math.max(bandSize, pitch.length)),
    spectrum: new Float64Array(2 * Math.max(bandSize, pitch.length)),
    mag: new Float64Array(Math.max(bandSize, pitch.length) / 2 + 1),
    binBand,
    hfFirstBin: Math.ceil(Math.min(10000, config.sampleRate * 0.25) / binHz),
    hfLastBin: Math.min(bandSize / 2 - 1, Math.floor(Math.min(20000, config.sampleRate * 0.45) / binHz)),
    firstChromaBin: Math.max(2, Math.floor(60 / chromaBinHz)),
    lastChromaBin: Math.min(pitch.length / 2 - 2, Math.ceil((pitch.rate * 0.4) / chromaBinHz)),
    chromaBinHz,
    bandScale: band.scale,
    chromaScale: chroma.scale,
    pitch,
    lowDecimation,
    lowTaps: lowTaps(lowDecimation),
    lowLength,
    lowFrame: new Float64Array(lowLength),
    lowCos,
    lowSin,
  };
}

function scratchFor(config: AnalysisConfig): FeatureScratch {
  // Per hop: the same configuration object is passed every time, so comparing it first spares
  // building the key string (7 numbers formatted, and garbage) on every hop.
  if (scratch !== null && scratch.config === config) return scratch;
  if (scratch === null || scratch.key !== configKey(config)) scratch = buildScratch(config);
  scratch.config = config;
  return scratch;
}

/** A zeroed HopFeatures with arrays sized for a configuration. Runs on any thread. */
export function createHopFeatures(config: AnalysisConfig): HopFeatures {
  return {
    hz: null,
    confidence: 0,
    rms: 0,
    bands: new Float32Array(config.bandCount),
    hf: 0,
    chroma: new Float32Array(12),
    low: new Float32Array(2 * LOW_NOTES),
    candidates: new Float32Array(2 * PITCH_CANDIDATES),
  };
}

/**
 * Features of the hop that ends at the last sample of `window` (`config.windowSize` samples,
 * zero-filled before the stream start). Pure: the result depends on the arguments only.
 * Runs in an analysis pool worker.
 */
export function extractFeatures(window: Float32Array, config: AnalysisConfig): HopFeatures {
  return extractFeaturesInto(window, config, createHopFeatures(config));
}

/**
 * Like `extractFeatures`, but writes into `out` (allocated by `createHopFeatures`) and returns
 * it; allocates nothing. Runs in an analysis pool worker.
 */
export function extractFeaturesInto(
  window: Float32Array,
  config: AnalysisConfig,
  out: HopFeatures,
): HopFeatures {
  const n = config.windowSize;
  if (window.length !== n) {
    throw new RangeError(`extractFeatures: window has ${window.length} samples, expected ${n}`);
  }
  const s = scratchFor(config);

  // Level of the last hop.
  let sq = 0;
  for (let i = n - config.hopSize; i < n; i++) {
    const v = window[i]!;
    sq += v * v;
  }
  const rms = Math.sqrt(sq / config.hopSize);
  if (!Number.isFinite(rms)) return clearFeatures(out);
  out.rms = rms;

  // Band magnitudes from the newest half of the window.
  const { frame, spectrum, mag, bandSize, bandHann } = s;
  const offset = n - bandSize;
  for (let i = 0; i < bandSize; i++) frame[i] = window[offset + i]! * bandHann[i]!;
  s.bandFft.realTransform(spectrum, frame);
  const bands = out.bands;
  bands.fill(0);
  const binBand = s.binBand;
  let total = 0;
  let hf = 0;
  const hfFirst = s.hfFirstBin;
  const hfLast = s.hfLastBin;
  for (let k = 1; k <= bandSize / 2; k++) {
    const b = binBand[k]!;
    const inHf = k >= hfFirst && k <= hfLast;
    if (b < 0 && !inHf) continue;
    const re = spectrum[2 * k]!;
    const im = spectrum[2 * k + 1]!;
    const m = Math.sqrt(re * re + im * im) * s.bandScale;
    if (inHf) hf += m;
    if (b < 0) continue;
    bands[b] = bands[b]! + m;
    total += m;
  }
  out.hf = hf;
  // A NaN or infinity anywhere in the window: report an empty hop rather than poison the tracker.
  if (!Number.isFinite(total)) return clearFeatures(out);

  // Decimated frame (shared by chroma and pitch).
  const p = s.pitch;
  const level = decimateWindow(window, p);
  if (!Number.isFinite(level)) return clearFeatures(out);

  // Chroma from spectral peaks of the decimated frame, frequency refined by parabolic interpolation.
  const L = p.length;
  const z = p.z;
  const chromaHann = s.chromaHann;
  for (let i = 0; i < L; i++) frame[i] = z[i]! * chromaHann[i]!;
  s.chromaFft.realTransform(spectrum, frame);
  const first = s.firstChromaBin - 1;
  const last = s.lastChromaBin + 1;
  let peakMax = 0;
  for (let k = first; k <= last; k++) {
    const re = spectrum[2 * k]!;
    const im = spectrum[2 * k + 1]!;
    const m = Math.sqrt(re * re + im * im) * s.chromaScale;
    mag[k] = m;
    if (m > peakMax) peakMax = m;
  }
  const chroma = out.chroma;
  chroma.fill(0);
  const floor = Math.max(1e-5, peakMax * 0.02);
  for (let k = s.firstChromaBin; k <= s.lastChromaBin; k++) {
    const m = mag[k]!;
    if (m < floor) continue;
    const l = mag[k - 1]!;
    const r = mag[k + 1]!;
    if (m <= l || m < r) continue;
    const denom = l - 2 * m + r;
    const delta = denom < 0 ? (0.5 * (l - r)) / denom : 0;
    const f = (k + delta) * s.chromaBinHz;
    const semis = Math.round(12 * Math.log2(f / 440));
    const pc = (((semis + 9) % 12) + 12) % 12;
    if (semis + 69 >= CHROMA_LOW_MIDI) chroma[pc] = chroma[pc]! + m;
  }

  lowSpectrum(s, out.low);

  // Pitch.
  detectPitch(window, level, config, p, out);
  return out;
}

/**
 * The low-register note spectrum (`HopFeatures.low`) of the decimated frame `s.pitch.z` (newest
 * sample first) into `low`.
 */
function lowSpectrum(s: FeatureScratch, low: Float32Array): void {
  const z = s.pitch.z;
  const L = s.pitch.length;
  const n = s.lowLength;
  const y = s.lowFrame;
  const taps = s.lowTaps;
  const d = s.lowDecimation;
  for (let m = 0; m < n; m++) {
    const at = m * d;
    const end = Math.min(taps.length, L - at);
    let acc = 0;
    for (let t = 0; t < end; t++) acc += taps[t]! * z[at + t]!;
    y[m] = acc;
  }
  const cos = s.lowCos;
  const sin = s.lowSin;
  for (let k = 0; k < LOW_NOTES; k++) {
    let re = 0;
    let im = 0;
    const row = k * n;
    for (let m = 0; m < n; m++) {
      re += cos[row + m]! * y[m]!;
      im += sin[row + m]! * y[m]!;
    }
    low[2 * k] = re;
    low[2 * k + 1] = im;
  }
}

function clearFeatures(out: HopFeatures): HopFeatures {
  out.hz = null;
  out.confidence = 0;
  out.rms = 0;
  out.bands.fill(0);
  out.hf = 0;
  out.chroma.fill(0);
  out.low.fill(0);
  out.candidates.fill(0);
  return out;
}
