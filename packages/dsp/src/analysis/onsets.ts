/**
 * Onset detection from log-compressed band magnitudes. Two detection functions per hop:
 * - the plain SuperFlux-style flux (half-wave rectified rise against the bands of two hops back,
 *   max-filtered over +-1 neighbouring band), returned by `push` for the beat tracker;
 * - the onset function used for peak picking: the rise against a wider max filter (+-2 bands,
 *   ~ +-7 semitones, so vibrato and a legato step to a neighbouring note do not count), minus a
 *   share of the falling flux (energy moving from one band to another is a pitch change, not an
 *   attack; a re-articulation or a hit adds energy without taking it elsewhere). A band's rise
 *   counts only above noiseK times its typical rise (noise, vibrato), so the fluctuation of loud
 *   noise in the narrow low bands does not add up to onsets.
 * Noise-floor subtraction: while the input holds something well above its noise floor, the
 * onset function takes the floor of each band (a slow running low percentile: stationary noise,
 * hiss, hum) out of its magnitude, over-subtracted with a spectral floor (spectral subtraction,
 * Berouti et al. 1979): under stationary noise a soft attack then counts as a rise from the floor
 * rather than from noise plus floor, so soft strokes over ringing chords at 10 dB SNR pass; on
 * noise alone it stays off (it would turn the noise's fluctuation into flux). Causal, no
 * lookahead, no added latency.
 * Causal peak picking: a local maximum above median + ratio * mean + delta of the recent past.
 * Under a noise floor (see below) a hop that continues the spacing of recent onsets (the same
 * rhythmic expectation as the noise-burst channel's) needs only gridShare of delta: a soft stroke
 * on the groove's grid rises little above loud noise, and the groove is what a listener hears
 * it by.
 * The onset function hears the bands level-normalised: scaled up (by at most maxBoost, never
 * down) so that the input's peak level reaches levelRef before the log compression. Its
 * thresholds are absolute, and a real microphone 15-25 dB under a hot line level otherwise sits
 * where the compression is nearly linear and soft strums fall under them. The beat tracker's
 * flux stays unnormalised.
 *
 * A second, noise-burst channel finds hats and other short noise bursts that broadband noise
 * hides from the flux: the log magnitude of the top octave (`HopFeatures.hf`, 10-20 kHz, where a
 * hat stands out of white noise best) against its mean over hops -2..-4. In log terms the hop to
 * hop fluctuation of noise in so wide a band is small and does not depend on the noise level, so
 * the threshold is an absolute rise: a local maximum above it is an onset too. It is lower when
 * the top octave holds a noise floor (its running minimum a sizeable share of the broadband
 * level: white or pink noise, not the faint hiss of a clean recording) than otherwise, where
 * consonants, pick and fret noise would count. The top octave is floored at a share of the slow
 * broadband level, so the leakage of tonal sounds into an empty top octave does not count.
 * Rhythmic expectation: hats keep the groove's spacing. At a hop that continues the spacing of
 * two recent onsets of this channel (one of the last GRID_RECENT against any of the last
 * GRID_ONSETS, 6-60 hops apart, +-1 hop), or that lies halfway through such a spacing once that
 * subdivision has been heard (two successive recent onsets half the spacing apart: soft
 * sixteenths between louder eighths; under a noise floor, a burst that rises halfSeed of the
 * threshold there starts that subdivision, since none may stand out on its own), half the
 * threshold suffices (gridShare), so soft hats
 * at 10 dB SNR, a few hundredths of a nat above the noise's fluctuation, chain on from the
 * louder ones; off the grid the noise needs the full threshold. The spacings are those of this
 * channel's onsets and, while the top octave holds a noise floor, of every onset (under noise
 * the kick and the snare set the groove that soft hats keep; in a clean recording consonants,
 * pick and fret noise are irregular and need no such help). Bursts come in streams: while the
 * channel has not risen clearly (hfStrong times its threshold) for a couple of seconds, no hats
 * or cymbals are playing: its threshold is raised (hfIdle) and the grid does not apply, so that
 * the rare tall fluctuation of loud white noise under a melody or chords (whose re-articulated
 * notes make a grid of their own) is not taken for a lone hat. A burst within hfMinGap (80 ms,
 * faster than sixteenths at 180 BPM) of the previous onset is part of that attack, not a hit of
 * its own: the consonant of a sung syllable, the noise of a pick or a fret.
 *
 * Both channels confirm a peak with ONSET_CONFIRM_HOPS (1) hop of lookahead. Fixed-size state,
 * no allocation per hop.
 */

