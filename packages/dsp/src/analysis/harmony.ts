/**
 * Chord and key estimation from per-hop chroma (C4 and up) and the low-register note spectrum.
 * - Low register: stage 1's ~46 ms window cannot part low notes a third apart (~20 Hz bins), so
 *   it reports the complex amplitude of each semitone from E1 to B4 (`HopFeatures.low`); here the
 *   hops are summed coherently (each rotated by its note's phase advance) with an exponential
 *   window of LOW.seconds, which resolves the low notes; its peaks below C4 join each hop's
 *   chroma, and the lowest ones that show their octave (a string's second partial; a guitar body's
 *   air resonance or a kick drum has none) make the bass chroma.
 * - Chord: chroma averaged over the last CHORD_SECONDS, cosine similarity with templates of
 *   maj, min, 7, maj7, min7 and maj6 chords whose tones carry their first partials (low voicings
 *   show mostly upper partials), plus evidence from the bass chroma for chords rooted on the
 *   bass note; a seventh chord also matches its rootless voicing (the upper structure a comping
 *   guitarist or pianist plays over the bass: Ebmaj9 as G-Bb-D-F) in proportion to the share of
 *   its root in the bass (the bass of the last second: a root struck on the beat still counts
 *   under the voicing played after it has faded); a weak prior from the running key (chords with
 *   tones out of the key, and the rarer diatonic minor chords of a major key, lose a little);
 *   smoothed causally by an HMM forward pass (max-product) with a self-transition prior; a new
 *   label must win for CHORD_HOLD_SECONDS (reported then, dated back to the hop of greatest
 *   harmonic novelty before it won); held through rests, "N" only after
 *   CHORD_SILENCE_SECONDS below the level floor. Confidence: the template score (0..1).
 * - Key: exponentially decayed accumulated chroma and tones of the chords named (time constant
 *   KEY_SECONDS), Pearson correlation with the 24 rotations of Temperley's profiles (spread over
 *   the partials for the chroma), a bonus for the key of the first stable chord heard plainly
 *   (not a chord of the noise floor before the music) over the other keys and more over its
 *   relative key.
 */

import { CHROMA_LOW_MIDI, LOW_FIRST_MIDI, LOW_NOTES } from "./features.js";

export const PITCH_CLASSES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const;

const CHORD_SECONDS = 0.6;
const CHORD_HOLD_SECONDS = 0.08;
const CHORD_LEVEL_FLOOR = 0.003;
/**
 * Rests: the chord heard last is held through quiet passages (comping leaves gaps) and "N" is
 * reported only after CHORD_SILENCE_SECONDS below the level floor.
 */
const CHORD_SILENCE_SECONDS = 1.5;
/**
 * Dating a change: at the hop of greatest harmonic novelty (at least NOVELTY_MIN) before the
 * new chord won, less NOVELTY_LATENCY_SECONDS (a new sound weighs in the feature window about
 * half a window after it starts); without such a hop, half the averaging window back.
 */
const NOVELTY_MIN = 0.1;
const NOVELTY_LATENCY_SECONDS = 0.02;
const KEY_SECONDS = 30;
const KEY_HOLD_SECONDS = 1;

/**
 * Partials counted in the chord templates: harmonic h of each chord tone adds
 * HARMONIC_DECAY^(h-1) at its pitch class. Low voicings show mostly their upper partials (the
 * fundamentals of close low notes are not resolved in the short window), so the fifth above
 * each tone (3rd and 6th partials) and the major third (5th) belong to the chord's chroma.
 */
const HARMONICS = 4;
const HARMONIC_DECAY = 0.6;

/** Temperley (Kostka-Payne corpus) key profiles: sharper on out-of-scale tones than Krumhansl's. */
const MAJOR_PROFILE = [0.748, 0.06, 0.488, 0.082, 0.67, 0.46, 0.096, 0.715, 0.104, 0.366, 0.057, 0.4];
const MINOR_PROFILE = [0.712, 0.084, 0.474, 0.618, 0.049, 0.46, 0.105, 0.747, 0.404, 0.067, 0.133, 0.33];
/**
 * The key profiles as heard through the same partials as the chord templates (each scale
 * degree's weight spread over its harmonics), so that the fifth-above energy of every note
 * does not pull the key a fifth up.
 */
function withPartials(profile: readonly number[]): number[] {
  const out = new Array<number>(12).fill(0);
  for (let n = 0; n < 12; n++)
    for (let h = 1; h <= HARMONICS; h++) {
      const pc = (n + Math.round(12 * Math.log2(h))) % 12;
      out[pc] = out[pc]! + profile[n]! * HARMONIC_DECAY ** (h - 1);
    }
  return out;
}
const MAJOR_HEARD = withPartials(MAJOR_PROFILE);
const MINOR_HEARD = withPartials(MINOR_PROFILE);

