/**
 * Stage 2 of the pitch path: a causal melody tracker that chooses, hop by hop, among the f0
 * candidates of stage 1 with a continuity prior, and gates out reverberation tails.
 *
 * - Continuity: while a melody is being followed, a candidate near the last pitch (within
 *   NEAR_CENTS) is preferred to a distant best candidate unless the distant one is much more
 *   periodic, and it bridges hops that a drum hit or a noise burst makes too aperiodic for the
 *   strict voicing decision of stage 1 (for at most MAX_BRIDGE_HOPS in a row).
 * - Upward octave leaps stay possible: a near candidate that is a subharmonic of the best one
 *   is not preferred.
 * - Subharmonics: a drum or a bass note under the melody can make the mix periodic at a common
 *   multiple of the periods, so the best candidate falls to f0 / k. The line then keeps its
 *   near candidate with a wider margin, or else reads its pitch back as k times the best one
 *   (k = 2 only on a disturbed hop: a clean new note an octave down is a melody leap), for at
 *   most MAX_SUB_HOPS hops in a row.
 * - Reverberation tails (note-off detection): when the direct sound of a note stops, the level
 *   drops suddenly (by several dB within a hop) under the note's sustain level and stays there
 *   while the reverberation continues the pitch. From then on the hops are unvoiced until a new
 *   attack (a quick rise), a return to the sustain level (a re-articulated note) or a new pitch.
 *   A steady pitch sinking under the sustain level, or a long fall far under it, is also a
 *   tail; a "tail" whose level holds near the sustain level is a note after all.
 * Fixed-size state, no allocation per hop.
 */

/** A stage-1 pitch moving more than this (cents) on two hops in a row in one direction sweeps. */
const SWEEP_CENTS = 100;
/** A candidate within this distance of the last pitch counts as the same melody line. */
const NEAR_CENTS = 150;
/** Hops after the last voiced hop during which the continuity prior still applies. */
const MEMORY_HOPS = 4;
/** A near candidate may be this much less periodic than the best one and still be preferred. */
const NEAR_MARGIN = 0.2;
/** ...or this much when the best one is a subharmonic of the near one. */
const SUB_MARGIN = 0.4;
/** Subharmonics up to this order are recognised (a melody does not leap down two octaves). */
const MAX_SUBHARMONIC = 6;
/** ...within this many cents. */
const SUB_CENTS = 50;
/** At most this many hops in a row are read from a subharmonic of the line... */
const MAX_SUB_HOPS = 40;
/** ...and from an octave under it only if the hop is at least this aperiodic (or the line shows). */
const CLEAN_APERIODICITY = 0.05;
/** Bridged (otherwise unvoiced) hops need at most this aperiodicity... */
const BRIDGE_APERIODICITY = 0.7;
/** ...and at most this many in a row. */
const MAX_BRIDGE_HOPS = 30;
/** A voiced run must be this long before its pitch is trusted for continuity. */
const MIN_RUN_HOPS = 3;
/**
 * Reverberation-tail gate (note-off detection). The reference is the note's sustain level: the
 * peak of the level held over SMOOTH_HOPS hops, taken on clearly periodic hops, released by
 * PEAK_RELEASE_DB per hop. A sudden drop (SUDDEN_DB under the PRIOR_HOPS hops before) to more
 * than OFF_DROP_DB under it, staying more than OFF_HOLD_DB under it for OFF_HOPS hops, or a
 * fall to more than TAIL_DROP_DB under it, ends the note: the hops after are a tail (unvoiced)
 * until the level rises TAIL_RISE_DB over the tail's minimum in a step of RISE_STEP_DB, comes
 * back within SUSTAIN_BACK_DB of the sustain level, or the pitch moves by TAIL_MOVE_CENTS.
 */