/** Log compression: log(1 + GAMMA * magnitude). */
const GAMMA = 100;
/** Hops of lookahead used to confirm a peak (the onset is reported this many hops late). */
export const ONSET_CONFIRM_HOPS = 1;

/** Tunable constants of the onset functions and the peak picking (exported for the dev harness). */
export interface OnsetTuning {
  /** Hops before a candidate that must hold lower values. */
  preMaxHops: number;
  /** Threshold history (hops). */
  historyHops: number;
  thresholdRatio: number;
  thresholdDelta: number;
  /** Share of the falling flux subtracted from the rising flux in the onset function. */
  fallWeight: number;
  /** Minimum gap between onsets (s). */
  minGap: number;
  /**
   * Minimum gap (s) from the previous onset to a noise-burst onset: a top-octave burst this soon
   * after an attack belongs to it (the consonant before a sung vowel, a pick's or a string's
   * noise after the note, a snare's rattle); faster than sixteenths at 180 BPM.
   */
  hfMinGap: number;
  /** No onset in the first hops (the window is zero-filled before the stream start). */
  startHops: number;
  /** Noise-burst channel: a peak of the top-octave rise above this (natural log; Infinity: off) ... */
  hfMin: number;
  /** ... or above this one when the top octave holds a noise floor of hfNoisy of the level. */
  hfMinNoisy: number;
  hfNoisy: number;
  /** Floor of the top-octave magnitude, as a share of the slow summed band magnitude. */
  hfRel: number;
  /** A band's rise counts in the onset function only above noiseK times its typical rise. */
  noiseK: number;
  /**
   * Rhythmic expectation: at a hop that continues the spacing of two recent onsets (+-1 hop),
   * the noise-burst channel's threshold is this share of its own, and under a noise floor the
   * onset function's thresholdDelta too (1: off).
   */
  gridShare: number;
  /**
   * The halfway point of a recent spacing, before that subdivision has been heard: a
   * noise-burst peak of this multiple of the threshold there starts it (Infinity: off).
   */
  halfSeed: number;
  /**
   * Bursts come in streams: when the noise-burst channel has not risen to hfStrong times its
   * threshold for hfIdleHops hops (no hats or cymbals playing), its threshold is hfIdle times
   * its own, so the tail of the noise's own fluctuation does not count.
   */
  hfStrong: number;
  hfIdleHops: number;
  hfIdle: number;
  /**
   * Level normalisation: the bands are scaled by levelRef over the input's peak level (summed
   * band magnitude; follows rises within a few hops, falls over ~20 s), at most by maxBoost and
   * never down, before the log compression, so a quiet input (a real microphone) is heard like a
   * hot one. 1 disables it.
   */
  levelRef: number;
  maxBoost: number;
  /**
   * Noise-floor subtraction (spectral subtraction with over-subtraction and a spectral floor):
   * before the onset function's log compression, floorOver times each band's floor (see
   * FLOOR_RISE) is taken from its magnitude, keeping at least floorKeep of the magnitude, while
   * the input holds something well above its floor (see FLOOR_SPAN). 0 disables it.
   */
  floorOver: number;
  floorKeep: number;
}

export const DEFAULT_ONSET_TUNING: OnsetTuning = {
  preMaxHops: 3,
  historyHops: 10,
  thresholdRatio: 1.3,
  thresholdDelta: 1.5,
  fallWeight: 0.25,
  minGap: 0.06,
  hfMinGap: 0.08,
  startHops: 3,
  hfMin: 0.25,
  hfMinNoisy: 0.13,
  hfNoisy: 0.04,
  hfRel: 0.1,
  noiseK: 1,
  gridShare: 0.5,
  halfSeed: 0.75,
  hfStrong: 1.5,
  hfIdleHops: 200,
  hfIdle: 1.25,
  levelRef: 0.7,
  maxBoost: 3,
  floorOver: 2,
  floorKeep: 0.3,
};

