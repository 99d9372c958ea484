/**
 * Sung-note onsets: places the onsets of the onset detector where an annotator of sung notes
 * hears the note start, from the melody line (a sung note starts with its voice, and a legato
 * note where its pitch starts to move). Two rules, each a bounded delay:
 *
 * - Voicing start: a sung syllable often begins with a consonant or a breath ("s", "t", "h")
 *   60-200 ms before its vowel. A consonant-like onset (see CONSONANT_SHARE) is held for up to
 *   VOICING_WAIT_HOPS hops; if the melody, unvoiced at some hop since the onset, then becomes
 *   voiced for VOICED_HOLD_HOPS hops within that time, the onset is placed at the first voiced
 *   hop (when that is MIN_MOVE_HOPS or more after it), and an onset the detector then finds
 *   within MIN_GAP_HOPS of it is the same note start. Otherwise it keeps its own time: when the
 *   wait ends (a hat, a click, a breath with no vowel), when another onset comes first, or when
 *   the voice goes on through it for VOICED_WAIT_HOPS hops (a hat over a held note).
 * - Glide start: an onset found while the melody is voiced, at most GLIDE_SETTLE_HOPS hops after
 *   the pitch has moved monotonically by at least GLIDE_SEMITONES (a sung legato change: the
 *   energy moving between harmonics and the syllable's change of vowel make the onset function
 *   peak towards the glide's end), is placed where the pitch began to move. Vibrato (+-50 cents)
 *   does not qualify, nor an onset whose pitch jumps back against the glide (a fall-off, then a
 *   new note's attack).
 * Onsets are never made from pitch alone: a legato change that the onset function does not hear
 * stays no onset. (The synthetic corpus marks no onset at legato or slide changes, only at
 * attacks and tongued re-articulations; vocadito's annotator marks every new sung note, legato
 * ones included. Where the detector hears a sung change, both agree it is one onset; the rules
 * here only place it.)
 *
 * Latency: an onset's time never moves later than its report; a held onset is reported at most
 * VOICING_WAIT_HOPS hops (220 ms) after its own time, or VOICED_WAIT_HOPS hops (40 ms) when the
 * voice goes on through it; others are reported as the detector confirms them (one hop, as
 * before). Fixed-size state, no allocation per hop.
 */

/** Hops an onset found while unvoiced waits for the voice (220 ms at 10 ms hops). */
const VOICING_WAIT_HOPS = 22;
/**
 * Only a consonant-like onset waits: at least CONSONANT_SHARE of its rise (the growth of its band
 * magnitudes over two hops, the most over the onset hop and the next) lies above CONSONANT_HZ,
 * or REST_CONSONANT_SHARE when the melody was unvoiced over the REST_HOPS hops before it (a
 * phrase's first consonant or breath). A sung vowel, a strum, a stab or a drum's body adds most
 * of its energy below; a consonant's or a breath's noise above ("s", "sh", "t": 0.9-1). (Measured
 * on the rise, not the level: under white noise every hop's level lies mostly above. A tongued
 * note in a mix, masked by a drum hit, reaches ~0.9; a chord stab under noise ~0.65.)
 */
const CONSONANT_HZ = 1500;
const CONSONANT_SHARE = 0.95;
const REST_CONSONANT_SHARE = 0.7;
const REST_HOPS = 5;
/** An onset held for the voice moves to the voicing start only this many hops after it or more. */
const MIN_MOVE_HOPS = 6;
/**
 * A consonant-like onset over a voice that goes on (no unvoiced hop within this many hops: a hat
 * over a held note, a voiced fricative) keeps its own time.
 */