const OFF_DROP_DB = 6;
const OFF_HOPS = 3;
/** Largest hop-to-hop move (cents) of the stage-1 pitch that counts as a held (reverberated) pitch. */
const STEADY_CENTS = 15;
/** Once dropped, the level must stay this far under the sustain level to count on. */
const OFF_HOLD_DB = 5;
const SUDDEN_DB = 5;
/** ...or a drop STEEP_SUDDEN_DB under them to more than STEEP_DROP_DB under the sustain level. */
const STEEP_SUDDEN_DB = 7;
const STEEP_DROP_DB = 4;
/** Hops before the current one whose maximum level a sudden drop is measured from. */
const PRIOR_HOPS = 4;
/** A slower note-off: SINK_HOPS hops under the sustain level, SINK_DB lower than at their start. */
const SINK_HOPS = 8;
const SINK_DB = 2;
const TAIL_DROP_DB = 12;
const TAIL_FALLING_HOPS = 3;
const TAIL_RISE_DB = 9;
/** ...in a step of at least this much from the previous hop (an attack, not a swell). */
const RISE_STEP_DB = 3;
/** A level back within this of the sustain level ends the tail (a re-articulated note). */
const SUSTAIN_BACK_DB = 3;
/**
 * A tail whose level (3-hop mean) stays within OFF_HOLD_DB of the sustain level and fell less
 * than HOLD_DECAY_DB over HOLD_HOPS hops ends.
 */
const HOLD_HOPS = 10;
const HOLD_DECAY_DB = 1.5;
/** A stage-1 pitch this far (cents) from the tail's pitch is a new note, not the tail. */
const TAIL_MOVE_CENTS = 60;
const MOVE_CONFIDENCE = 0.85;
const SMOOTH_HOPS = 3;
/** The note peak decays by this much per hop (so slow diminuendos are not taken as tails). */
const PEAK_RELEASE_DB = 0.1;
/** Hops of clean periodicity needed for a hop's level to update the note peak. */
const PEAK_CONFIDENCE = 0.85;
/** Stage-1 unvoiced hops after which the note state is forgotten. */
const RESET_HOPS = 5;

export interface MelodyInput {
  hz: number | null;
  confidence: number;
  rms: number;
  candidates: Float32Array;
}

/** Causal melody line over stage-1 pitch candidates. Runs on the pipeline thread. */
export class MelodyTracker {
  /** The chosen f0 of the last hop (null when unvoiced) and its confidence. */
  hz: number | null = null;
  confidence = 0;
  private lastHz = 0;
  private sinceVoiced = Infinity;
  private run = 0;
  private bridged = 0;
  // Level gate.
  private peakDb = -Infinity;
  private readonly recentDb = new Float64Array(
    Math.max(TAIL_FALLING_HOPS + 1, SMOOTH_HOPS, PRIOR_HOPS + 1, SINK_HOPS + 1, HOLD_HOPS),
  );
  private recentCount = 0;
  private tail = false;
  private tailMinDb = Infinity;
  private tailHz = 0;
  private offHops = 0;
  private rawUnvoiced = 0;
  private prevRawHz = 0;
  private sinkHops = 0;
  private subHops = 0;
  private tailHops = 0;
  private prevMove = 0;