/**
 * Weight of the chord tones (the pitch classes of the chords named, decayed like the chroma)
 * against the heard chroma in the key correlation: the named chords are free of partials.
 */
const KEY_TONES_WEIGHT = 0.8;

/**
 * The first stable chord names the tonic: the key whose tonic triad it is gains
 * FIRST_CHORD_KEY_BONUS in correlation, and its relative key (the same scale: C major and A minor)
 * loses FIRST_CHORD_RELATIVE_BONUS. The profiles barely part relative keys, and a natural-minor
 * loop (i-iv-VII-III, i-VI-III-VII: the VII and III chords put weight on the flat seventh, which
 * Temperley's minor profile rates low) correlates better with its relative major (Bm-Em-A-D:
 * D major by 0.14, B minor only by a margin of 0.01 with the first bonus alone); the tonic chord
 * heard first is the cue that tells them apart. A major loop begun on its vi (Am-F-C-G) is then
 * heard in the minor.
 */
const FIRST_CHORD_KEY_BONUS = 0.15;
const FIRST_CHORD_RELATIVE_BONUS = 0.15;
/**
 * The first stable chord: the first chord held FIRST_CHORD_SECONDS once named, and heard plainly
 * (it scores at least FIRST_CHORD_MIN_SCORE over the chord window). Noise has a chroma about flat
 * (white or pink, every pitch class alike), which any template scores 0.6 to 0.65 and which the
 * chord window of noise alone brought to 0.77 at most (measured at 5 to 20 dB SNR); a chord heard plainly scores above 0.85,
 * even at 5 dB SNR. Without this, a chord named from the noise floor before the music (a
 * Bm-Em-A-D loop in white noise at 10 dB: an E7 of the noise; the loop read as D major) or a
 * label of the first few hops of the music (C#m over its A bass: Amaj7 for 0.1 s) gave the bonus
 * to a key never played.
 */
const FIRST_CHORD_SECONDS = 0.25;
const FIRST_CHORD_MIN_SCORE = 0.8;
/**
 * Causal chord smoothing (HMM forward pass, max-product): the log-likelihood of each chord per hop
 * is CHORD_SHARPNESS * its template score, and changing chord costs CHORD_SWITCH_COST (log-odds
 * of the self-transition prior against any one switch).
 */
const CHORD_HMM = { sharpness: 20, switchCost: 2 } as const;

/**
 * Chord qualities: interval sets (semitones above the root) and a prior factor on the score, so
 * that a seventh is only named when the seventh is really there.
 */
const QUALITIES: readonly { name: string; intervals: readonly number[]; prior: number }[] = [
  { name: "maj", intervals: [0, 4, 7], prior: 1 },
  { name: "min", intervals: [0, 3, 7], prior: 1 },
  { name: "7", intervals: [0, 4, 7, 10], prior: 0.975 },
  { name: "maj7", intervals: [0, 4, 7, 11], prior: 0.975 },
  { name: "min7", intervals: [0, 3, 7, 10], prior: 0.975 },
  { name: "maj6", intervals: [0, 4, 7, 9], prior: 0.94 },
];
/**
 * Bass evidence: the low-register chroma (unit sum) adds BASS.weight * (the share of the bass on
 * the chord's root + BASS.fifth * on its fifth + BASS.other * on its other tones) to a chord's
 * score, so that the note in the bass picks the root among chords sharing most of their tones
 * (Ab-C-F over an Ab bass is Ab6, not F minor) while an inversion keeps its root. The bass
 * vector is normalised by at least BASS.floor of the chroma total, so a faint low register
 * (a high pad) counts little.
 */
const BASS = { weight: 0.3, fifth: 0.35, other: 0.2, floor: 0.15 } as const;
/**
 * Low register: the per-hop note spectrum (`HopFeatures.low`) summed coherently over the hops
 * with an exponential window of LOW.seconds (a steady sine keeps its amplitude); its peaks
 * across the notes, above LOW.floor of the highest, are the notes heard. Those below
 * CHROMA_LOW_MIDI (which the chroma leaves out) add LOW.weight times their magnitude to each
 * hop's chroma; those below LOW.bassFullHz, fading out to LOW.bassTopHz, make the bass chroma.
 * A bass note must show its octave: a peak whose octave (second partial, when it lies in the
 * low register, i.e. notes below C#3) is weaker than LOW.octave times the peak counts in the
 * bass in proportion. A plucked or struck string's low note has a strong second partial; the
 * air resonance of an acoustic guitar's body (~100 Hz, rung by every stroke and ringing a few
 * tenths of a second), a kick drum or hum are lone sines and would otherwise be taken for the
 * root (GuitarSet's Eb comping: the body's Ab2 made Eb chords Abmaj7).
 */
const LOW = {
  seconds: 0.15,
  weight: 1,
  bassFullHz: 130,
  bassTopHz: 260,
  floor: 0.05,
  octave: 1,
} as const;