const VOICED_WAIT_HOPS = 4;
/** Fewest hops between two reported onsets (the onset detector's minimum gap, 60 ms). */
const MIN_GAP_HOPS = 6;
/** Voiced hops in a row that make a voicing start. */
const VOICED_HOLD_HOPS = 2;
/** A monotonic pitch move of at least this much (semitones) before the onset is a glide. */
const GLIDE_SEMITONES = 1.2;
/** The glide is traced back at most this many hops before the onset... */
const GLIDE_MAX_HOPS = 15;
/** ...from at most this many hops before the onset (hops of the new pitch, before the onset). */
const GLIDE_SETTLE_HOPS = 6;
/** ...over which the pitch moves back against the glide by less than this (semitones) per hop. */
const SETTLE_SEMITONES = 0.3;
/** ...over hops that move at least this much (semitones) in the glide's direction. */
const GLIDE_STEP = 0.04;
/** A glide start this close (hops) to the onset keeps the onset's own time. */
const GLIDE_MIN_HOPS = 3;
/** Melody history (hops, a power of two above GLIDE_MAX_HOPS + VOICING_WAIT_HOPS). */
const RING = 64;

export class NoteOnsets {
  /** Melody pitch (MIDI, fractional; NaN when unvoiced) of recent hops (ring). */
  private readonly midi = new Float64Array(RING);
  /** Share of the band magnitude above CONSONANT_HZ of recent hops (ring). */
  private readonly high = new Float64Array(RING);
  /** First band above CONSONANT_HZ. */
  private readonly highBand: number;
  private readonly bandCount: number;
  /** Band magnitudes of the last 3 hops (ring). */
  private readonly prevBands: Float64Array;
  private hop = -1;
  /** The onset held for the voice (-1: none), its strength, and the voiced hops seen since. */
  private heldHop = -1;
  private heldStrength = 0;
  private voicedRun = 0;
  /** Whether the melody was unvoiced at some hop since the held onset. */
  private sawUnvoiced = false;
  /** Hop of the last onset reported. */
  private lastHop = -Infinity;
  /** Output of the last push: how many onsets to report (0-2), their hops and strengths. */
  count = 0;
  readonly hops = new Int32Array(2);
  readonly strengths = new Float64Array(2);

  /** `bandLowHz`, `bandHighHz`: the edges of the log-spaced bands (see features.ts). */
  constructor(bandCount: number, bandLowHz: number, bandHighHz: number) {
    const b = Math.ceil(
      (bandCount * Math.log2(CONSONANT_HZ / bandLowHz)) / Math.log2(bandHighHz / bandLowHz),
    );
    this.highBand = Math.min(bandCount, Math.max(0, b));
    this.bandCount = bandCount;
    this.prevBands = new Float64Array(3 * bandCount);
  }

  private at(h: number): number {
    return h < 0 || h <= this.hop - RING ? NaN : this.midi[h & (RING - 1)]!;
  }

  /**
   * One hop, in hop order: the melody pitch of this hop (null: unvoiced or missed) and the
   * onset detector's confirmed onset (its hop, or -1, and strength). Sets count, hops, strengths.
   */
  push(hz: number | null, bands: Float32Array | null, onsetHop: number, strength: number): void {
    const h = ++this.hop;
    // The share of the hop's rise (its band magnitudes' growth over two hops) above CONSONANT_HZ.
    let all = 0;
    let high = 0;
    const B = this.bandCount;
    const cur = (h % 3) * B;
    const ref = ((h + 1) % 3) * B;
    const pb = this.prevBands;
    for (let b = 0; b < B; b++) {
      const x = bands === null ? 0 : bands[b]!;
      const d = x - pb[ref + b]!;
      pb[cur + b] = x;
      if (d > 0) {
        all += d;
        if (b >= this.highBand) high += d;
      }
    }
    this.high[h & (RING - 1)] = all > 0 ? high / all : 0;
    const voiced = hz !== null && hz > 0;
    this.midi[h & (RING - 1)] = voiced ? 69 + 12 * Math.log2(hz / 440) : NaN;
    this.voicedRun = voiced ? this.voicedRun + 1 : 0;
    this.count = 0;
    const held = this.heldHop;
    if (held >= 0) {
      if (!voiced) this.sawUnvoiced = true;
      if (this.sawUnvoiced && this.voicedRun >= VOICED_HOLD_HOPS) {
        // The voice has come: the note starts with it (unless it came right with the onset).
        const start = h - this.voicedRun + 1;
        this.release(start - held < MIN_MOVE_HOPS ? held : start);
        // An onset confirmed now is this voicing start.
        return;
      }
      if (
        onsetHop >= 0 ||
        h - held >= VOICING_WAIT_HOPS ||
        (!this.sawUnvoiced && h - held >= VOICED_WAIT_HOPS)
      ) {
        // Another attack came first, the wait is over, or the voice went on through the onset:
        // the held onset keeps its own time.
        this.release(held);
      }
    }
    if (onsetHop < 0) return;
    // An onset just after one moved to the voicing start is part of that note's start.
    if (onsetHop - this.lastHop < MIN_GAP_HOPS) return;
    if (this.consonant(onsetHop)) {
      this.heldHop = onsetHop;
      this.heldStrength = strength;
      this.sawUnvoiced = Number.isNaN(this.at(onsetHop)) || !voiced;
      return;
    }
    this.emit(Number.isNaN(this.at(onsetHop)) ? onsetHop : this.glideStart(onsetHop), strength);
  }