  /** One hop (null: missed hop, no information). Updates `hz` and `confidence`. */
  push(f: MelodyInput | null): void {
    if (f === null) {
      this.hz = null;
      this.confidence = 0;
      this.sinceVoiced++;
      return;
    }
    let hz = f.hz;
    let confidence = f.confidence;
    let bridgedHop = false;
    let subHop = false;
    const cands = f.candidates;
    if (this.lastHz > 0 && this.sinceVoiced <= MEMORY_HOPS && this.run >= 1) {
      // A line of MIN_RUN_HOPS hops is trusted for bridging and for keeping a near candidate
      // against any distant best one; a younger one only against a subharmonic.
      const trusted = this.run >= MIN_RUN_HOPS;
      // The most periodic candidate near the last pitch.
      let nearHz = 0;
      let nearAp = Infinity;
      for (let i = 0; i + 1 < cands.length; i += 2) {
        const c = cands[i]!;
        if (!(c > 0)) continue;
        const ap = cands[i + 1]!;
        if (Math.abs(1200 * Math.log2(c / this.lastHz)) < NEAR_CENTS && ap < nearAp) {
          nearHz = c;
          nearAp = ap;
        }
      }
      // The best candidate of the hop (stage 1's choice, else the first candidate).
      const bestHz = hz ?? (cands[0]! > 0 ? cands[0]! : 0);
      const apBest = hz !== null ? 1 - confidence : cands[1]!;
      // A best candidate at a subharmonic of the line: a drum or a bass note under the melody
      // makes the sum periodic at a common multiple of the periods.
      const k = bestHz > 0 ? subharmonicOrder(bestHz, this.lastHz, MAX_SUBHARMONIC, SUB_CENTS) : 0;
      const far = bestHz > 0 && Math.abs(1200 * Math.log2(bestHz / this.lastHz)) >= NEAR_CENTS;
      const margin = k > 0 ? SUB_MARGIN : NEAR_MARGIN;
      if (
        nearHz > 0 &&
        nearAp < BRIDGE_APERIODICITY &&
        (trusted || k > 0) &&
        (hz === null ? trusted && this.bridged < MAX_BRIDGE_HOPS : far && nearAp < apBest + margin) &&
        !isSubharmonic(nearHz, bestHz)
      ) {
        if (hz === null) bridgedHop = true;
        hz = nearHz;
        confidence = 1 - nearAp;
      } else if (
        trusted &&
        k > 0 &&
        apBest < BRIDGE_APERIODICITY &&
        this.subHops < MAX_SUB_HOPS &&
        (k > 2 || apBest > CLEAN_APERIODICITY || nearHz > 0)
      ) {
        // No usable candidate on the line: read the line's pitch from the subharmonic (an
        // octave under it only when the hop is disturbed or the line still shows, since a
        // clean new note an octave lower is a melody leap).
        if (hz === null) bridgedHop = true;
        hz = bestHz * k;
        confidence = Math.min(1 - apBest, 1 - nearAp);
        subHop = true;
      }
    }

    // Reverberation-tail gate on the hop level.
    const db = 20 * Math.log10(f.rms + 1e-9);
    const falling = this.isFalling(db);
    const held = this.heldDb();
    this.rawUnvoiced = f.hz === null ? this.rawUnvoiced + 1 : 0;
    const steady =
      f.hz !== null && this.prevRawHz > 0 && Math.abs(1200 * Math.log2(f.hz / this.prevRawHz)) < STEADY_CENTS;
    // A sweep (stage 1's pitch falling or rising by more than SWEEP_CENTS on two hops in a row,
    // like a kick drum's or a tom's pitch drop) is not a melody note, unless very periodic.
    const move = f.hz !== null && this.prevRawHz > 0 ? 1200 * Math.log2(f.hz / this.prevRawHz) : 0;
    if (
      hz !== null &&
      f.hz !== null &&
      hz === f.hz &&
      1 - f.confidence > CLEAN_APERIODICITY &&
      Math.abs(move) > SWEEP_CENTS &&
      Math.abs(this.prevMove) > SWEEP_CENTS &&
      move * this.prevMove > 0
    ) {
      hz = null;
    }
    this.prevMove = move;
    this.prevRawHz = f.hz ?? 0;
    if (this.tail) {
      // A new attack or a new pitch ends the tail.
      const moved =
        f.hz !== null &&
        f.confidence >= MOVE_CONFIDENCE &&
        Math.abs(1200 * Math.log2(f.hz / this.tailHz)) > TAIL_MOVE_CENTS &&
        !isSubharmonic(f.hz, this.tailHz) &&
        !isSubharmonic(this.tailHz, f.hz);
      const rise =
        (db > this.tailMinDb + TAIL_RISE_DB && db > this.recentDb[1]! + RISE_STEP_DB) ||
        db > this.peakDb - SUSTAIN_BACK_DB;
      // A tail decays; a level that holds over HOLD_HOPS hops is a note after all (a false
      // note-off, e.g. a re-articulation after a drum hit inflated the sustain level).
      this.tailHops++;
      const recent = this.meanDb(0, 3);
      const holds =
        this.tailHops >= HOLD_HOPS &&
        recent > this.peakDb - OFF_HOLD_DB &&
        recent > this.meanDb(HOLD_HOPS - 3, HOLD_HOPS) - HOLD_DECAY_DB;
      if (rise || moved || holds) {
        this.tail = false;
        this.peakDb = held;
        this.offHops = 0;
        this.sinkHops = 0;
      }
    } else if (hz !== null) {
      this.peakDb = Math.max(
        this.peakDb - PEAK_RELEASE_DB,
        f.confidence >= PEAK_CONFIDENCE ? held : -Infinity,
      );
      // A note-off: a sudden drop (SUDDEN_DB under the hops just before) that stays under the
      // sustain level; slow declines (a vibrato's level swing, a diminuendo) do not count. The
      // reverberation holds the last pitch: after the drop the stage-1 pitch stays put (a
      // singer's dip into a glide or a consonant moves it).
      // (A very sudden drop needs less depth under the sustain level: with a wet reverberation
      // the tail starts only a few dB under the note.)
      const prior = this.priorMaxDb();
      if (this.offHops > 0) {
        this.offHops = db < this.peakDb - OFF_HOLD_DB && steady ? this.offHops + 1 : 0;
      } else if (
        (db < this.peakDb - OFF_DROP_DB && db < prior - SUDDEN_DB) ||
        (db < this.peakDb - STEEP_DROP_DB && db < prior - STEEP_SUDDEN_DB)
      ) {
        this.offHops = 1;
      }
      // A slower note-off: a steady pitch sinking under the sustain level for SINK_HOPS hops.
      if (db < this.peakDb - OFF_HOLD_DB && steady) this.sinkHops++;
      else this.sinkHops = 0;
      const sinking =
        this.sinkHops >= SINK_HOPS &&
        this.recentCount > SINK_HOPS &&
        db < this.recentDb[SINK_HOPS]! - SINK_DB;
      if (this.offHops >= OFF_HOPS || sinking || (db < this.peakDb - TAIL_DROP_DB && falling)) {
        this.tail = true;
        this.tailMinDb = Math.min(db, this.recentDb[1]!);
        this.tailHops = 0;
        this.tailHz = this.lastHz > 0 ? this.lastHz : hz;
      }
    }
    if (this.tail) hz = null;
    if (this.tail) this.tailMinDb = Math.min(this.tailMinDb, db);
    if (this.rawUnvoiced > RESET_HOPS) {
      this.tail = false;
      this.peakDb = -Infinity;
      this.offHops = 0;
      this.sinkHops = 0;
    }

    if (hz !== null) {
      this.run = this.sinceVoiced <= 1 ? this.run + 1 : 1;
      this.sinceVoiced = 0;
      this.lastHz = hz;
      this.bridged = bridgedHop ? this.bridged + 1 : 0;
      this.subHops = subHop ? this.subHops + 1 : 0;
    } else {
      this.sinceVoiced++;
      this.bridged = 0;
      this.subHops = 0;
      if (this.sinceVoiced > 10) this.run = 0;
    }
    this.hz = hz;
    this.confidence = Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0;
  }