/** Log compression of the top-octave magnitude (floor ~ -80 dB). */
const HF_GAMMA = 1e4;
/** Hops of top-octave history (the rise is against the mean of hops -2..-(HF_RING - 1)). */
const HF_RING = 5;
/** Hops at the stream start during which the noise-burst channel only learns. */
const HF_WARMUP = 8;
/** Update rate of the slow broadband level (per hop). */
const LEVEL_RATE = 0.02;
/** The peak level follows rises at this rate and falls at PEAK_FALL per hop. */
const PEAK_RISE = 0.1;
const PEAK_FALL = 0.0005;
/** Rise of the top octave's floor tracker (nat per hop; it follows falls at once). */
const HF_FLOOR_RISE = 0.005;

/**
 * Typical rise of a band: running mean (rate NOISE_RATE per hop) of its positive change over two
 * hops, each clipped to NOISE_CLIP typical rises + NOISE_EPS so that attacks barely raise it.
 */
const NOISE_RATE = 0.02;
const NOISE_CLIP = 3;
const NOISE_EPS = 0.05;

/**
 * Floor of a band (noise-floor subtraction): a running low percentile of its log magnitude, an
 * exponential average that moves FLOOR_RISE of the way up per hop (time constant 5 s) and
 * FLOOR_FALL of the way down (0.5 s). It settles on the stationary noise of the band (white or
 * pink noise, the hiss and hum of a microphone) and, slowly, on a long held tone; it does not
 * follow the attacks and short notes above it.
 */
const FLOOR_RISE = 0.002;
const FLOOR_FALL = 0.02;
/**
 * The subtraction applies while some band's peak (its log magnitude's running maximum, falling
 * BAND_PEAK_FALL nat per hop, ~1 nat in 5 s) stands FLOOR_SPAN nat (~22 dB) above its floor:
 * something is played above the noise. On noise alone (hiss with nothing played) it would only
 * turn the noise's own fluctuation into flux. Its share fades in and out by FLOOR_GATE_RATE per
 * hop (~1 s), so that it does not make flux of its own.
 */
const BAND_PEAK_FALL = 0.002;
const FLOOR_SPAN = 2.5;
const FLOOR_GATE_RATE = 0.01;

/** Bands of the bass part of the flux (32 bands from 40 Hz: ~75-180 Hz; below: sub-bass). */
const BASS_FIRST = 3;
const BASS_END = 8;
/** Share of the flux above the bass bands subtracted from the bass part. */
const BASS_SPILL = 0.25;
/** Kick-likeness: a low onset is a hop whose flux below BASS_END reaches KICK_ONSET of its running
 * peak (decaying by KICK_PEAK_DECAY per hop) and KICK_LOW_SHARE of the whole flux (the bass
 * itself, not a snare's, a strum's or a noise's spill); its sub-bass and bass magnitudes are
 * summed from KICK_FROM to KICK_TO hops after it; the running mean moves by KICK_RATE per onset. */
const KICK_ONSET = 0.3;
const KICK_PEAK_DECAY = 0.999;
const KICK_FROM = 2;
const KICK_TO = 7;
const KICK_RATE = 0.25;
/** (the kick-likeness before any low onset: undecided, above the beat tracker's KICK_LIKE) */
const KICK_START = 0.5;
const KICK_LOW_SHARE = 0.3;

const RING = 32;
/** Recent confirmed onsets kept for the rhythmic expectation, and the spacings it continues. */
const GRID_ONSETS = 8;
const GRID_RECENT = 4;
const GRID_MIN = 6;
const GRID_MAX = 60;
const MAX_HISTORY = 30;