const LOW_CHROMA_NOTES = CHROMA_LOW_MIDI - LOW_FIRST_MIDI;

/** Number of chord classes (12 roots per quality). */
export const CHORD_CLASSES = 12 * QUALITIES.length;

/** Chord templates (CHORD_CLASSES x 12, each of unit norm times its quality prior). */
const TEMPLATES = ((): Float64Array => {
  const t = new Float64Array(CHORD_CLASSES * 12);
  for (let c = 0; c < CHORD_CLASSES; c++) {
    const q = QUALITIES[Math.floor(c / 12)]!;
    const row = c * 12;
    for (const iv of q.intervals) {
      for (let h = 1; h <= HARMONICS; h++) {
        const pc = (c + iv + Math.round(12 * Math.log2(h))) % 12;
        t[row + pc] = t[row + pc]! + HARMONIC_DECAY ** (h - 1);
      }
    }
    let n = 0;
    for (let i = 0; i < 12; i++) n += t[row + i]! * t[row + i]!;
    const k = q.prior / Math.sqrt(n);
    for (let i = 0; i < 12; i++) t[row + i] = t[row + i]! * k;
  }
  return t;
})();

/** Bass evidence weights (CHORD_CLASSES x 12): BASS.weight on the root, times BASS.fifth on the fifth, BASS.other on other tones. */
const BASS_TEMPLATES = ((): Float64Array => {
  const t = new Float64Array(CHORD_CLASSES * 12);
  for (let c = 0; c < CHORD_CLASSES; c++) {
    for (const iv of QUALITIES[Math.floor(c / 12)]!.intervals) {
      t[c * 12 + ((c + iv) % 12)] = BASS.weight * (iv === 0 ? 1 : iv === 7 ? BASS.fifth : BASS.other);
    }
  }
  return t;
})();

/**
 * Rootless voicings: jazz comping leaves the root to the bass and voices the seventh chords from
 * the third up (3-5-7-9 for maj7 and min7, 3-7-9 for a dominant), which the upper chroma alone
 * reads as the chord a third up (Ebmaj9's G-Bb-D-F is Gm7; Cmaj9's E-G-B-D is Em7). A seventh
 * chord scores the better of its own template and its rootless one, the latter times
 * min(1, share of its root in the bass / ROOTLESS_BASS_SHARE): with no root in the bass the
 * voicing is the chord it spells. ROOTLESS_BASS_SHARE stays above the share a guitar body's air
 * resonance (near Ab2, weakly passing the octave test) reaches in the bass of GuitarSet's Eb
 * comping: at 0.15 its Eb bars read as Abmaj7 (C-Eb-G-Bb over the resonance); 0.25 to 0.4 gave
 * the same gain on comping made by the tests' generator.
 */
const ROOTLESS_BASS_SHARE = 0.3;
/**
 * Rootless voicings may be just the triad on the third (3-5-7: Abmaj7 as C-Eb-G, Ebmaj7 as
 * G-Bb-D, Fm7 as Ab-C-Eb): the three top strings of a bossa comp. Matched like the fuller ones.
 */
const ROOTLESS_TRIADS: Readonly<Record<string, readonly number[]>> = {
  maj7: [4, 7, 11],
  min7: [3, 7, 10],
};
/**
 * The root's share in the bass that lets a rootless voicing count (see ROOTLESS_BASS_SHARE) is
 * taken from the bass of about the last ROOT_MEMORY_SECONDS (each pitch class's share, decaying
 * with this time constant, or the current share if higher): a comping guitarist's thumb strikes
 * the root on the beat and the fingers play the rootless voicing after it has faded (GuitarSet's
 * Eb comping: Abmaj7's C-Eb-G read as C minor once the Ab had died away). About two beats: the
 * root of the chord before no longer counts after a change (0.7 to 1 s gave the same figures on
 * the corpus and the tests' comping; 1.5 s kept an Ab under the following Eb chord).
 */
const ROOT_MEMORY_SECONDS = 1;
/** Rootless voicing (intervals above the absent root) of the qualities that have one. */
const ROOTLESS_VOICINGS: Readonly<Record<string, readonly number[]>> = {
  "7": [4, 10, 14],
  maj7: [4, 7, 11, 14],
  min7: [3, 7, 10, 14],
};
/** Rootless templates (CHORD_CLASSES x 12, zero rows for qualities without one), like TEMPLATES. */
function rootlessTemplates(voicings: Readonly<Record<string, readonly number[]>>): Float64Array {
  const t = new Float64Array(CHORD_CLASSES * 12);
  for (let c = 0; c < CHORD_CLASSES; c++) {
    const q = QUALITIES[Math.floor(c / 12)]!;
    const voicing = voicings[q.name];
    if (voicing === undefined) continue;
    const row = c * 12;
    for (const iv of voicing)
      for (let h = 1; h <= HARMONICS; h++) {
        const pc = (c + iv + Math.round(12 * Math.log2(h))) % 12;
        t[row + pc] = t[row + pc]! + HARMONIC_DECAY ** (h - 1);
      }
    let n = 0;
    for (let i = 0; i < 12; i++) n += t[row + i]! * t[row + i]!;
    const k = q.prior / Math.sqrt(n);
    for (let i = 0; i < 12; i++) t[row + i] = t[row + i]! * k;
  }
  return t;
}
const ROOTLESS_TEMPLATES = rootlessTemplates(ROOTLESS_VOICINGS);
/** The 3-5-7 rootless templates (see ROOTLESS_TRIADS), zero rows for the other qualities. */
const ROOTLESS_TRIAD_TEMPLATES = rootlessTemplates(ROOTLESS_TRIADS);
/** Whether chord class c has a rootless template. */
const HAS_ROOTLESS = Uint8Array.from({ length: CHORD_CLASSES }, (_, c) =>
  ROOTLESS_VOICINGS[QUALITIES[Math.floor(c / 12)]!.name] === undefined ? 0 : 1,
);