  /** Whether the onset at hop m sounds like a consonant or a breath (see CONSONANT_SHARE). */
  private consonant(m: number): boolean {
    const a = m <= this.hop - RING ? 0 : this.high[m & (RING - 1)]!;
    const b = m + 1 > this.hop ? 0 : this.high[(m + 1) & (RING - 1)]!;
    const share = Math.max(a, b);
    if (share >= CONSONANT_SHARE) return true;
    // After a rest (no voice over the hops before), a weaker share suffices: a breath or a
    // consonant starting a phrase, not a note re-articulated (with a drum's hit) in the line.
    if (share < REST_CONSONANT_SHARE) return false;
    for (let k = 1; k <= REST_HOPS; k++) if (!Number.isNaN(this.at(m - k))) return false;
    return true;
  }

  private emit(hop: number, strength: number): void {
    this.lastHop = hop;
    this.hops[this.count] = hop;
    this.strengths[this.count++] = strength;
  }

  private release(hop: number): void {
    this.emit(hop, this.heldStrength);
    this.heldHop = -1;
  }

  /** Where the pitch began its monotonic move into hop m (m itself when there is no glide). */
  private glideStart(m: number): number {
    // The pitch at m, or just after it when m is the end of a hop that has already moved.
    let end = m;
    const last = this.hop;
    const p = this.at(m);
    let dir = 0;
    // Direction: the larger move over the last GLIDE_MAX_HOPS hops.
    let lo = p;
    let hi = p;
    for (let k = 1; k <= GLIDE_MAX_HOPS; k++) {
      const q = this.at(m - k);
      if (Number.isNaN(q)) break;
      if (q < lo) lo = q;
      if (q > hi) hi = q;
    }
    if (hi - p > p - lo) dir = -1;
    else dir = 1;
    // Include the hops after m already seen (the glide may go on past the onset).
    for (let j = m + 1; j <= last; j++) {
      const q = this.at(j);
      if (Number.isNaN(q) || (q - this.at(j - 1)) * dir < GLIDE_STEP) break;
      end = j;
    }
    // The onset may come a few hops after the glide has settled on the new pitch.
    let s = m;
    while (m - s < GLIDE_SETTLE_HOPS) {
      const a = this.at(s);
      const b = this.at(s - 1);
      if (Number.isNaN(a) || Number.isNaN(b) || (a - b) * dir >= GLIDE_STEP) break;
      // A jump against the glide: the onset is a new note after it (a fall-off, then an attack).
      if ((b - a) * dir > SETTLE_SEMITONES) return m;
      s--;
    }
    const settled = s;
    while (m - s < GLIDE_MAX_HOPS) {
      const a = this.at(s);
      const b = this.at(s - 1);
      if (Number.isNaN(a) || Number.isNaN(b) || (a - b) * dir < GLIDE_STEP) break;
      s--;
    }
    if (settled - s < GLIDE_MIN_HOPS) return m;
    if (Math.max(this.at(end) * dir, this.at(settled) * dir) - this.at(s) * dir < GLIDE_SEMITONES) return m;
    return s;
  }
}