export class OnsetDetector {
  private readonly bandCount: number;
  private readonly t: OnsetTuning;
  /** Log bands of the last 3 hops (ring) and whether each slot holds real data. */
  private readonly logBands: Float64Array;
  /** The same without level normalisation (the beat tracker's flux). */
  private readonly plainBands: Float64Array;
  private readonly valid: Uint8Array;
  /** Typical (noise) rise of each band, and the hops it has seen. */
  private readonly typical: Float64Array;
  /** Noise-floor subtraction: log floor and log peak of each band (see FLOOR_RISE, FLOOR_SPAN),
   * whether they are set, and the share of the subtraction applied. */
  private readonly floor: Float64Array;
  private readonly bandPeak: Float64Array;
  private floorSet = false;
  private floorShare = 0;
  private typicalHops = 0;
  /** Recent onset-function values (ring) and a scratch buffer for the median. */
  private readonly odf: Float64Array;
  private readonly sorted: Float64Array;
  private hop = -1;
  private lastOnsetHop = -Infinity;
  private lastStrength = 0;
  /** Bass and sub-bass parts of the beat tracker's flux at the last hop (see `bass()`). */
  private bassFlux = 0;
  /** Kick-likeness (see KICK_ONSET): running mean of the sub-bass to bass ratio after low onsets,
   * the running peak of the low flux, and the hops since the low onset being measured (-1: none). */
  private kick = KICK_START;
  private lowPeak = 0;
  private kickAge = -1;
  private kickSub = 0;
  private kickBass = 0;
  private readonly minInterval: number;
  private readonly hfMinInterval: number;
  /** Noise-burst channel: log top-octave magnitudes (ring) and rises above threshold (ring). */
  private readonly hfLog: Float64Array;
  private readonly hfRise: Float64Array;
  /** Slow running mean of the summed band magnitudes (the top octave's floor follows it). */
  private level = 0;
  /** Peak level of the summed band magnitudes (level normalisation). */
  private peak = 0;
  /** Floor of the log top octave (a slowly rising running minimum). */
  private hfFloor = 0;
  private hfHops = 0;
  /** Valid hops since the last missed one (the top-octave history is stale after a gap). */
  private hfRun = 0;
  /** Hops of the last GRID_ONSETS confirmed onsets (ring) and how many were confirmed. */
  private readonly recent: Float64Array;
  private recentCount = 0;
  /** Last hop at which the noise-burst channel rose to hfStrong times its threshold. */
  private lastStrongHf = -Infinity;
  /** Whether the top octave holds a noise floor (white or pink noise), as of the last hop. */
  private noisy = false;

  constructor(bandCount: number, hopRate: number, tuning: Partial<OnsetTuning> = {}) {
    this.bandCount = bandCount;
    this.t = { ...DEFAULT_ONSET_TUNING, ...tuning };
    this.t.historyHops = Math.min(MAX_HISTORY, Math.max(2, Math.round(this.t.historyHops)));
    this.logBands = new Float64Array(3 * bandCount);
    this.plainBands = new Float64Array(3 * bandCount);
    this.valid = new Uint8Array(3);
    this.typical = new Float64Array(bandCount);
    this.floor = new Float64Array(bandCount);
    this.bandPeak = new Float64Array(bandCount);
    this.odf = new Float64Array(RING);
    this.sorted = new Float64Array(MAX_HISTORY);
    this.minInterval = Math.max(2, Math.round(this.t.minGap * hopRate));
    this.hfMinInterval = Math.max(this.minInterval, Math.round(this.t.hfMinGap * hopRate));
    this.hfLog = new Float64Array(HF_RING);
    this.hfRise = new Float64Array(RING);
    this.recent = new Float64Array(GRID_ONSETS);
  }