/**
 * Key prior on the chords (subtracted from the template score once a key is estimated):
 * KEY_PRIOR.outOfKey per chord tone outside the key's scale (major, or minor with both sevenths),
 * so a chromatic chord (a secondary dominant, a borrowed chord) loses a little and still wins when
 * it is played plainly; in a major key the diatonic minor chords, which are heard less often than
 * I, IV and V and are what the upper notes of I and IV spell when the root is left out (Gm for
 * Ebmaj7's G-Bb-D, Cm for Abmaj7's C-Eb-G), lose KEY_PRIOR.ii_vi (ii and vi) or KEY_PRIOR.iii.
 * Weak: a template score parts a played chord from its neighbours by 0.1 and more; the figures
 * on the corpus were the same for ii_vi 0.01 to 0.03 and iii 0.03 to 0.08. Minor keys get only
 * the out-of-key part (their III, VI and VII are as common as their i, iv and V).
 */
const KEY_PRIOR = { outOfKey: 0.02, ii_vi: 0.02, iii: 0.05 } as const;
const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];
const MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10, 11];
/** The key prior of each chord in each key (24 x CHORD_CLASSES), to subtract from its score. */
const KEY_CHORD_PRIOR = ((): Float64Array => {
  const t = new Float64Array(24 * CHORD_CLASSES);
  for (let k = 0; k < 24; k++) {
    const scale = k < 12 ? MAJOR_SCALE : MINOR_SCALE;
    for (let c = 0; c < CHORD_CLASSES; c++) {
      const q = QUALITIES[Math.floor(c / 12)]!;
      let out = 0;
      for (const iv of q.intervals) if (!scale.includes((c + iv - k + 24) % 12)) out++;
      let p = KEY_PRIOR.outOfKey * out;
      if (k < 12 && out === 0 && q.intervals[1] === 3) {
        const degree = (c - k + 12) % 12;
        p += degree === 4 ? KEY_PRIOR.iii : KEY_PRIOR.ii_vi;
      }
      t[k * CHORD_CLASSES + c] = p;
    }
  }
  return t;
})();

/** Label of key index i: 0..11 major tonics, 12..23 minor tonics. @example keyLabel(21) // => "A:min" */
function label(i: number): string {
  return `${PITCH_CLASSES[i % 12]!}:${i < 12 ? "maj" : "min"}`;
}

/** Label of chord index i (quality * 12 + root). @example chordLabel(31) // => "G:7" */
export function chordLabel(i: number): string {
  return `${PITCH_CLASSES[i % 12]!}:${QUALITIES[Math.floor(i / 12)]!.name}`;
}

/**
 * Cosine score of chord `index` (quality * 12 + root) against a chroma vector whose squared
 * norm is `norm`, times the quality prior, plus the bass evidence when a bass vector (unit sum
 * or less, see BASS) is given; with the bass, a seventh chord scores at least its rootless
 * voicings' match scaled by its root's share in `rootBass` (the bass itself unless given; see
 * ROOTLESS_BASS_SHARE and ROOT_MEMORY_SECONDS).
 */
function chordScore(
  chroma: ArrayLike<number>,
  norm: number,
  index: number,
  bass: ArrayLike<number> | null = null,
  rootBass: ArrayLike<number> | null = bass,
): number {
  const row = index * 12;
  let s = 0;
  for (let i = 0; i < 12; i++) s += TEMPLATES[row + i]! * chroma[i]!;
  let score = s / Math.sqrt(norm);
  if (bass !== null) {
    const rootShare = Math.min(1, (rootBass ?? bass)[index % 12]! / ROOTLESS_BASS_SHARE);
    if (HAS_ROOTLESS[index] === 1 && rootShare > 0) {
      let r = 0;
      let r3 = 0;
      for (let i = 0; i < 12; i++) {
        r += ROOTLESS_TEMPLATES[row + i]! * chroma[i]!;
        r3 += ROOTLESS_TRIAD_TEMPLATES[row + i]! * chroma[i]!;
      }
      if (r3 > r) r = r3;
      r = (rootShare * r) / Math.sqrt(norm);
      if (r > score) score = r;
    }
    let b = 0;
    for (let i = 0; i < 12; i++) b += BASS_TEMPLATES[row + i]! * bass[i]!;
    score += b;
  }
  return score;
}

