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
 * - Reverberation tails: once a voiced note's level has fallen more than TAIL_DROP_DB under its
 *   peak while decaying steadily, the hop is unvoiced until the level rises again (a new note).
 * Fixed-size state, no allocation per hop.
 */

/** A candidate within this distance of the last pitch counts as the same melody line. */
const NEAR_CENTS = 150;
/** Hops after the last voiced hop during which the continuity prior still applies. */
const MEMORY_HOPS = 4;
/** A near candidate may be this much less periodic than the best one and still be preferred. */
const NEAR_MARGIN = 0.2;
/** Bridged (otherwise unvoiced) hops need at most this aperiodicity... */
const BRIDGE_APERIODICITY = 0.6;
/** ...and at most this many in a row. */
const MAX_BRIDGE_HOPS = 30;
/** A voiced run must be this long before its pitch is trusted for continuity. */
const MIN_RUN_HOPS = 3;
/** Reverberation-tail gate: drop under the note peak, consecutive falling hops, rise to re-open. */
const TAIL_DROP_DB = 12;
const TAIL_FALLING_HOPS = 3;
const TAIL_RISE_DB = 3;
/** The note peak decays by this much per hop (so slow diminuendos are not taken as tails). */
const PEAK_RELEASE_DB = 0.05;
/** Hops of clean periodicity needed for a hop's level to update the note peak. */
const PEAK_CONFIDENCE = 0.85;

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
  private readonly recentDb = new Float64Array(TAIL_FALLING_HOPS + 1);
  private recentCount = 0;
  private tail = false;
  private tailMinDb = Infinity;

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
    const cands = f.candidates;
    if (this.lastHz > 0 && this.sinceVoiced <= MEMORY_HOPS && this.run >= MIN_RUN_HOPS) {
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
      if (nearHz > 0) {
        if (hz !== null) {
          const far = Math.abs(1200 * Math.log2(hz / this.lastHz)) >= NEAR_CENTS;
          const apBest = 1 - confidence;
          if (
            far &&
            nearAp < BRIDGE_APERIODICITY &&
            nearAp < apBest + NEAR_MARGIN &&
            !isSubharmonic(nearHz, hz)
          ) {
            hz = nearHz;
            confidence = 1 - nearAp;
          }
        } else if (nearAp < BRIDGE_APERIODICITY && this.bridged < MAX_BRIDGE_HOPS) {
          hz = nearHz;
          confidence = 1 - nearAp;
          bridgedHop = true;
        }
      }
    }

    // Reverberation-tail gate on the hop level.
    const db = 20 * Math.log10(f.rms + 1e-9);
    const falling = this.isFalling(db);
    if (hz !== null) {
      if (this.tail) {
        if (db > this.tailMinDb + TAIL_RISE_DB) {
          this.tail = false;
          this.peakDb = db;
        }
      } else {
        this.peakDb = Math.max(
          this.peakDb - PEAK_RELEASE_DB,
          f.confidence >= PEAK_CONFIDENCE ? db : -Infinity,
        );
        if (db < this.peakDb - TAIL_DROP_DB && falling) {
          this.tail = true;
          this.tailMinDb = db;
        }
      }
      if (this.tail) hz = null;
    }
    if (this.tail) this.tailMinDb = Math.min(this.tailMinDb, db);

    if (hz !== null) {
      this.run = this.sinceVoiced <= 1 ? this.run + 1 : 1;
      this.sinceVoiced = 0;
      this.lastHz = hz;
      this.bridged = bridgedHop ? this.bridged + 1 : 0;
    } else {
      this.sinceVoiced++;
      this.bridged = 0;
      if (this.sinceVoiced > 10) {
        this.tail = false;
        this.peakDb = -Infinity;
        this.run = 0;
      }
    }
    this.hz = hz;
    this.confidence = Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0;
  }

  /** Records `db` and tells whether the level fell on each of the last TAIL_FALLING_HOPS hops. */
  private isFalling(db: number): boolean {
    const r = this.recentDb;
    for (let i = r.length - 1; i > 0; i--) r[i] = r[i - 1]!;
    r[0] = db;
    if (this.recentCount < r.length) {
      this.recentCount++;
      return false;
    }
    for (let i = 0; i < r.length - 1; i++) if (!(r[i]! < r[i + 1]!)) return false;
    return true;
  }
}

/** Whether `low` is close (±50 cents) to `high` / k for k = 2, 3 or 4. */
function isSubharmonic(low: number, high: number): boolean {
  for (let k = 2; k <= 4; k++) if (Math.abs(1200 * Math.log2((low * k) / high)) < 50) return true;
  return false;
}