  /**
   * Push one hop's bands (null for a missed hop). Returns the plain flux of this hop (the beat
   * tracker's detection function). `peakHop()` then tells whether an onset was confirmed.
   */
  push(bands: Float32Array | null, hf = 0): number {
    this.hop++;
    const slot = this.hop % 3;
    const B = this.bandCount;
    const tn = this.t;
    let value = 0;
    let low = 0;
    let sub = 0;
    let onset = 0;
    let total = 0;
    if (bands === null) {
      this.valid[slot] = 0;
    } else {
      const cur = slot * B;
      const lb = this.logBands;
      for (let b = 0; b < B; b++) total += bands[b]!;
      const pk = this.peak;
      this.peak = total > pk ? pk + PEAK_RISE * (total - pk) : pk - PEAK_FALL * pk;
      let gamma = GAMMA;
      if (tn.maxBoost > 1 && this.peak > 0) {
        gamma *= Math.min(tn.maxBoost, Math.max(1, tn.levelRef / this.peak));
      }
      const pb = this.plainBands;
      const over = tn.floorOver;
      const fl = this.floor;
      const bp = this.bandPeak;
      const first = !this.floorSet;
      this.floorSet = true;
      const share = this.floorShare * over;
      let above = false;
      for (let b = 0; b < B; b++) {
        let m = bands[b]!;
        pb[cur + b] = Math.log1p(GAMMA * m);
        if (over > 0) {
          // Noise-floor subtraction (the onset function only, not the beat tracker's flux).
          const l = Math.log(m + 1e-12);
          const f = first ? l : fl[b]!;
          fl[b] = f + (l > f ? FLOOR_RISE : FLOOR_FALL) * (l - f);
          const pk = first ? l : bp[b]! - BAND_PEAK_FALL;
          bp[b] = l > pk ? l : pk;
          if (bp[b]! - fl[b]! > FLOOR_SPAN) above = true;
          const keep = tn.floorKeep * m;
          m -= share * Math.exp(fl[b]!);
          if (m < keep) m = keep;
        }
        lb[cur + b] = gamma === GAMMA && m === bands[b]! ? pb[cur + b]! : Math.log1p(gamma * m);
      }
      this.floorShare += FLOOR_GATE_RATE * ((above ? 1 : 0) - this.floorShare);
      this.valid[slot] = 1;
      // Reference: two hops back, else one hop back.
      let refSlot = -1;
      if (this.hop >= 2 && this.valid[(this.hop - 2) % 3]) refSlot = (this.hop - 2) % 3;
      else if (this.hop >= 1 && this.valid[(this.hop - 1) % 3]) refSlot = (this.hop - 1) % 3;
      if (refSlot >= 0) {
        const ref = refSlot * B;
        let rise = 0;
        let fall = 0;
        const typ = this.typical;
        const k = tn.noiseK;
        const rate = Math.max(NOISE_RATE, 1 / ++this.typicalHops);
        for (let b = 0; b < B; b++) {
          // The beat tracker's flux, from the bands as they come (no level normalisation).
          const p = pb[cur + b]!;
          let q = pb[ref + b]!;
          if (b > 0 && pb[ref + b - 1]! > q) q = pb[ref + b - 1]!;
          if (b + 1 < B && pb[ref + b + 1]! > q) q = pb[ref + b + 1]!;
          if (p > q) {
            value += p - q;
            if (b < BASS_FIRST) sub += p - q;
            else if (b < BASS_END) low += p - q;
          }
          const x = lb[cur + b]!;
          const own = lb[ref + b]!;
          let r2 = own;
          if (b > 0 && lb[ref + b - 1]! > r2) r2 = lb[ref + b - 1]!;
          if (b + 1 < B && lb[ref + b + 1]! > r2) r2 = lb[ref + b + 1]!;
          if (b > 1 && lb[ref + b - 2]! > r2) r2 = lb[ref + b - 2]!;
          if (b + 2 < B && lb[ref + b + 2]! > r2) r2 = lb[ref + b + 2]!;
          const gate = k * typ[b]!;
          if (x > r2 + gate) rise += x - r2 - gate;
          if (own > x) fall += own - x;
          let d = x > own ? x - own : 0;
          const cap = NOISE_CLIP * typ[b]! + NOISE_EPS;
          if (d > cap) d = cap;
          typ[b] = typ[b]! + rate * (d - typ[b]!);
        }
        onset = rise - tn.fallWeight * fall;
        if (onset < 0) onset = 0;
      }
    }
    this.bassFlux = Math.max(0, low - BASS_SPILL * (value - low - sub));
    if (bands !== null) this.watchKick(bands, low + sub, value);
    this.odf[this.hop % RING] = onset;
    if (bands === null) this.hfRun = 0;
    const z = bands === null ? 0 : this.pushHf(hf, total);
    this.hfRise[this.hop % RING] = z;
    if (z >= tn.hfStrong) this.lastStrongHf = this.hop;
    return value;
  }