/**
 * The bass vector for `chordScore`: `bass` scaled to unit sum, or less when its total is below
 * BASS.floor of the chroma total `chromaTotal`. Writes into `out`.
 */
function bassVector(bass: ArrayLike<number>, chromaTotal: number, out: Float64Array): Float64Array {
  let t = 0;
  for (let i = 0; i < 12; i++) t += bass[i]!;
  const d = Math.max(t, BASS.floor * chromaTotal);
  for (let i = 0; i < 12; i++) out[i] = d > 0 ? bass[i]! / d : 0;
  return out;
}

/**
 * Template-match one chroma vector (and optionally the low-register chroma, see `LOW`) against
 * the chord qualities: index (quality * 12 + root, see `chordLabel`) of the best and its score
 * (about 0..1.3).
 */
export function matchChord(
  chroma: ArrayLike<number>,
  bass: ArrayLike<number> | null = null,
): { index: number; score: number } {
  let norm = 0;
  let total = 0;
  for (let i = 0; i < 12; i++) {
    norm += chroma[i]! * chroma[i]!;
    total += chroma[i]!;
  }
  if (!(norm > 0)) return { index: -1, score: 0 };
  const b = bass === null ? null : bassVector(bass, total, new Float64Array(12));
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < CHORD_CLASSES; i++) {
    const s = chordScore(chroma, norm, i, b);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return { index: best, score: bestScore };
}

/** The template score (no bass) of one chord index against a chroma vector (0 for "N" or an empty vector). */
function scoreOf(chroma: ArrayLike<number>, index: number): number {
  if (index < 0) return 0;
  let norm = 0;
  for (let i = 0; i < 12; i++) norm += chroma[i]! * chroma[i]!;
  return norm > 0 ? chordScore(chroma, norm, index) : 0;
}

/** Key index whose tonic triad is chord `index` (a major third: major key; minor: minor key). */
function keyOfChord(index: number): number {
  return QUALITIES[Math.floor(index / 12)]!.intervals[1] === 3 ? 12 + (index % 12) : index % 12;
}

/** The relative key of key index `k` (0..11 major tonics, 12..23 minor): C major <-> A minor. */
function relativeOf(k: number): number {
  return k < 12 ? 12 + ((k + 9) % 12) : (k + 3) % 12;
}

/**
 * Pearson correlation of a chroma vector (and of the chord tones, when given) with the 24 key
 * profiles, plus `bonus` for key `bonusKey` and minus `relativeBonus` for its relative key; best
 * index and score.
 */
export function matchKey(
  chroma: ArrayLike<number>,
  bonusKey = -1,
  bonus = 0,
  tones: ArrayLike<number> | null = null,
  relativeBonus = 0,
): { index: number; score: number } {
  const relative = bonusKey < 0 ? -1 : relativeOf(bonusKey);
  let best = -1;
  let bestScore = -Infinity;
  for (let k = 0; k < 24; k++) {
    const heard = correlation(chroma, k < 12 ? MAJOR_HEARD : MINOR_HEARD, k % 12);
    if (Number.isNaN(heard)) return { index: -1, score: 0 };
    let r = heard;
    if (tones !== null) {
      const t = correlation(tones, k < 12 ? MAJOR_PROFILE : MINOR_PROFILE, k % 12);
      if (!Number.isNaN(t)) r = (1 - KEY_TONES_WEIGHT) * heard + KEY_TONES_WEIGHT * t;
    }
    r += k === bonusKey ? bonus : k === relative ? -relativeBonus : 0;
    if (r > bestScore) {
      bestScore = r;
      best = k;
    }
  }
  return { index: best, score: bestScore };
}

/** Pearson correlation of a chroma vector with a key profile rotated to `tonic` (NaN if flat). */
function correlation(chroma: ArrayLike<number>, profile: readonly number[], tonic: number): number {
  let mean = 0;
  let pm = 0;
  for (let i = 0; i < 12; i++) {
    mean += chroma[i]!;
    pm += profile[i]!;
  }
  mean /= 12;
  pm /= 12;
  let varC = 0;
  let varP = 0;
  let cov = 0;
  for (let i = 0; i < 12; i++) {
    const c = chroma[(tonic + i) % 12]! - mean;
    const p = profile[i]! - pm;
    varC += c * c;
    varP += p * p;
    cov += c * p;
  }
  return varC > 0 ? cov / Math.sqrt(varC * varP) : NaN;
}