  /** Mean level (dB) of the hops `from` to `to` - 1 back (0 = the current hop). */
  private meanDb(from: number, to: number): number {
    let acc = 0;
    for (let i = from; i < to; i++) acc += this.recentDb[i]!;
    return acc / (to - from);
  }

  /** The highest level of the PRIOR_HOPS hops before the current one (dB). */
  private priorMaxDb(): number {
    const r = this.recentDb;
    let m = -Infinity;
    for (let i = 1; i <= PRIOR_HOPS && i < this.recentCount; i++) m = Math.max(m, r[i]!);
    return m;
  }

  /**
   * The level held over the last SMOOTH_HOPS hops (their minimum, dB): a drum hit or a click
   * of a hop or two does not raise it.
   */
  private heldDb(): number {
    const r = this.recentDb;
    const n = Math.min(SMOOTH_HOPS, this.recentCount);
    if (n === 0) return -Infinity;
    let m = Infinity;
    for (let i = 0; i < n; i++) m = Math.min(m, r[i]!);
    return m;
  }

  /** Records `db` and tells whether the level fell on each of the last TAIL_FALLING_HOPS hops. */
  private isFalling(db: number): boolean {
    const r = this.recentDb;
    for (let i = r.length - 1; i > 0; i--) r[i] = r[i - 1]!;
    r[0] = db;
    if (this.recentCount < r.length) this.recentCount++;
    if (this.recentCount <= TAIL_FALLING_HOPS) return false;
    for (let i = 0; i < TAIL_FALLING_HOPS; i++) if (!(r[i]! < r[i + 1]!)) return false;
    return true;
  }
}

/** Whether `low` is close (±50 cents) to `high` / k for k = 2, 3 or 4. */
function isSubharmonic(low: number, high: number): boolean {
  return subharmonicOrder(low, high, 4, 50) > 0;
}

/** k (2 to `maxK`) when `low` is within `cents` of `high` / k, else 0. */
function subharmonicOrder(low: number, high: number, maxK: number, cents: number): number {
  for (let k = 2; k <= maxK; k++) if (Math.abs(1200 * Math.log2((low * k) / high)) < cents) return k;
  return 0;
}