  /**
   * The noise-burst channel: the top octave's log rise over its recent mean, as a multiple of
   * the threshold (an onset from 1 up).
   */
  private pushHf(hf: number, total: number): number {
    const tn = this.t;
    const n = this.hfHops++;
    this.hfRun++;
    const ring = this.hfLog;
    this.level += (n < 10 ? 1 / (n + 1) : LEVEL_RATE) * (total - this.level);
    const x = Math.log1p(HF_GAMMA * (hf + tn.hfRel * this.level));
    ring[n % HF_RING] = x;
    const raw = Math.log(hf + 1e-9);
    this.hfFloor = n === 0 ? raw : Math.min(raw, this.hfFloor + HF_FLOOR_RISE);
    if (n < HF_RING - 1) return 0;
    let ref = 0;
    for (let k = 2; k < HF_RING; k++) ref += ring[(n - k) % HF_RING]!;
    ref /= HF_RING - 2;
    const rise = x - ref;
    // A noise floor in the top octave: its floor is a sizeable share of the broadband level.
    const noisy = this.hfFloor - Math.log(this.level + 1e-9) > Math.log(tn.hfNoisy);
    this.noisy = noisy;
    const min = noisy ? tn.hfMinNoisy : tn.hfMin;
    if (n < HF_WARMUP || this.hfRun < HF_RING) return 0;
    return rise / min;
  }

  private hfAt(hop: number): number {
    return hop < 0 || hop <= this.hop - RING ? 0 : this.hfRise[hop % RING]!;
  }

  private at(hop: number): number {
    return hop < 0 || hop <= this.hop - RING ? 0 : this.odf[hop % RING]!;
  }

  /**
   * The hop index of an onset confirmed by the latest push (ONSET_CONFIRM_HOPS late), or -1;
   * its onset-function value is then `strength()`.
   */
  peakHop(): number {
    const tn = this.t;
    const m = this.hop - ONSET_CONFIRM_HOPS;
    if (m < tn.startHops) return -1;
    const v = this.at(m);
    if (m - this.lastOnsetHop < this.minInterval) return -1;
    if (m - this.lastOnsetHop >= this.hfMinInterval && this.hfPeak(m)) {
      this.remember(m);
      this.lastOnsetHop = m;
      this.lastStrength = v;
      return m;
    }
    if (!(v > 0)) return -1;
    for (let k = 1; k <= ONSET_CONFIRM_HOPS; k++) if (this.at(m + k) > v) return -1;
    for (let k = 1; k <= tn.preMaxHops; k++) if (this.at(m - k) >= v) return -1;
    // Adaptive threshold from the recent past: median + ratio * mean + delta.
    const H = tn.historyHops;
    const s = this.sorted;
    let mean = 0;
    for (let k = 0; k < H; k++) {
      const x = this.at(m - 1 - k);
      mean += x;
      let j = k;
      while (j > 0 && s[j - 1]! > x) {
        s[j] = s[j - 1]!;
        j--;
      }
      s[j] = x;
    }
    mean /= H;
    const median = 0.5 * (s[(H - 1) >> 1]! + s[H >> 1]!);
    // Under a noise floor, a hop that continues the groove's spacing needs a share (gridShare) of
    // the absolute margin: soft strokes and hits on the grid rise little above the noise.
    const delta = this.noisy && this.expected(m) ? tn.gridShare * tn.thresholdDelta : tn.thresholdDelta;
    if (v < median + tn.thresholdRatio * mean + delta) return -1;
    // Under a noise floor, the groove that the soft hats keep is set by every hit.
    if (this.noisy) this.remember(m);
    this.lastOnsetHop = m;
    this.lastStrength = v;
    return m;
  }

  private remember(m: number): void {
    this.recent[this.recentCount++ % GRID_ONSETS] = m;
  }