export interface HarmonyChange {
  /** Hop at which the change is taken to have happened (earlier than the hop it is reported at). */
  hop: number;
  label: string;
  confidence: number;
}

/** Running chord and key estimates. Fixed-size state. */
export class HarmonyTracker {
  private readonly window: number;
  private readonly ring: Float64Array;
  private readonly levels: Float64Array;
  /**
   * Harmonic novelty of each hop in the window (cosine distance of its chroma from the average
   * before it): a reported change is dated at the most novel hop before the new chord won.
   */
  private readonly novelty: Float64Array;
  private readonly novLatency: number;
  private readonly sum = new Float64Array(12);
  /** Low-register chroma of the same hops (each scaled like its hop's chroma), and its sum. */
  private readonly bassRing: Float64Array;
  private readonly bassSum = new Float64Array(12);
  private readonly bassNorm = new Float64Array(12);
  private levelSum = 0;
  private readonly silenceHops: number;
  private quietSince = 0;
  private hop = -1;
  private chord = -2;
  private candidate = -2;
  private candidateSince = 0;
  private readonly hold: number;
  private readonly keyAcc = new Float64Array(12);
  private readonly toneAcc = new Float64Array(12);
  private readonly keyDecay: number;
  private key = -1;
  private keyCandidate = -1;
  private keyCandidateSince = 0;
  private readonly keyHold: number;
  private readonly normalized = new Float64Array(12);
  /** Forward log-probabilities of the chord classes (max-product). */
  private readonly alpha = new Float64Array(CHORD_CLASSES);
  /** Each pitch class's share in the bass of about the last ROOT_MEMORY_SECONDS, and its per-hop decay. */
  private readonly rootBass = new Float64Array(12);
  private readonly rootBassDecay: number;
  /** Key suggested by the first stable chord (its tonic triad), or -1. */
  private firstChordKey = -1;
  /** Hop at which the chord held was named, and the hops it must hold to be the first stable chord. */
  private chordSince = 0;
  private readonly firstChordHops: number;
  /** Coherent low-register note spectrum (re, im), its per-hop decay, each note's cycles per hop. */
  private readonly lowAcc = new Float64Array(2 * LOW_NOTES);
  private readonly lowDecay: number;
  private readonly lowCycles = new Float64Array(LOW_NOTES);
  /** Each note's phase at the current hop (cos, sin) and its advance per hop. */
  private readonly lowRotation = new Float64Array(2 * LOW_NOTES);
  private readonly lowStep = new Float64Array(2 * LOW_NOTES);
  private readonly lowMag = new Float64Array(LOW_NOTES);
  private readonly lowHz = new Float64Array(LOW_NOTES);
  private readonly lowPc = new Int8Array(LOW_NOTES);
  /** This hop's chroma and bass with the low register added. */
  private readonly hopChroma = new Float64Array(12);
  private readonly hopBass = new Float64Array(12);

  constructor(hopRate: number) {
    this.window = Math.max(1, Math.round(CHORD_SECONDS * hopRate));
    this.ring = new Float64Array(12 * this.window);
    this.bassRing = new Float64Array(12 * this.window);
    this.levels = new Float64Array(this.window);
    this.novelty = new Float64Array(this.window);
    this.novLatency = Math.round(NOVELTY_LATENCY_SECONDS * hopRate);
    this.hold = Math.max(1, Math.round(CHORD_HOLD_SECONDS * hopRate));
    this.silenceHops = Math.round(CHORD_SILENCE_SECONDS * hopRate);
    this.keyDecay = Math.exp(-1 / (KEY_SECONDS * hopRate));
    this.keyHold = Math.max(1, Math.round(KEY_HOLD_SECONDS * hopRate));
    this.firstChordHops = Math.round(FIRST_CHORD_SECONDS * hopRate);
    this.lowDecay = Math.exp(-1 / (LOW.seconds * hopRate));
    this.rootBassDecay = Math.exp(-1 / (ROOT_MEMORY_SECONDS * hopRate));
    for (let k = 0; k < LOW_NOTES; k++) {
      this.lowHz[k] = 440 * 2 ** ((LOW_FIRST_MIDI + k - 69) / 12);
      this.lowCycles[k] = this.lowHz[k]! / hopRate;
      this.lowPc[k] = (LOW_FIRST_MIDI + k) % 12;
      this.lowStep[2 * k] = Math.cos(2 * Math.PI * this.lowCycles[k]!);
      this.lowStep[2 * k + 1] = Math.sin(2 * Math.PI * this.lowCycles[k]!);
    }
  }