  /**
   * Whether hop m continues the spacing of two recent onsets (+-1 hop), or lies halfway through
   * it while two successive recent onsets lie half that spacing apart (hats subdividing the beat:
   * once a few sixteenths have passed, the soft ones between the eighths are expected too; with
   * `seed`, before it has been heard).
   */
  private expected(m: number, seed = false): boolean {
    const n = this.recentCount;
    const r = this.recent;
    for (let i = 1; i <= GRID_RECENT && i <= n; i++) {
      const a = r[(n - i) % GRID_ONSETS]!;
      const gap = m - a;
      if (gap < GRID_MIN - 1 || gap > GRID_MAX + 1) continue;
      for (let j = i + 1; j <= GRID_ONSETS && j <= n; j++) {
        const d = a - r[(n - j) % GRID_ONSETS]!;
        if (d > GRID_MAX) break;
        if (d >= GRID_MIN && Math.abs(gap - d) <= 1) return true;
        // Halfway through the spacing, once that subdivision has been heard.
        if (d >= 2 * GRID_MIN && Math.abs(2 * gap - d) <= 2 && (seed || this.heard(d))) return true;
      }
    }
    return false;
  }

  /** Whether two successive recent onsets lie half of spacing d apart (+-1 hop). */
  private heard(d: number): boolean {
    const n = this.recentCount;
    const r = this.recent;
    for (let i = 1; i < GRID_ONSETS && i < n; i++) {
      const s = r[(n - i) % GRID_ONSETS]! - r[(n - i - 1) % GRID_ONSETS]!;
      if (Math.abs(2 * s - d) <= 2) return true;
    }
    return false;
  }

  /** Whether hop m is a confirmed peak of the noise-burst channel above its threshold. */
  private hfPeak(m: number): boolean {
    const tn = this.t;
    const z = this.hfAt(m);
    // While no hats play, neither the lone fluctuation nor the groove's spacing passes.
    const idle = m - this.lastStrongHf > tn.hfIdleHops;
    const grid = !idle && z >= tn.gridShare && this.expected(m, this.noisy && z >= tn.halfSeed);
    if (!(z >= (idle ? tn.hfIdle : 1)) && !grid) return false;
    for (let k = 1; k <= ONSET_CONFIRM_HOPS; k++) if (this.hfAt(m + k) > z) return false;
    for (let k = 1; k <= 2; k++) if (this.hfAt(m - k) >= z) return false;
    return true;
  }

  /** The bass part of the last hop's flux (the bands from BASS_FIRST to BASS_END, ~75-180 Hz),
   * net of BASS_SPILL of the flux above them (a strum or a snare spills into the bass bands). */
  bass(): number {
    return this.bassFlux;
  }

  /**
   * How much the low onsets sound like a kick drum: the running mean (over the last few) of the
   * sub-bass magnitude (below BASS_FIRST: ~40-70 Hz) over the bass magnitude (~70-180 Hz) from
   * 20 to 70 ms after each strong low onset. A kick's body is a sine of 40-60 Hz (about 1 and
   * more); a guitar's or a piano's bass notes lie above it (about 0.2: what leaks into the lowest
   * band). Starts at KICK_START (a kick, until a few low onsets show otherwise).
   */
  kickLikeness(): number {
    return this.kick;
  }

  private watchKick(bands: Float32Array, lowFlux: number, flux: number): void {
    this.lowPeak = Math.max(lowFlux, this.lowPeak * KICK_PEAK_DECAY);
    if (this.kickAge < 0) {
      if (lowFlux > 0 && lowFlux >= KICK_ONSET * this.lowPeak && lowFlux >= KICK_LOW_SHARE * flux) {
        this.kickAge = 0;
        this.kickSub = 0;
        this.kickBass = 0;
      }
      return;
    }
    this.kickAge++;
    if (this.kickAge < KICK_FROM) return;
    for (let b = 0; b < BASS_FIRST; b++) this.kickSub += bands[b]!;
    for (let b = BASS_FIRST; b < BASS_END; b++) this.kickBass += bands[b]!;
    if (this.kickAge < KICK_TO) return;
    this.kickAge = -1;
    if (!(this.kickBass + this.kickSub > 0)) return;
    const r = Math.min(2, this.kickSub / Math.max(1e-9, this.kickBass));
    this.kick += KICK_RATE * (r - this.kick);
  }

  /** Strength of the last confirmed onset. */
  strength(): number {
    return this.lastStrength;
  }
}