  /**
   * Each note's phase (cos, sin of 2 pi f n / hopRate) at hop `n`: stepped on from the hop before,
   * recomputed exactly every 256 hops (no drift).
   */
  private advanceRotation(n: number): void {
    const rot = this.lowRotation;
    const step = this.lowStep;
    if (n % 256 === 0) {
      for (let k = 0; k < LOW_NOTES; k++) {
        const c = n * this.lowCycles[k]!;
        const phase = 2 * Math.PI * (c - Math.floor(c));
        rot[2 * k] = Math.cos(phase);
        rot[2 * k + 1] = Math.sin(phase);
      }
      return;
    }
    for (let k = 0; k < LOW_NOTES; k++) {
      const c = rot[2 * k]!;
      const s = rot[2 * k + 1]!;
      const a = step[2 * k]!;
      const b = step[2 * k + 1]!;
      rot[2 * k] = c * a - s * b;
      rot[2 * k + 1] = s * a + c * b;
    }
  }

  /**
   * Add hop `n`'s low-register spectrum (null: none) to the coherent sum, then this hop's chroma
   * (`chroma` plus the low register's notes) into `hopChroma` and its bass into `hopBass`.
   */
  private lowRegister(n: number, chroma: Float32Array | null, low: Float32Array | null): void {
    const acc = this.lowAcc;
    const d = this.lowDecay;
    const rot = this.lowRotation;
    this.advanceRotation(n);
    let max = 0;
    for (let k = 0; k < LOW_NOTES; k++) {
      let re = acc[2 * k]! * d;
      let im = acc[2 * k + 1]! * d;
      if (low !== null) {
        const cs = rot[2 * k]!;
        const sn = rot[2 * k + 1]!;
        const x = low[2 * k]!;
        const y = low[2 * k + 1]!;
        re += x * cs + y * sn;
        im += y * cs - x * sn;
      }
      acc[2 * k] = re;
      acc[2 * k + 1] = im;
      // A steady sine's amplitude: the sum of the decays is 1 / (1 - d).
      const m = Math.sqrt(re * re + im * im) * (1 - d);
      this.lowMag[k] = m;
      if (m > max) max = m;
    }
    const hc = this.hopChroma;
    const hb = this.hopBass;
    for (let i = 0; i < 12; i++) {
      hc[i] = chroma === null ? 0 : chroma[i]!;
      hb[i] = 0;
    }
    const mag = this.lowMag;
    const floor = max * LOW.floor;
    for (let k = 0; k < LOW_NOTES; k++) {
      const m = mag[k]!;
      if (m <= floor || (k > 0 && m <= mag[k - 1]!) || (k + 1 < LOW_NOTES && m < mag[k + 1]!)) continue;
      const f = this.lowHz[k]!;
      const pc = this.lowPc[k]!;
      if (k < LOW_CHROMA_NOTES) hc[pc] = hc[pc]! + LOW.weight * m;
      if (f < LOW.bassTopHz) {
        // A string's note has its octave (second partial); a body resonance or a drum does not.
        const support = k + 12 < LOW_NOTES ? Math.min(1, mag[k + 12]! / (LOW.octave * m)) : 1;
        hb[pc] = hb[pc]! + support * m * Math.min(1, (LOW.bassTopHz - f) / (LOW.bassTopHz - LOW.bassFullHz));
      }
    }
  }

  /** One forward step of the chord HMM on the averaged chroma; returns the best chord index. */
  private forward(): number {
    const a = this.alpha;
    const sum = this.sum;
    let norm = 0;
    let total = 0;
    for (let i = 0; i < 12; i++) {
      norm += sum[i]! * sum[i]!;
      total += sum[i]!;
    }
    if (!(norm > 0)) return -1;
    const bass = bassVector(this.bassSum, total, this.bassNorm);
    const rootBass = this.rootBass;
    for (let i = 0; i < 12; i++) {
      const held = rootBass[i]! * this.rootBassDecay;
      rootBass[i] = bass[i]! > held ? bass[i]! : held;
    }
    const prior = this.key >= 0 ? this.key * CHORD_CLASSES : -1;
    let prevBest = -Infinity;
    for (let i = 0; i < CHORD_CLASSES; i++) if (a[i]! > prevBest) prevBest = a[i]!;
    const switched = prevBest - CHORD_HMM.switchCost;
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < CHORD_CLASSES; i++) {
      const stay = a[i]!;
      let score = chordScore(sum, norm, i, bass, rootBass);
      if (prior >= 0) score -= KEY_CHORD_PRIOR[prior + i]!;
      const v = (stay > switched ? stay : switched) + CHORD_HMM.sharpness * score;
      a[i] = v;
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    // Keep the values bounded.
    for (let i = 0; i < CHORD_CLASSES; i++) a[i] = a[i]! - bestValue;
    return best;
  }

  /**
   * Where the pending candidate chord began: the most novel hop among those before it became
   * the candidate (within the window), a little earlier for the analysis window's delay.
   */
  private changeHop(): number {
    let best = this.candidateSince - Math.round(this.window / 2);
    let bestValue = NOVELTY_MIN;
    for (
      let h = Math.max(0, this.candidateSince - this.window + 1, this.hop - this.window + 1);
      h <= this.candidateSince;
      h++
    ) {
      const v = this.novelty[h % this.window]!;
      if (v > bestValue) {
        bestValue = v;
        best = h;
      }
    }
    return best - this.novLatency;
  }

  /** The current key label, or null before any estimate. */
  keyLabel(): string | null {
    return this.key < 0 ? null : label(this.key);
  }

  /**
   * Push one hop's chroma, low-register note spectrum (`HopFeatures.low`) and level (null chroma
   * for a missed hop: no information). Returns [chord change or null, key change or null]
   * through the out slots.
   */
  push(
    chromaIn: Float32Array | null,
    low: Float32Array | null,
    rms: number,
    out: { chord: HarmonyChange | null; key: HarmonyChange | null },
  ): void {
    const n = ++this.hop;
    out.chord = null;
    out.key = null;
    const slot = n % this.window;
    const base = slot * 12;
    let chroma: Float64Array | null = null;
    let bass: Float64Array | null = null;
    if (chromaIn !== null) {
      this.lowRegister(n, chromaIn, low);
      chroma = this.hopChroma;
      bass = this.hopBass;
    } else this.lowRegister(n, null, null);
    // Normalise each hop's chroma to unit sum so that loud hops do not dominate, weight by presence.
    let total = 0;
    if (chroma !== null) for (let i = 0; i < 12; i++) total += chroma[i]!;
    const level = chroma === null ? 0 : rms;
    // Hops below the level floor (rests, reverb tails) count nothing.
    const scale = total > 0 && level >= CHORD_LEVEL_FLOOR ? 1 / total : 0;
    let dot = 0;
    let n1 = 0;
    let n2 = 0;
    // Novelty from the hop's own chroma (the low register is averaged over LOW.seconds: slow).
    const nov = chromaIn;
    if (nov !== null && scale > 0) {
      for (let i = 0; i < 12; i++) {
        const v = nov[i]!;
        dot += v * this.sum[i]!;
        n1 += v * v;
        n2 += this.sum[i]! * this.sum[i]!;
      }
    }
    this.novelty[slot] = n1 > 0 && n2 > 0 ? 1 - dot / Math.sqrt(n1 * n2) : n1 > 0 ? 1 : 0;
    for (let i = 0; i < 12; i++) {
      const v = chroma !== null ? chroma[i]! * scale : 0;
      this.sum[i] = this.sum[i]! - this.ring[base + i]! + v;
      this.ring[base + i] = v;
      const b = bass !== null ? bass[i]! * scale : 0;
      this.bassSum[i] = this.bassSum[i]! - this.bassRing[base + i]! + b;
      this.bassRing[base + i] = b;
    }
    this.levelSum += level - this.levels[slot]!;
    this.levels[slot] = level;

    // Chord.
    const meanLevel = this.levelSum / this.window;
    let index = meanLevel >= CHORD_LEVEL_FLOOR ? this.forward() : -1;
    let confidence = 0;
    if (index >= 0) {
      this.quietSince = n + 1;
      confidence = Math.max(0, Math.min(1, scoreOf(this.sum, index)));
    } else if (n - this.quietSince < this.silenceHops) {
      // A rest: hold the current chord (and its pending candidate).
      index = this.candidate;
    }
    if (index !== this.candidate) {
      this.candidate = index;
      this.candidateSince = n;
    }
    if (this.candidate !== this.chord && n - this.candidateSince + 1 >= this.hold) {
      this.chord = this.candidate;
      this.chordSince = n;
      out.chord = {
        hop: Math.max(0, this.changeHop()),
        label: index < 0 ? "N" : chordLabel(index),
        confidence,
      };
    }

    if (
      this.firstChordKey < 0 &&
      this.chord >= 0 &&
      index === this.chord &&
      n - this.chordSince >= this.firstChordHops &&
      confidence >= FIRST_CHORD_MIN_SCORE
    )
      this.firstChordKey = keyOfChord(this.chord);

    // Key.
    if (chroma !== null && total > 0) {
      const w = Math.min(1, rms * 10);
      for (let i = 0; i < 12; i++) {
        this.keyAcc[i] = this.keyAcc[i]! * this.keyDecay + (w * chroma[i]!) / total;
        this.toneAcc[i] = this.toneAcc[i]! * this.keyDecay;
      }
      if (this.chord >= 0) {
        const q = QUALITIES[Math.floor(this.chord / 12)]!;
        for (const iv of q.intervals) {
          const pc = (this.chord + iv) % 12;
          this.toneAcc[pc] = this.toneAcc[pc]! + w / q.intervals.length;
        }
      }
    }
    if (n % 10 === 0) {
      for (let i = 0; i < 12; i++) this.normalized[i] = this.keyAcc[i]!;
      const k = matchKey(
        this.normalized,
        this.firstChordKey,
        FIRST_CHORD_KEY_BONUS,
        this.toneAcc,
        FIRST_CHORD_RELATIVE_BONUS,
      );
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
