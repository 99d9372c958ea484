/**
 * Causal tempo and beat tracking over the onset detection function (one value per hop).
 *
 * - Tempo: every UPDATE_SECONDS, the autocorrelation (by FFT) of the last HISTORY_SECONDS of the
 *   detection function (local mean removed, half-wave rectified, recent past weighted more) is
 *   summed over four multiples of each candidate period (a comb), weighted by a log-Gaussian
 *   prior centred on PRIOR_BPM, and filtered over time on a log-spaced tempo grid (a hidden
 *   Markov model with a narrow Gaussian transition and a small uniform floor) so that the
 *   metrical level stays put but steps are followed.
 * - Beats: a cumulative beat score (Ellis / BTrack): CS(n) = (1-α)·a(n) + α·max_v W(v)·CS(n-v),
 *   with W a log-Gaussian around one beat period and the accent a(n) = odf(n) + HALF_WEIGHT·odf
 *   half a beat before (the beats are where the eighth-note grid lines up, not where the loudest
 *   syncopation recurs). Half a beat after each beat, the score is
 *   projected forward and the next beat is predicted; it is emitted when the stream reaches it.
 * - Phase check: the cumulative score reinforces whatever phase it started on, so every tempo
 *   update the beat comb at the current phase is compared with the best phase over the last
 *   PHASE_CHECK_BEATS beats; a clearly better one (the off-beat above all) that persists wins.
 *   So does a grid of beats and half-beats together a quarter of a beat off that collects clearly
 *   more (a breakbeat's kicks and snares a sixteenth before the beat leave the half-beats empty).
 *   Without a kick drum the bass line decides between the beat and the off-beat: its notes (the
 *   bass part of the detection function, ~70-180 Hz net of the spill of the bands above) falling
 *   clearly more on one of the two eighth-note phases over the last HISTORY_SECONDS put the beat
 *   there (real bossa comping: the thumb's bass notes on the beats, the fingers' louder chords on
 *   the off-beats). With a kick drum (low onsets whose body lies below ~70 Hz) the kick may be
 *   syncopated and the full detection function (the snare's backbeat) decides as before.
 * - Every restart of the tempo filter to another tempo (not an octave) must be borne out by the
 *   recent onsets: they must fall on the beats and half-beats of the new tempo at least as much as
 *   on those of the current one (real comping: a bossa nova's accents make the autocorrelation
 *   prefer 2:3 of the beat, or drift, for a while).
 * - Metrical ratio check: a comb over the autocorrelation can prefer the dotted-eighth grid of a
 *   busy pattern (4:3 of the beat). The onset mass that the beats of the tempo 3/4 and 4/3 of
 *   the current one collect at their best phase (over 6 beats) decides; a relative found weaker
 *   is damped in the observation and the challengers may not bring it back. Comping's 3-3-2
 *   accents can hold the estimate at 2:3 of the beat from the start: the tempo 3/2 (or 2/3) of
 *   the current one whose beats and half-beats the recent onsets fill clearly more replaces it.
 * - Uniform pulse: with a kick drum (or clicks), the octave below the current tempo is damped in
 *   the observation while its half-beats collect nearly what its beats do (no slower beat is
 *   marked; the log-Gaussian prior alone would halve a 190 BPM click). Symmetrically, when every
 *   beat and half-beat of the current tempo carries a like onset (a 200 BPM click or rock beat
 *   estimated at 100), the tempi below twice it (up to MAX_BPM) are damped, so the filter moves
 *   up there and stays (see LEVEL_EVEN).
 * - Fast step detector: a 1.6 s autocorrelation window whose preferred tempo, a plausible step,
 *   also collects clearly more onset mass at its last 4 beats (or 2.5 times what the tracker's
 *   own last 3 beats collected: they have lost the onsets) restarts the filter there; the beat
 *   phase is then re-derived from the last 1.5 s only (the part at the new tempo).
 *   Neither it nor a short-window challenger moves to 2:3 or 3:2 of the tempo (a metrical relative:
 *   played comping's 3-3-2 accents), and a challenger nearer than that must collect at its beats
 *   at least the onset mass of the current tempo's (a rest of the player is not a step).
 * - Onset re-anchoring (faster still, from the onsets themselves): a strong onset off the beat
 *   grid, one period of a plausible new tempo (or two, with an onset in between) after the last
 *   onset on a beat, with every strong onset in between on the new half-beats, while the old
 *   grid's next beat passed without an onset; not when a like onset came half a bar, a bar or two
 *   bars earlier (the pattern's own syncopation), nor when the old pulse was weak or the new
 *   interval common in the long window. The tempo and the beat restart on that onset at once
 *   (reported as a beat itself when it is at most 1.5 hops old: at most ~27 ms late)
 *   (d07: ~0.5 s after the step instead of ~1.1 s); for 1.5 s the windows may only refine it
 *   (they still hold the old tempo) and each onset on a new beat measures the period again.
 * - Ramps: the steady slope of the log tempo over the last 2 s is extrapolated 1.5 s ahead (the
 *   observation lags a changing tempo by about that much).
 * - Silence: no beat is emitted once the detection function has stayed low for longer than a beat
 *   and than the longest recent gap between onsets (the band has stopped). On a track where
 *   nearly every beat has an onset, a beat whose onset has not come 60 ms after its time is
 *   dropped (the beat after the last hit; the live window allows 70 ms, so waiting costs nothing).
 *   A held beat whose onset comes is put on that onset, so it is never reported late.
 * Fixed-size buffers allocated in the constructor; nothing big is allocated per hop.
 */
import FFT from "fft.js";

const MIN_BPM = 50;
const MAX_BPM = 220;
const PRIOR_BPM = 115;
const PRIOR_OCTAVES = 0.6;
/** Strength of the penalty on levels whose own period carries less than twice it. */
const LEVEL_POWER = 0.25;
const HISTORY_SECONDS = 6;
const MIN_HISTORY_SECONDS = 2;
const UPDATE_SECONDS = 0.25;
const RECENCY_SECONDS = 1.5;
/** Short window of the change detector. */
const SHORT_HISTORY_SECONDS = 2.5;
const SHORT_RECENCY_SECONDS = 2;
/** Window of the fast step detector: a plausible step that it prefers by STEP_RATIO and whose
 * last STEP_PULSE_BEATS beats collect STEP_PULSE_MARGIN times the onset mass of the current
 * tempo's, for STEP_UPDATES updates, restarts the tempo filter there. */
const STEP_HISTORY_SECONDS = 1.6;
const STEP_RECENCY_SECONDS = 1.5;
const STEP_RATIO = 1.3;
const STEP_UPDATES = 1;
const STEP_PULSE_BEATS = 4;
const STEP_PULSE_MARGIN = 1.35;
/** ... or whose last LOST_BEATS beats collect LOST_MARGIN times what the tracker's own last
 * beats collected (they have lost the onsets). */
const LOST_BEATS = 3;
const LOST_MARGIN = 2.5;
/** Natural log of the largest step the fast step detector (either way) may take, and of the
 * largest challenger that must also collect at least the onset mass of the current tempo's beats:
 * not to 2:3 or 3:2 of the current tempo. Those are metrical relatives, not steps: played comping's
 * 3-3-2 accents make the short windows prefer the dotted-quarter grid for a while, and the long
 * window's challenger (with the coverage test) judges them. */
const LOST_MAX_STEP = 0.35;
const GRID_STEP = 1.01;
const TRANSITION_SIGMA = 2;
const TRANSITION_FLOOR = 0.1;
/** Restart the tempo filter when the short-window observation prefers a tempo this far away
 * (natural log of the ratio), */
const CHALLENGER_MIN = 0.06;
const CHALLENGER_MAX = 0.5;
/** by this ratio, */
const CHALLENGER_RATIO = 1.5;
/** for this many consecutive updates. */
const CHALLENGER_UPDATES = 2;
/** The same on the long-window observation (any tempo, octaves included). */
const LONG_CHALLENGER_RATIO = 1.2;
const LONG_CHALLENGER_UPDATES = 3;
/** Metrical-ratio check: tempi in these ratios to the current one, */
const RATIOS = [3 / 4, 4 / 3];
/** compared over this many beats of each (the same test guards the challengers), */
const RATIO_BEATS = 6;
/** replace it when they collect this much more for this many updates in a row. */
const RATIO_MARGIN = 1.15;
const RATIO_UPDATES = 3;
/** Only tempi that the observation itself supports this much (relative to the current one). */
const RATIO_MIN_OBS = 0.6;
/** 2:3 and 3:2 of the current tempo (the dotted-quarter grid of comping's 3-3-2 accents, or the
 * beat under it) replace it when the recent strong onsets fall on its beats and half-beats (see
 * coverage) THIRD_MARGIN times as much, for RATIO_UPDATES updates in a row: a played part's
 * eighth notes fill the half-beats of the true beat only. */
const THIRD_MARGIN = 1.4;
/** Observation factor near a relative found clearly weaker. */
const RATIO_DAMP = 0.5;
/** The octave below the current tempo is damped the same way when its half-beats (the current
 * beats in between its own) collect LEVEL_UNIFORM of what its beats collect: a uniform pulse (a
 * click at 190 BPM, a rock beat's kicks and snares at 180) has no slower beat, and the prior alone
 * would halve it. Not without a kick drum (comping's chords on the half-beats outweigh the bass
 * on the beats). */
const LEVEL_UNIFORM = 0.85;
/** The symmetric rule, which also brings the tracker up from the slower level: with a kick drum
 * (or clicks), when every beat and half-beat of the current tempo (the candidate faster beats, the
 * faster level within MAX_BPM), or every beat of the faster level once there, carries at least
 * LEVEL_EVEN of the largest of them (over 2·RATIO_BEATS of them, one of which may be missing: a
 * dropped hit), the tempi from the octave below the faster level to LEVEL_SLOWER of it (2:3
 * included: the prior favours it at 200 BPM) are scaled down to LEVEL_CAP of the faster level in
 * the observation (the filter moves up from the slower level within a few updates), and the
 * long-window challenger may not bring a slower one back.
 * A click or a rock beat's kicks and snares at 200 BPM have no slower beat; a pattern whose
 * half-beats hold only hats (rock, funk's sixteenths, an off-beat pattern) has, and so has a click
 * with softer clicks in between (the same sound, accented: below LEVEL_SAME of the loudest, the
 * weaker points must be another drum, told by the bass part: LEVEL_SPLIT times less or more of
 * it, relative to the detection function, than the others, plus LEVEL_BASS). */
const LEVEL_EVEN = 0.45;
const LEVEL_SAME = 0.75;
const LEVEL_SPLIT = 4;
const LEVEL_BASS = 0.01;
const LEVEL_CAP = 0.5;
const LEVEL_SLOWER = 0.7;
/** A restart of the tempo filter (a step or a challenger, not an octave) must be borne out by the
 * recent onsets: the strong onsets of the last COVER_SECONDS (IOI_LOST of the usual peak), weighted
 * by their strength, must fall on the beats and half-beats of the new tempo (within COVER_TOL of a
 * half-beat, at its best phase) at least as much as on those of the current one. Played comping
 * (a bossa nova's 3-3-2 accents) makes the autocorrelation prefer the dotted-quarter grid (2:3 of
 * the beat) for a while, but its eighth notes fall on the half-beats of the beat only. */
const COVER_SECONDS = 2;
const COVER_TOL = 0.12;
/** Ramp following: slope over this many tempo updates (at least TREND_MIN_UPDATES), */
const TREND_UPDATES = 8;
const TREND_MIN_UPDATES = 5;
/** applied when steeper than this (log tempo per second), */
const TREND_MIN_SLOPE = 0.004;
/** extrapolated this far ahead (s), by at most TREND_MAX (log). */
const TREND_LEAD = 1.5;
const TREND_MAX = 0.06;
const TREND_MIN_R2 = 0.8;
/** Octave corrections of the first estimate are allowed for this long after it. */
const EARLY_LEVEL_SECONDS = 4.5;
/** (see levelAgrees) */
const LEVEL_PULSE_MARGIN = 1.1;
const ALPHA = 0.9;
const TIGHTNESS = 5;
/** Onset re-anchoring (a tempo step seen in the onsets themselves, before any window sees it):
 * a strong onset (IOI_STRONG of the usual per-beat peak) off the beat grid (farther than
 * IOI_OFF_GRID of a period from every beat and half-beat), one or two periods of a plausible new
 * tempo after the last strong onset on a beat (within IOI_ON_BEAT of it), with every strong onset
 * in between on the new half-beats (within IOI_TOL of a half-period), while the old grid's beats
 * since that onset have lost theirs (nothing above IOI_LOST of the usual peak within ±3 hops):
 * the new tempo starts there. For IOI_HOLD_SECONDS the windows may not move it back. */
const IOI_STRONG = 0.4;
const IOI_ON_BEAT = 0.1;
const IOI_OFF_GRID = 0.12;
const IOI_TOL = 0.15;
const IOI_LOST = 0.25;
const IOI_HOLD_SECONDS = 1.5;
/** (not when an onset IOI_RECUR as strong came half a bar, a bar or two bars earlier: the
 * pattern's own syncopation) */
const IOI_RECUR = 0.5;
const IOI_PEAKS = 32;
/** (the re-anchoring onset is emitted as a beat when at most IOI_EMIT_HOPS old and more than
 * IOI_EMIT_GAP of the new period after the last beat emitted) */
const IOI_EMIT_HOPS = 1.5;
const IOI_EMIT_GAP = 0.25;
/** (only when the long window's normalised autocorrelation at the old period is IOI_LOCK or more
 * and at the new one below IOI_NOVEL of that: a clear pulse, and an interval new to it) */
const IOI_LOCK = 0.3;
const IOI_NOVEL = 0.5;
/** (meanwhile the observation is damped to HOLD_FLOOR farther than HOLD_STATES from it) */
const HOLD_STATES = 5;
const HOLD_FLOOR = 0.01;
/** The beat period follows the tempo estimate when it moves by more than PERIOD_CHANGE (the
 * phase stays put); the tempo is reported when it moves by more than REPORT_CHANGE (a ramp is
 * followed within the 4 % that matter sooner). */
const PERIOD_CHANGE = 0.01;
const REPORT_CHANGE = 0.005;
/** A tempo change larger than this re-derives the beat phase from the recent past. */
const RESCORE_CHANGE = 0.04;
const RESCORE_SECONDS = 2.5;
/** After the fast step detector fired: only the recent past is at the new tempo. */
const STEP_RESCORE_SECONDS = 1.5;
/** Decay (in beats) of the weight of past beats when the phase is re-derived after a change. */
const PHASE_BEATS = 3;
/** Phase check: every tempo update, the comb of beat positions over the last few seconds at
 * every phase is compared with the one at the current phase; a phase that collects clearly more
 * detection function, at least PHASE_MIN_SHIFT of a period away, for PHASE_UPDATES updates in a
 * row, replaces it (the tracker had locked to an off-beat or a wrong third of the beat). */
const PHASE_CHECK_BEATS = 6;
/** Required ratio for a shift of half a beat (the off-beat), and for any other shift. */
const PHASE_RATIO = 1.25;
const PHASE_RATIO_OTHER = 1.5;
const PHASE_MIN_SHIFT = 0.2;
/** ... and the grid of beats and half-beats together at another phase (at least GRID_MIN_SHIFT of
 * a period away, modulo half a beat) that collects GRID_RATIO times more. */
const GRID_RATIO = 1.15;
const GRID_MIN_SHIFT = 0.15;
/** Weight of the detection function half a beat before a hop in its beat accent (see accent). */
const HALF_WEIGHT = 0.5;
const PHASE_UPDATES = 4;
/** Bass line: over the detection function kept (HISTORY_SECONDS), the bass part of it on the other
 * eighth-note phase BASS_RATIO times that on the beats moves the beat there, and as much on the
 * beats keeps it, unless the low onsets sound like a kick drum (kick-likeness above KICK_LIKE, see
 * OnsetDetector.kickLikeness). */
const BASS_RATIO = 1.3;
const KICK_LIKE = 0.3;
/** (the bass part must reach this share of the detection function's usual peak per beat) */
const BASS_MIN = 0.02;
/** The music has stopped (no beat is emitted) when the detection function has not reached
 * SILENCE_RATIO of its usual per-beat peak for longer than SILENCE_BEATS beat periods and
 * SILENCE_GAP times the longest such gap of the last SILENCE_HISTORY_SECONDS. */
const SILENCE_BEATS = 1.15;
const SILENCE_RATIO = 0.2;
const SILENCE_HISTORY_SECONDS = 4;
const SILENCE_GAP = 1.1;
/** The band may have stopped: on a track where nearly every beat has an onset near it (the
 * running rate of beats without one is at most QUIET_MAX_MISS), a beat whose onset (HIT_RATIO of
 * the usual peak) has not shown up by its hop is held up to WAIT_HOPS hops (the live window
 * allows 70 ms) and dropped if none comes. */
const HIT_RATIO = 0.1;
const WAIT_HOPS = 6;
const QUIET_MAX_MISS = 0.15;

/** Whether a tempo ratio is close to 2 or 1/2 (a metrical-level change, not a tempo step). */
function isOctave(ratio: number): boolean {
  return Math.abs(Math.log(ratio / 2)) < 0.06 || Math.abs(Math.log(ratio * 2)) < 0.06;
}

export interface BeatStep {
  /** New tempo estimate when it moved by more than 0.5 % since the last one reported, else null. */
  tempo: number | null;
  /** Hop index (fractional) of a beat due at this hop, else null. */
  beatHop: number | null;
}

/**
 * A candidate tempo state that must persist, within `tolerance` states, for `updates` tempo
 * updates in a row before it is acted on (the metrical-ratio checks and the fast step detector).
 */
class Persistence {
  private candidate = -1;
  private count = 0;
  constructor(
    private readonly tolerance: number,
    private readonly updates: number,
  ) {}

  /** Sees state `c` at this update; true once it has persisted long enough (then it is forgotten). */
  confirm(c: number): boolean {
    if (this.candidate >= 0 && Math.abs(this.candidate - c) <= this.tolerance) this.count++;
    else this.count = 1;
    this.candidate = c;
    if (this.count < this.updates) return false;
    this.reset();
    return true;
  }

  reset(): void {
    this.candidate = -1;
    this.count = 0;
  }
}

export class BeatTracker {
  private readonly hopRate: number;
  private readonly capacity: number;
  private readonly odf: Float64Array;
  /** Bass part of the detection function (see BASS_RATIO). */
  private readonly bassOdf: Float64Array;
  /** Kick-likeness of the low onsets (see KICK_LIKE). */
  private kick = 1;
  private readonly score: Float64Array;
  private hop = -1;

  // Tempo estimation.
  private readonly history: number;
  private readonly fftSize: number;
  private readonly smallSize: number;
  private readonly fftSmall: FFT;
  private readonly xSmall: Float64Array;
  private readonly specSmall: Float64Array;
  private readonly fft: FFT;
  private readonly x: Float64Array;
  private readonly spec: Float64Array;
  private readonly acf: Float64Array;
  private readonly grid: Float64Array;
  private readonly prior: Float64Array;
  private readonly belief: Float64Array;
  private readonly next: Float64Array;
  private readonly kernel: Float64Array;
  private readonly raw: Float64Array;
  private challenger = -1;
  private readonly windowAcf: Float64Array;
  private readonly windowAcfFor = new Float64Array(3).fill(-1);
  private readonly windowAcfStep: Float64Array;
  private readonly stepObs: Float64Array;
  private readonly stepHistory: number;
  private readonly stepPersists = new Persistence(3, STEP_UPDATES);
  private readonly windowAcfShort: Float64Array;
  private readonly shortObs: Float64Array;
  private readonly shortHistory: number;
  private challengerCount = 0;
  private readonly trend = new Float64Array(TREND_UPDATES);
  private trendCount = 0;
  private readonly ratioPersists = new Persistence(3, RATIO_UPDATES);
  /** States of 3:4 / 4:3 relatives found clearly weaker at the last update (-1: none). */
  private readonly damped = new Int32Array(RATIOS.length).fill(-1);
  /** The slowest tempo state damped below a uniform pulse this update, and the pulse's own
   * (faster) state (-1: none; see LEVEL_EVEN). */
  private evenSlow = -1;
  private evenFast = -1;
  /** (the same for the 2:3 / 3:2 check, see THIRD_MARGIN) */
  private readonly thirdPersists = new Persistence(3, RATIO_UPDATES);
  private longChallenger = -1;
  private longCount = 0;
  private firstEstimate = Infinity;
  /** Set when the tempo filter restarted (a step): the beat phase is re-derived. */
  private changed = false;
  /** Set when the fast step detector restarted it. */
  private stepped = false;
  private readonly updateHops: number;
  /** Tempo the beat period follows (BPM). */
  private bpm = 0;
  /** Tempo last reported (BPM). */
  private reported = 0;
  /** Beat period in hops (0 until a tempo is known). */
  private period = 0;
  private readonly weights: Float64Array;
  private weightLo = 0;
  private weightHi = -1;

  // Beat prediction.
  private lastBeat = -1;
  private nextBeat = -1;
  private predictAt = -1;
  private readonly future: Float64Array;
  /** Beat comb value of each phase at the last phase check. */
  private readonly phaseValues: Float64Array;
  private phaseCandidate = -1;
  private phaseCount = 0;
  /** Running mean of the detection function's peak over one beat period (at each beat). */
  private beatPeak = 0;
  /** Running rate of beats without an onset near them. */
  private beatMiss = 1;
  /** Hop of the last beat emitted. */
  private lastEmitted = -Infinity;

  // Onset re-anchoring.
  /** Recent strong onsets (detection-function peak hops, sub-hop), a ring. */
  private readonly peakHops = new Float64Array(IOI_PEAKS);
  private readonly peakValues = new Float64Array(IOI_PEAKS);
  private peakCount = 0;
  /** The last strong onset on a beat of the grid (-1: none). */
  private anchor = -1;
  /** Pending step: its onset, new period and the hop by which the old beats are judged lost. */
  private pendingOnset = -1;
  private pendingPeriod = 0;
  private pendingAt = -1;
  /** No window may restart the tempo filter before this hop (after a re-anchoring). */
  private holdUntil = -1;
  /** The state of the re-anchored tempo. */
  private holdState = 0;
  /** The last onset on a new beat while held (-1: none) and the new period (hops). */
  private ioiLast = -1;
  private ioiPeriod = 0;

  /**
   * @param hopRate hops per second
   * @param leadHops emit each beat this many hops before its detection-function hop (the
   *   detection function lags the audio by about this much)
   */
  constructor(
    hopRate: number,
    private readonly leadHops = 0,
  ) {
    this.hopRate = hopRate;
    const maxPeriod = Math.ceil((60 * hopRate) / MIN_BPM);
    this.history = Math.round(HISTORY_SECONDS * hopRate);
    this.capacity = Math.max(this.history, 3 * maxPeriod) + 4;
    this.odf = new Float64Array(this.capacity);
    this.bassOdf = new Float64Array(this.capacity);
    this.score = new Float64Array(this.capacity);
    let size = 1;
    while (size < 2 * this.history) size *= 2;
    this.fftSize = size;
    this.fft = new FFT(size);
    this.x = new Float64Array(size);
    this.spec = new Float64Array(2 * size);
    this.acf = new Float64Array(2 * size);
    const states = Math.ceil(Math.log(MAX_BPM / MIN_BPM) / Math.log(GRID_STEP)) + 1;
    this.grid = new Float64Array(states);
    this.prior = new Float64Array(states);
    for (let i = 0; i < states; i++) {
      const b = MIN_BPM * GRID_STEP ** i;
      this.grid[i] = b;
      const o = Math.log2(b / PRIOR_BPM) / PRIOR_OCTAVES;
      this.prior[i] = Math.exp(-0.5 * o * o);
    }
    this.belief = new Float64Array(states).fill(1 / states);
    this.next = new Float64Array(states);
    this.raw = new Float64Array(states);
    this.windowAcf = new Float64Array(2 * size);
    this.windowAcfShort = new Float64Array(2 * size);
    this.shortObs = new Float64Array(states);
    this.shortHistory = Math.round(SHORT_HISTORY_SECONDS * hopRate);
    this.windowAcfStep = new Float64Array(2 * size);
    this.stepObs = new Float64Array(states);
    this.stepHistory = Math.round(STEP_HISTORY_SECONDS * hopRate);
    let smallSize = 1;
    while (smallSize < 2 * Math.max(this.shortHistory, this.stepHistory)) smallSize *= 2;
    this.smallSize = Math.min(smallSize, size);
    this.fftSmall = new FFT(this.smallSize);
    this.xSmall = new Float64Array(this.smallSize);
    this.specSmall = new Float64Array(2 * this.smallSize);
    const half = Math.ceil(3 * TRANSITION_SIGMA);
    this.kernel = new Float64Array(2 * half + 1);
    for (let k = -half; k <= half; k++) this.kernel[k + half] = Math.exp(-0.5 * (k / TRANSITION_SIGMA) ** 2);
    this.updateHops = Math.max(1, Math.round(UPDATE_SECONDS * hopRate));
    this.weights = new Float64Array(2 * maxPeriod + 2);
    this.future = new Float64Array(2 * maxPeriod + 2);
    this.phaseValues = new Float64Array(2 * maxPeriod + 2);
  }

  /** Current tempo estimate (BPM), or 0 before the first estimate. */
  tempo(): number {
    return this.reported;
  }

  private odfAt(h: number): number {
    return h < 0 || h <= this.hop - this.capacity ? 0 : this.odf[h % this.capacity]!;
  }

  private scoreAt(h: number): number {
    return h < 0 || h <= this.hop - this.capacity ? 0 : this.score[h % this.capacity]!;
  }

  /** Push one detection-function value (0 for a missed hop), its bass part and the running
   * kick-likeness of the low onsets (see OnsetDetector.bass and kickLikeness). */
  push(value: number, out: BeatStep, bass = 0, kick = 1): BeatStep {
    const n = ++this.hop;
    this.odf[n % this.capacity] = value;
    this.bassOdf[n % this.capacity] = bass;
    this.kick = kick;
    this.score[n % this.capacity] =
      this.period > 0 ? (1 - ALPHA) * this.accent(n) + ALPHA * this.pastMax(n) : value;
    out.tempo = null;
    out.beatHop = null;
    if (this.period > 0 && this.beatPeak > 0 && this.lastBeat >= 0) this.reanchor(n, out);

    if ((n + 1) % this.updateHops === 0 && n + 1 >= MIN_HISTORY_SECONDS * this.hopRate) {
      const bpm = this.estimateTempo();
      if (bpm > 0 && (this.bpm === 0 || Math.abs(bpm - this.bpm) / this.bpm > PERIOD_CHANGE)) {
        const jump = this.changed || (this.bpm > 0 && Math.abs(bpm - this.bpm) / this.bpm > RESCORE_CHANGE);
        this.changed = false;
        this.setTempo(bpm);
        if (jump) this.rescore(n);
      }
      if (bpm > 0 && (this.reported === 0 || Math.abs(bpm - this.reported) / this.reported > REPORT_CHANGE)) {
        this.reported = bpm;
        out.tempo = bpm;
      }
      this.checkPhase(n);
    }
    if (this.period === 0) return out;

    if (this.nextBeat < 0 && this.predictAt < 0) {
      // First beat after a tempo is known: the last beat is the best score over one period.
      let best = n;
      let bestScore = -Infinity;
      for (let h = n; h > n - Math.round(this.period) && h >= 0; h--) {
        if (this.scoreAt(h) > bestScore) {
          bestScore = this.scoreAt(h);
          best = h;
        }
      }
      this.lastBeat = best;
      this.predictAt = n;
    }
    if (this.predictAt >= 0 && n >= this.predictAt) {
      this.countMiss();
      this.predictNext(n);
      this.predictAt = -1;
    }
    if (this.nextBeat >= 0 && n >= Math.floor(this.nextBeat) - this.leadHops) {
      if (this.waiting(n)) return out;
      // (silence judged at the beat's own hop: a held beat must not count its wait as silence)
      const due = Math.max(0, Math.floor(this.nextBeat) - this.leadHops);
      // A beat held for its onset goes on the onset (the detection function peaks about leadHops
      // after it first rises).
      if (!this.silent(Math.min(n, due)) && !this.missing(n)) {
        out.beatHop = n > due ? Math.max(this.nextBeat, n + this.leadHops) : this.subHop(this.nextBeat);
        this.lastEmitted = out.beatHop;
      }
      this.lastBeat = this.nextBeat;
      this.nextBeat = -1;
      this.predictAt = Math.round(this.lastBeat + this.period / 2);
    }
    return out;
  }

  /**
   * Onset re-anchoring (see IOI_STRONG): looks at the detection-function peak at hop n-1 and at
   * a pending step whose old beat is now due.
   */
  private reanchor(n: number, out: BeatStep): void {
    if (this.pendingOnset >= 0 && n >= this.pendingAt) {
      if (this.oldBeatsLost(this.pendingOnset, n))
        this.applyStep(n, this.pendingOnset, this.pendingPeriod, out);
      this.pendingOnset = -1;
    }
    const v = this.odfAt(n - 1);
    if (!(
      v >= IOI_LOST * this.beatPeak &&
      v > this.odfAt(n) &&
      v >= this.odfAt(n - 2) &&
      v >= this.odfAt(n - 3)
    ))
      return;
    // Sub-hop position of the peak (parabola through its neighbours).
    const l = this.odfAt(n - 2);
    const r = this.odfAt(n);
    const denom = l - 2 * v + r;
    const o = n - 1 + (denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom)) : 0);
    if (this.hop < this.holdUntil && this.ioiLast >= 0) {
      this.refineStep(n, o, out);
      return;
    }
    const p = this.period;
    const x = (o - this.lastBeat) / p;
    if (Math.abs(x - Math.round(x)) <= IOI_ON_BEAT) {
      this.anchor = o;
      this.pendingOnset = -1;
    }
    this.peakHops[this.peakCount % IOI_PEAKS] = o;
    this.peakValues[this.peakCount % IOI_PEAKS] = v;
    this.peakCount++;
    if (v < IOI_STRONG * this.beatPeak || this.anchor === o) return;
    if (Math.abs(x - Math.round(2 * x) / 2) <= IOI_OFF_GRID || this.anchor < 0) return;
    // A syncopation of the pattern recurs: a like onset half a bar, a bar or two bars earlier.
    for (let k = 2; k <= 8; k *= 2) {
      const c = Math.round(o - k * p);
      if (c - 3 <= this.hop - this.capacity) break;
      for (let h = c - 3; h <= c + 3; h++) if (this.odfAt(h) >= IOI_RECUR * v) return;
    }
    const a = this.anchor;
    for (let m = 1; m <= 2; m++) {
      let q = (o - a) / m;
      const far = Math.abs(Math.log(q / p));
      const bpm = (60 * this.hopRate) / q;
      if (far <= CHALLENGER_MIN || far >= LOST_MAX_STEP || bpm < MIN_BPM || bpm > MAX_BPM) continue;
      if (!this.halfBeatsAgree(a, o, q)) continue;
      // The old tempo was clearly periodic, the new interval rare in it.
      const own = this.acfAt(p);
      if (!(own >= IOI_LOCK * this.acf[0]!) || this.acfAt(q) > IOI_NOVEL * own) continue;
      // Two new beats: the one in between must have an onset (the new period is measured from it:
      // the step may have come in the middle of the first interval).
      if (m === 2) {
        const mid = this.onsetNear(a + q, Math.max(2, IOI_TOL * q));
        if (mid < 0) continue;
        q = o - mid;
      }
      // The old grid's first beat after the anchor must have passed without an onset.
      this.pendingOnset = o;
      this.pendingPeriod = q;
      this.pendingAt = Math.max(n, Math.ceil(a + p) + 4);
      if (n >= this.pendingAt) {
        if (this.oldBeatsLost(o, n)) this.applyStep(n, o, q, out);
        this.pendingOnset = -1;
      }
      return;
    }
  }

  /**
   * While the re-anchored tempo is held: an onset where the next new beat was due (within
   * IOI_TOL of a period) measures the period again (the first interval may have straddled the
   * step); one well past it ends the refinement.
   */
  private refineStep(n: number, o: number, out: BeatStep): void {
    const q = this.ioiPeriod;
    const d = o - (this.ioiLast + q);
    if (d < -Math.max(2, IOI_TOL * q)) return;
    if (d > Math.max(2, IOI_TOL * q)) {
      this.ioiLast = -1;
      return;
    }
    this.ioiPeriod = o - this.ioiLast;
    this.ioiLast = o;
    const bpm = (60 * this.hopRate) / this.ioiPeriod;
    this.holdState = Math.round(Math.log(bpm / MIN_BPM) / Math.log(GRID_STEP));
    this.restartBelief(this.holdState);
    this.setTempo(bpm);
    if (Math.abs(bpm - this.reported) / this.reported > REPORT_CHANGE) {
      this.reported = bpm;
      out.tempo = bpm;
    }
  }

  /** Restart the tempo filter's belief around state c. */
  private restartBelief(c: number): void {
    const belief = this.belief;
    let total = 0;
    for (let s = 0; s < belief.length; s++) {
      const d = (s - c) / 3;
      belief[s] = Math.exp(-0.5 * d * d) + 1e-6;
      total += belief[s]!;
    }
    for (let s = 0; s < belief.length; s++) belief[s] = belief[s]! / total;
  }

  /** Whether every strong onset strictly between hops a and o lies on a half-beat of period q
   * from a. */
  private halfBeatsAgree(a: number, o: number, q: number): boolean {
    const h = q / 2;
    const tol = Math.max(1.5, IOI_TOL * h);
    for (let i = Math.max(0, this.peakCount - IOI_PEAKS); i < this.peakCount; i++) {
      const t = this.peakHops[i % IOI_PEAKS]!;
      if (t <= a + 1 || t >= o - 1 || this.peakValues[i % IOI_PEAKS]! < IOI_STRONG * this.beatPeak) continue;
      const j = Math.round((t - a) / h);
      if (Math.abs(t - a - j * h) > tol) return false;
    }
    return true;
  }

  /** The recent onset (IOI_LOST of the usual peak) nearest hop h within `tol` hops, or -1. */
  private onsetNear(h: number, tol: number): number {
    let best = -1;
    for (let i = Math.max(0, this.peakCount - IOI_PEAKS); i < this.peakCount; i++) {
      const t = this.peakHops[i % IOI_PEAKS]!;
      if (Math.abs(t - h) <= tol && (best < 0 || Math.abs(t - h) < Math.abs(best - h))) best = t;
    }
    return best;
  }

  /** Largest detection-function value within ±3 hops of hop h. */
  private peakAround(h: number): number {
    const c = Math.round(h);
    let m = 0;
    for (let k = c - 3; k <= c + 3; k++) m = Math.max(m, this.odfAt(k));
    return m;
  }

  /** Whether the old grid's beats from one period after the anchor up to hop `upTo` (judged to
   * n - 3) had no onset above IOI_LOST of the usual peak within ±3 hops. */
  private oldBeatsLost(upTo: number, n: number): boolean {
    const p = this.period;
    const th = IOI_LOST * this.beatPeak;
    let any = false;
    for (let b = this.anchor + p; b <= Math.max(upTo, this.anchor + p) && b <= n - 3; b += p) {
      any = true;
      if (this.peakAround(b) >= th) return false;
    }
    return any;
  }

  /** Restart the tempo at period q (hops) with a beat on the onset at hop o. */
  private applyStep(n: number, o: number, q: number, out: BeatStep): void {
    const bpm = (60 * this.hopRate) / q;
    const c = Math.log(bpm / MIN_BPM) / Math.log(GRID_STEP);
    this.restartBelief(c);
    const span = Math.min(n, Math.round(n - this.anchor + 4));
    this.setTempo(bpm);
    this.reported = bpm;
    out.tempo = bpm;
    this.trendCount = 0;
    this.challenger = -1;
    this.challengerCount = 0;
    this.stepPersists.reset();
    this.longChallenger = -1;
    this.longCount = 0;
    this.ratioPersists.reset();
    this.phaseCandidate = -1;
    this.phaseCount = 0;
    this.changed = false;
    this.stepped = false;
    this.recomputeScore(n, span / this.hopRate);
    this.lastBeat = o;
    this.nextBeat = -1;
    this.predictAt = Math.max(n, Math.round(o + q / 2));
    // The onset itself is the first new beat when it is recent enough to be reported in time.
    if (n - o <= IOI_EMIT_HOPS && o - this.lastEmitted > IOI_EMIT_GAP * q) {
      out.beatHop = o;
      this.lastEmitted = o;
    }
    this.anchor = o;
    this.holdUntil = n + Math.round(IOI_HOLD_SECONDS * this.hopRate);
    this.holdState = Math.round(c);
    this.ioiLast = o;
    this.ioiPeriod = q;
  }

  /** Whether the beat due now has gone without an onset so far (nothing above HIT_RATIO of the
   * usual peak from 3 hops before its hop), on a track where nearly every beat has one. */
  private missing(n: number): boolean {
    if (this.beatPeak <= 0 || this.beatMiss > QUIET_MAX_MISS) return false;
    const th = HIT_RATIO * this.beatPeak;
    for (let h = n; h >= Math.floor(this.nextBeat) - this.leadHops - 3; h--)
      if (this.odfAt(h) >= th) return false;
    return true;
  }

  /** Update the rate of beats without an onset within ±4 hops of them (half a beat after the
   * last one). */
  private countMiss(): void {
    if (this.beatPeak <= 0 || this.lastBeat < 0) return;
    const b = Math.round(this.lastBeat);
    let m = 0;
    for (let h = b - 4; h <= b + 4; h++) m = Math.max(m, this.odfAt(h));
    this.beatMiss = 0.8 * this.beatMiss + (m >= HIT_RATIO * this.beatPeak ? 0 : 0.2);
  }

  /**
   * A predicted beat (a whole hop: the cumulative score is kept per hop) placed between hops: one
   * period after the detection-function peak (sub-hop, a parabola through its neighbours) of the
   * last beat, when that falls within a hop of it. Beats a period of 62.5 hops apart would
   * otherwise fall alternately on and half a hop off their onsets. Only the beat reported moves;
   * the tracker's own beats stay on hops.
   */
  private subHop(beat: number): number {
    if (!Number.isInteger(beat) || this.lastBeat < 0 || this.beatPeak <= 0) return beat;
    const b = Math.round(this.lastBeat);
    let m = -1;
    for (let h = b - 1; h <= b + 1; h++) if (m < 0 || this.odfAt(h) > this.odfAt(m)) m = h;
    const v = this.odfAt(m);
    const l = this.odfAt(m - 1);
    const r = this.odfAt(m + 1);
    if (v < IOI_LOST * this.beatPeak || v < l || v < r) return beat;
    const denom = l - 2 * v + r;
    const peak = m + (denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom)) : 0);
    const x = peak + this.period;
    return Math.abs(x - beat) <= 1 ? x : beat;
  }

  /** Hold a beat that has no onset yet up to WAIT_HOPS hops past its hop. */
  private waiting(n: number): boolean {
    return n - (Math.floor(this.nextBeat) - this.leadHops) < WAIT_HOPS && this.missing(n);
  }

  /**
   * Whether the music seems to have stopped: the detection function has not reached
   * SILENCE_RATIO of its usual per-beat peak for longer than SILENCE_BEATS periods and than
   * SILENCE_GAP times the longest such gap of the last SILENCE_HISTORY_SECONDS (a sparse pattern
   * or a double-time error is not silence). Updates the usual peak otherwise.
   */
  private silent(n: number): boolean {
    const limit = Math.min(n, this.capacity - 2, Math.round(SILENCE_HISTORY_SECONDS * this.hopRate));
    const span = Math.round(SILENCE_BEATS * this.period);
    const th = SILENCE_RATIO * this.beatPeak;
    let peak = 0;
    let last = -1;
    let prev = -1;
    let maxGap = 0;
    for (let h = n; h >= n - limit; h--) {
      const v = this.odfAt(h);
      if (n - h < span) peak = Math.max(peak, v);
      if (this.beatPeak > 0 && v >= th) {
        if (last < 0) last = h;
        else maxGap = Math.max(maxGap, prev - h);
        prev = h;
      }
    }
    if (this.beatPeak > 0) {
      const gap = last < 0 ? limit : n - last;
      if (gap > Math.max(span, SILENCE_GAP * maxGap)) return true;
    }
    this.beatPeak = this.beatPeak === 0 ? peak : 0.8 * this.beatPeak + 0.2 * peak;
    return false;
  }

  private setTempo(bpm: number): void {
    this.bpm = bpm;
    this.period = (60 * this.hopRate) / bpm;
    const p = this.period;
    this.weightLo = Math.max(1, Math.round(p / 2));
    this.weightHi = Math.min(this.weights.length - 1, Math.round(2 * p));
    for (let v = this.weightLo; v <= this.weightHi; v++) {
      const l = TIGHTNESS * Math.log(v / p);
      this.weights[v] = Math.exp(-0.5 * l * l);
    }
  }

  /**
   * After a tempo jump: recompute the cumulative score of the recent past with the new period
   * and re-derive the beat phase from it, so that beats re-lock at once.
   */
  private rescore(n: number): void {
    const span = this.recomputeScore(n, this.stepped ? STEP_RESCORE_SECONDS : RESCORE_SECONDS);
    this.stepped = false;
    let best = this.combPhase(n, span);
    // (on the bass line's phase of the two, when it marks one)
    const p = this.period;
    if (this.bassSide(n, Math.round(n - best) % Math.round(p)) < 0)
      best += best + p / 2 <= n ? p / 2 : -p / 2;
    if (this.nextBeat >= 0 || this.predictAt >= 0) {
      this.lastBeat = best;
      this.nextBeat = -1;
      this.predictAt = Math.max(n, Math.round(best + this.period / 2));
    }
  }

  /** Re-phase when another phase of the beat comb has clearly collected more for a while. */
  private checkPhase(n: number): void {
    const p = this.period;
    if (p === 0 || this.lastBeat < 0) return;
    const span = Math.min(n, Math.round(PHASE_CHECK_BEATS * p), this.capacity - 2);
    if (span < 3 * p) return;
    const periodHops = Math.round(p);
    const values = this.phaseValues;
    let best = 0;
    let bestValue = -Infinity;
    for (let phi = 0; phi < periodHops; phi++) {
      const v = this.combValue(n, phi, span);
      values[phi] = v;
      if (v > bestValue) {
        bestValue = v;
        best = phi;
      }
    }
    // Phase (hops back from n) of the beats the tracker is following.
    const ref = this.nextBeat >= 0 ? this.nextBeat : this.lastBeat;
    const cur = Math.round((((n - ref) % p) + p) % p) % periodHops;
    const d = Math.abs(best - cur);
    const dist = Math.min(d, periodHops - d);
    const curValue = this.combValue(n, cur, span);
    const half = Math.abs(dist / p - 0.5) < 0.1;
    let shift =
      dist >= PHASE_MIN_SHIFT * p && bestValue > (half ? PHASE_RATIO : PHASE_RATIO_OTHER) * curValue;
    // Without a kick drum, the bass notes mark the beats: a bass line clearly on one of the two
    // eighth-note phases decides between them (the comping's louder chords on the off-beats do not).
    const bassSide = this.bassSide(n, cur);
    const halfHops = Math.round(p / 2);
    if (bassSide < 0) {
      best = (cur + halfHops) % periodHops;
      shift = true;
    } else if (bassSide > 0 && shift && Math.abs(dist / p - 0.5) < 0.2) shift = false;
    if (!shift) {
      // The grid of beats and half-beats together (the eighth notes) a quarter of a beat off: a
      // breakbeat's syncopated kicks and snares, a sixteenth before the beat, outweigh the beats
      // but leave the half-beats empty. Then the beat is the larger of its two phases.
      let g = 0;
      let gValue = -Infinity;
      for (let phi = 0; phi < periodHops; phi++) {
        const v = values[phi]! + values[(phi + halfHops) % periodHops]!;
        if (v > gValue) {
          gValue = v;
          g = phi;
        }
      }
      const gCur = curValue + values[(cur + halfHops) % periodHops]!;
      const e = (((g - cur) % halfHops) + halfHops) % halfHops;
      if (Math.min(e, halfHops - e) >= GRID_MIN_SHIFT * p && gValue > GRID_RATIO * gCur) {
        const other = (g + halfHops) % periodHops;
        best = values[other]! > values[g]! ? other : g;
        shift = true;
      }
    }
    // (a grid shift lands on the bass line's phase of the two, when it marks one)
    if (shift && bassSide >= 0 && this.bassSide(n, best) < 0) best = (best + halfHops) % periodHops;
    if (shift) {
      // Same candidate as last time (in absolute hops, modulo the period)?
      const cd = (((n - best - this.phaseCandidate) % p) + p) % p;
      if (this.phaseCandidate >= 0 && Math.min(cd, p - cd) <= 2) this.phaseCount++;
      else this.phaseCount = 1;
      this.phaseCandidate = n - best;
      if (this.phaseCount >= PHASE_UPDATES) {
        this.phaseCandidate = -1;
        this.phaseCount = 0;
        this.lastBeat = n - best;
        this.nextBeat = -1;
        this.predictAt = Math.max(n, Math.round(this.lastBeat + p / 2));
        this.recomputeScore(n);
      }
    } else {
      this.phaseCandidate = -1;
      this.phaseCount = 0;
    }
  }

  /**
   * Which of the two eighth-note phases the bass line marks: -1 the other one (BASS_RATIO times
   * more than the current phase `cur`, hops back from n), 1 the current one (at least as much:
   * the louder off-beats may not move the beat there), 0 neither, or a kick drum plays: a band's
   * kick is often syncopated (the "and" of 2 and 3) and the snare's backbeat sets the beat, while
   * without drums the bass notes (a guitarist's thumb) mark the beats and the chords comp around.
   */
  private bassSide(n: number, cur: number): number {
    if (this.kick > KICK_LIKE) return 0;
    const p = this.period;
    const span = Math.min(n, this.history, this.capacity - 4);
    const a = this.bandComb(this.bassOdf, n, cur, span);
    const other = (cur + Math.round(p / 2)) % Math.round(p);
    const b = this.bandComb(this.bassOdf, n, other, span);
    // (bass notes, not the leakage of higher ones: BASS_MIN of the usual peak per beat)
    const min = (BASS_MIN * this.beatPeak * span) / p;
    if (b > BASS_RATIO * a && b > min) return -1;
    return a >= b && a > min ? 1 : 0;
  }

  /** Sum of `x` (max over ±2 hops) at the beats of phase `phi` (hops back from n) over `span`. */
  private bandComb(x: Float64Array, n: number, phi: number, span: number): number {
    const p = this.period;
    let v = 0;
    for (let k = 0; ; k++) {
      const h = Math.round(n - phi - k * p);
      if (h < n - span || h < 2) break;
      let m = 0;
      for (let d = -2; d <= 2 && h + d <= n; d++) m = Math.max(m, x[(h + d) % this.capacity]!);
      v += m;
    }
    return v;
  }

  /** Recompute the cumulative score of the recent past under the current period; returns the
   * span (hops). */
  private recomputeScore(n: number, seconds = RESCORE_SECONDS): number {
    const span = Math.min(n, Math.round(seconds * this.hopRate), this.capacity - 1);
    const first = n - span;
    for (let h = first; h <= n; h++) {
      const v = this.odfAt(h);
      this.score[h % this.capacity] =
        h - this.weightHi < first ? v : (1 - ALPHA) * this.accent(h) + ALPHA * this.pastMax(h);
    }
    return span;
  }

  /** Detection function collected by the beat comb at phase `phi` (hops back from n). */
  private combValue(n: number, phi: number, span: number): number {
    const p = this.period;
    let v = 0;
    for (let k = 0; ; k++) {
      const h = Math.round(n - phi - k * p);
      if (h < n - span || h < 1) break;
      v += Math.max(this.odfAt(h - 1), this.odfAt(h), this.odfAt(h + 1)) * Math.exp(-k / PHASE_CHECK_BEATS);
    }
    return v;
  }

  /**
   * The most recent beat hop under the current period: the phase whose comb of beat positions
   * over the last `span` hops collects the most detection function (recent beats weighted more).
   */
  private combPhase(n: number, span: number): number {
    const p = this.period;
    let best = n;
    let bestValue = -Infinity;
    for (let phi = 0; phi < Math.round(p); phi++) {
      let v = 0;
      for (let k = 0; ; k++) {
        const h = Math.round(n - phi - k * p);
        if (h < n - span || h < 1) break;
        const a = Math.max(this.odfAt(h - 1), this.odfAt(h), this.odfAt(h + 1));
        v += a * Math.exp(-k / PHASE_BEATS);
      }
      if (v > bestValue) {
        bestValue = v;
        best = n - phi;
      }
    }
    return best;
  }

  /** The beat accent at hop h: its detection function and HALF_WEIGHT of that half a beat earlier
   * (a beat is where the eighth-note grid lines up). */
  private accent(h: number): number {
    const hb = Math.round(this.period / 2);
    let m = 0;
    for (let d = -1; d <= 1; d++) m = Math.max(m, this.odfAt(h - hb + d));
    return this.odfAt(h) + HALF_WEIGHT * m;
  }

  /** max_v W(v)·CS(h - v) over the score already computed. */
  private pastMax(h: number): number {
    let best = 0;
    for (let v = this.weightLo; v <= this.weightHi; v++) {
      const s = this.weights[v]! * this.scoreAt(h - v);
      if (s > best) best = s;
    }
    return best;
  }

  /** Project the cumulative score forward from hop `n` (no new input) and pick the next beat. */
  private predictNext(n: number): void {
    const p = this.period;
    const span = Math.min(this.future.length - 1, Math.ceil(1.5 * p));
    const expected = this.lastBeat + p;
    const sigma = p / 4;
    let best = -1;
    let bestValue = -Infinity;
    for (let k = 1; k <= span; k++) {
      const h = n + k;
      let m = 0;
      for (let v = this.weightLo; v <= this.weightHi; v++) {
        const src = h - v;
        const s = src > n ? this.future[src - n]! : this.scoreAt(src);
        const w = this.weights[v]! * s;
        if (w > m) m = w;
      }
      const value = ALPHA * m;
      this.future[k] = value;
      const d = (h - expected) / sigma;
      const weighted = value * Math.exp(-0.5 * d * d);
      if (weighted > bestValue) {
        bestValue = weighted;
        best = h;
      }
    }
    // Keep beats at least half a period apart even if the projection is flat.
    if (best < 0 || best - this.lastBeat < 0.5 * p) best = Math.round(expected);
    this.nextBeat = Math.max(best, n + 1);
  }

  /** One tempo observation and filtering step; returns the filtered tempo (BPM). */
  private estimateTempo(): number {
    const n = this.hop;
    if (this.firstEstimate === Infinity) this.firstEstimate = n;
    // Short window first (change detection), then the long one (left in this.acf).
    const ms = Math.min(n + 1, this.shortHistory);
    this.observe(ms, n - ms + 1, SHORT_RECENCY_SECONDS * this.hopRate, this.windowAcfShort, 1);
    this.combInto(this.shortObs, ms);
    const mv = Math.min(n + 1, this.stepHistory);
    this.observe(mv, n - mv + 1, STEP_RECENCY_SECONDS * this.hopRate, this.windowAcfStep, 2);
    this.combInto(this.stepObs, mv);
    const m = Math.min(n + 1, this.history);
    this.observe(m, n - m + 1, RECENCY_SECONDS * this.hopRate, this.windowAcf, 0);
    const bpm = this.filterTempo(m);
    return bpm > 0 ? this.followTrend(bpm) : bpm;
  }

  /**
   * Ramps: the observation lags a changing tempo (its window reaches seconds back). The slope of
   * the log tempo over the last TREND_UPDATES updates (least squares) extrapolated TREND_LEAD
   * seconds ahead, when it is steady enough to be a ramp, not noise. Restarts clear it.
   */
  private followTrend(bpm: number): number {
    const t = this.trend;
    if (this.changed) this.trendCount = 0;
    t[this.trendCount % t.length] = Math.log(bpm);
    this.trendCount++;
    const k = Math.min(this.trendCount, t.length);
    if (k < TREND_MIN_UPDATES) return bpm;
    // Least-squares slope over x = 0..k-1 (oldest first).
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < k; i++) {
      const y = t[(this.trendCount - k + i) % t.length]! - t[(this.trendCount - 1) % t.length]!;
      sx += i;
      sy += y;
      sxx += i * i;
      sxy += i * y;
      syy += y * y;
    }
    const vx = k * sxx - sx * sx;
    const vy = k * syy - sy * sy;
    const cxy = k * sxy - sx * sy;
    const slope = cxy / vx; // per update
    const perSecond = slope / UPDATE_SECONDS;
    // Steady: the line explains most of the variation (r² = cxy² / (vx·vy)).
    if (Math.abs(perSecond) < TREND_MIN_SLOPE || cxy * cxy < TREND_MIN_R2 * vx * vy) return bpm;
    const lead = Math.max(-TREND_MAX, Math.min(TREND_MAX, perSecond * TREND_LEAD));
    return bpm * Math.exp(lead);
  }

  /** Normalised autocorrelation of the detection function over `m` hops from `start` into this.acf. */
  private observe(m: number, start: number, recency: number, wx: Float64Array, slot: number): void {
    // The short windows (slots 1 and 2) fit a smaller transform (zero padding to twice the window
    // keeps the autocorrelation linear).
    const small = slot > 0;
    const x = small ? this.xSmall : this.x;
    const size = small ? this.smallSize : this.fftSize;
    // Autocorrelation of the weighting window itself, to normalise the lags (unbiased estimate).
    if (this.windowAcfFor[slot] !== m) {
      x.fill(0);
      for (let i = 0; i < m; i++) x[i] = Math.exp(-(m - 1 - i) / (2 * recency));
      this.autocorrelate(wx, small);
      this.windowAcfFor[slot] = m;
    }
    this.fillInput(x, m, start, recency);
    this.autocorrelate(this.acf, small);
    const maxLag = Math.min(m - 1, size / 2);
    for (let l = 0; l <= maxLag; l++) {
      const norm = wx[2 * l]!;
      this.acf[2 * l] = norm > 1e-9 ? this.acf[2 * l]! / norm : 0;
    }
    for (let l = maxLag + 1; l <= this.fftSize / 2; l++) this.acf[2 * l] = 0;
  }

  /** Comb over multiples of each candidate period of this.acf (prior-weighted) into `out`. */
  private combInto(out: Float64Array, m: number): void {
    const acf0 = this.acf[0]!;
    const states = this.grid.length;
    for (let s = 0; s < states; s++) {
      if (!(acf0 > 1e-9)) {
        out[s] = 0;
        continue;
      }
      const period = (60 * this.hopRate) / this.grid[s]!;
      let sum = 0;
      for (let a = 1; a <= 4; a++) {
        const spread = a - 1;
        if (a * period + spread >= 0.6 * m) break;
        let part = 0;
        for (let b = -spread; b <= spread; b++) part += this.acfAt(a * period + b);
        sum += part / (2 * a - 1);
      }
      // A level whose own beats carry little (beats every other click) is a double-time error.
      const own = Math.max(0, this.acfAt(period));
      const slower = Math.max(own, this.acfAt(2 * period + 0.5 > 0.6 * m ? period : 2 * period), 1e-12);
      out[s] = Math.max(0, sum / acf0) * this.prior[s]! * (own / slower) ** LEVEL_POWER;
    }
  }

  /** The detection function of the last `m` hops: local mean removed (±8 hops), half-wave
   * rectified, recent past weighted more. */
  private fillInput(x: Float64Array, m: number, start: number, recency: number): void {
    x.fill(0);
    const w = 8;
    let run = 0;
    let count = 0;
    for (let i = -w; i <= w; i++) {
      if (i >= 0 && i < m) {
        run += this.odfAt(start + i);
        count++;
      }
    }
    for (let i = 0; i < m; i++) {
      const v = this.odfAt(start + i) - run / Math.max(1, count);
      x[i] = v > 0 ? v * Math.exp(-(m - 1 - i) / (2 * recency)) : 0;
      const add = i + w + 1;
      const drop = i - w;
      if (add < m) {
        run += this.odfAt(start + add);
        count++;
      }
      if (drop >= 0) {
        run -= this.odfAt(start + drop);
        count--;
      }
    }
  }

  /** Autocorrelation of `this.x` (or `this.xSmall`, zero-padded) into `out` (real parts at even
   * indices). */
  private autocorrelate(out: Float64Array, small: boolean): void {
    const size = small ? this.smallSize : this.fftSize;
    const spec = small ? this.specSmall : this.spec;
    const fft = small ? this.fftSmall : this.fft;
    fft.realTransform(spec, small ? this.xSmall : this.x);
    for (let k = 0; k <= size / 2; k++) {
      const re = spec[2 * k]!;
      const im = spec[2 * k + 1]!;
      spec[2 * k] = re * re + im * im;
      spec[2 * k + 1] = 0;
      if (k > 0 && k < size / 2) {
        spec[2 * (size - k)] = re * re + im * im;
        spec[2 * (size - k) + 1] = 0;
      }
    }
    fft.inverseTransform(out, spec);
  }

  /** Comb-filter the normalised autocorrelation and run one step of the tempo filter. */
  private filterTempo(m: number): number {
    const acf0 = this.acf[0]!;
    if (!(acf0 > 1e-9)) return this.bpm;

    const states = this.grid.length;
    const obs = this.next;
    this.combInto(this.raw, m);
    let obsSum = 0;
    for (let s = 0; s < states; s++) {
      const o = this.raw[s]!;
      obs[s] = o;
      obsSum += o;
    }
    if (!(obsSum > 0)) return this.bpm;
    for (let i = 0; i < this.damped.length; i++) {
      const d = this.damped[i]!;
      if (d < 0) continue;
      for (let k = Math.max(0, d - 3); k <= Math.min(states - 1, d + 3); k++) {
        obsSum -= obs[k]! * (1 - RATIO_DAMP);
        obs[k] = obs[k]! * RATIO_DAMP;
      }
    }

    // A uniform pulse: the octave below is not the beat (see LEVEL_UNIFORM).
    if (this.period > 0 && this.lastBeat >= 0 && this.kick > KICK_LIKE) {
      const below = this.peakNear(this.bpm / 2);
      if (below >= 0 && this.halfShare(2 * this.period) >= LEVEL_UNIFORM) {
        for (let k = Math.max(0, below - 3); k <= Math.min(states - 1, below + 3); k++) {
          obsSum -= obs[k]! * (1 - RATIO_DAMP);
          obs[k] = obs[k]! * RATIO_DAMP;
        }
      }
    }
    obsSum = this.favourEvenPulse(obs, obsSum);
    // After a re-anchoring the windows still hold mostly the old tempo: only refine near the new one.
    if (this.hop < this.holdUntil) {
      for (let s = 0; s < states; s++) {
        if (Math.abs(s - this.holdState) <= HOLD_STATES) continue;
        obsSum -= obs[s]! * (1 - HOLD_FLOOR);
        obs[s] = obs[s]! * HOLD_FLOOR;
      }
    }
    // Predict (Gaussian transition + uniform floor), then update with the observation.
    const belief = this.belief;
    const kernel = this.kernel;
    const half = (kernel.length - 1) / 2;
    let total = 0;
    for (let s = 0; s < states; s++) {
      let acc = 0;
      let norm = 0;
      for (let k = -half; k <= half; k++) {
        const j = s + k;
        if (j < 0 || j >= states) continue;
        acc += kernel[k + half]! * belief[j]!;
        norm += kernel[k + half]!;
      }
      const predicted = (1 - TRANSITION_FLOOR) * (acc / norm) + TRANSITION_FLOOR / states;
      const v = predicted * (obs[s]! / obsSum);
      obs[s] = v;
      total += v;
    }
    let best = 0;
    for (let s = 0; s < states; s++) {
      belief[s] = obs[s]! / total;
      if (belief[s]! > belief[best]!) best = s;
    }
    // A challenger (a tempo step): the short-window observation has clearly preferred another
    // tempo, 6-60% away and not at an octave, for a few updates. Restart the filter there.
    const so = this.shortObs;
    const held = this.hop < this.holdUntil;
    let sBest = 0;
    for (let s = 0; s < states; s++) if (so[s]! > so[sBest]!) sBest = s;
    if (held || !(so[sBest]! > CHALLENGER_RATIO * this.bestNear(so, best) && this.plausibleStep(sBest, best)))
      sBest = -1;
    else if (!this.pulseAgrees(sBest, best) || !this.covers(sBest, best) || !this.pulseHolds(sBest, best))
      sBest = -1;
    if (sBest >= 0) {
      if (this.challenger >= 0 && Math.abs(this.challenger - sBest) <= 3) this.challengerCount++;
      else {
        this.challenger = sBest;
        this.challengerCount = 1;
      }
      if (this.challengerCount >= CHALLENGER_UPDATES) {
        this.restartBelief(sBest);
        best = sBest;
        this.challenger = -1;
        this.challengerCount = 0;
        this.changed = true;
      }
    } else {
      this.challenger = -1;
      this.challengerCount = 0;
    }
    if (!held) best = this.checkStep(best);
    // The long-window observation alone has clearly preferred another tempo (an octave
    // included: an early wrong level), and the short one agrees, for a while: restart from it.
    let rBest = 0;
    for (let s = 0; s < states; s++) if (this.raw[s]! > this.raw[rBest]!) rBest = s;
    if (
      !held &&
      Math.abs(rBest - best) > 4 &&
      !this.evenSlower(rBest) &&
      this.raw[rBest]! > LONG_CHALLENGER_RATIO * this.raw[best]! &&
      (this.hop < this.firstEstimate + EARLY_LEVEL_SECONDS * this.hopRate ||
        (this.bestNear(so, rBest) > this.bestNear(so, best) &&
          !isOctave(this.grid[rBest]! / this.grid[best]!))) &&
      this.pulseAgrees(rBest, best) &&
      this.levelAgrees(rBest, best) &&
      this.covers(rBest, best)
    ) {
      if (this.longChallenger >= 0 && Math.abs(this.longChallenger - rBest) <= 2) this.longCount++;
      else {
        this.longChallenger = rBest;
        this.longCount = 1;
      }
      if (this.longCount >= LONG_CHALLENGER_UPDATES) {
        total = 0;
        for (let s = 0; s < states; s++) total += this.raw[s]!;
        for (let s = 0; s < states; s++) belief[s] = this.raw[s]! / total;
        best = rBest;
        this.longChallenger = -1;
        this.longCount = 0;
        this.changed = true;
      }
    } else {
      this.longChallenger = -1;
      this.longCount = 0;
    }
    if (!held) best = this.checkRatios(best);
    if (!held) best = this.checkThirds(best);
    // Refine within the grid step by a parabola through the neighbouring beliefs.
    const l = belief[best - 1] ?? 0;
    const c = belief[best]!;
    const r = belief[best + 1] ?? 0;
    const denom = l - 2 * c + r;
    const off = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom)) : 0;
    return MIN_BPM * GRID_STEP ** (best + off);
  }

  /**
   * A 3:2 or 4:3 metrical error (a comb over the autocorrelation can prefer the dotted-eighth
   * grid of a busy pattern): compare the onset mass that the beats of the current tempo and of
   * the tempi 2/3, 3/4, 4/3 and 3/2 of it collect at their best phase; one that collects clearly
   * more for RATIO_UPDATES updates in a row replaces the current tempo. Returns the state.
   */
  private checkRatios(best: number): number {
    const b = this.grid[best]!;
    const cur = this.pulseSalience(b);
    let cand = -1;
    let candValue = RATIO_MARGIN * cur;
    for (let i = 0; i < RATIOS.length; i++) {
      const s = this.peakNear(b * RATIOS[i]!);
      this.damped[i] = -1;
      if (s < 0 || this.raw[s]! < RATIO_MIN_OBS * this.raw[best]!) continue;
      const v = this.pulseSalience(this.grid[s]!);
      // Clearly weaker: damp it in the next observations, so that the filter does not drift there.
      if (v * RATIO_MARGIN < cur) this.damped[i] = s;
      if (v > candValue) {
        candValue = v;
        cand = s;
      }
    }
    if (cand < 0) {
      this.ratioPersists.reset();
      return best;
    }
    if (!this.ratioPersists.confirm(cand)) return best;
    this.restartBelief(cand);
    this.changed = true;
    return cand;
  }

  /**
   * A 2:3 or 3:2 metrical error (see THIRD_MARGIN): the relative, supported by the observation,
   * whose beats and half-beats the recent onsets fill clearly more for RATIO_UPDATES updates in a
   * row replaces the current tempo. Returns the state.
   */
  private checkThirds(best: number): number {
    const b = this.grid[best]!;
    let cand = -1;
    let candValue = THIRD_MARGIN * this.coverage((60 * this.hopRate) / b);
    for (const r of [2 / 3, 3 / 2]) {
      const s = this.peakNear(b * r);
      if (s < 0 || this.raw[s]! < RATIO_MIN_OBS * this.raw[best]!) continue;
      const v = this.coverage((60 * this.hopRate) / this.grid[s]!);
      if (v > candValue) {
        candValue = v;
        cand = s;
      }
    }
    if (cand < 0) {
      this.thirdPersists.reset();
      return best;
    }
    if (!this.thirdPersists.confirm(cand)) return best;
    this.restartBelief(cand);
    this.changed = true;
    return cand;
  }

  /** The fast step detector (see STEP_HISTORY_SECONDS); returns the (possibly new) state. */
  private checkStep(best: number): number {
    const vo = this.stepObs;
    let c = 0;
    for (let s = 0; s < vo.length; s++) if (vo[s]! > vo[c]!) c = s;
    const ok =
      this.plausibleStep(c, best) &&
      Math.abs(Math.log(this.grid[c]! / this.grid[best]!)) < LOST_MAX_STEP &&
      vo[c]! > STEP_RATIO * this.bestNear(vo, best) &&
      (this.pulseSalience(this.grid[c]!, STEP_PULSE_BEATS) >
        STEP_PULSE_MARGIN * this.pulseSalience(this.grid[best]!, STEP_PULSE_BEATS) ||
        this.pulseSalience(this.grid[c]!, LOST_BEATS) > LOST_MARGIN * this.trackedSalience(LOST_BEATS));
    if (!ok || !this.covers(c, best)) {
      this.stepPersists.reset();
      return best;
    }
    if (!this.stepPersists.confirm(c)) return best;
    this.restartBelief(c);
    this.changed = true;
    this.stepped = true;
    return c;
  }

  /** Mean detection-function peak (±3 hops) at the last `beats` beats the tracker emitted (or at
   * the half-beats before them, when larger, while the bass line may choose the phase: the beats
   * on the bass notes, the louder chords in between have not been lost). */
  private trackedSalience(beats: number): number {
    if (this.lastBeat < 0 || this.period === 0) return 0;
    const halves = this.kick <= KICK_LIKE ? 1 : 0;
    let v = 0;
    for (let k = 0; k < beats; k++) {
      let a = 0;
      for (let j = 0; j <= halves; j++) {
        const h = Math.round(this.lastBeat - (k + j / 2) * this.period);
        for (let d = -3; d <= 3; d++) a = Math.max(a, this.odfAt(h + d));
      }
      v += a;
    }
    return v / beats;
  }

  /** Whether the recent strong onsets fall on the beats and half-beats of state `to` at least as
   * much as on those of state `from` (see COVER_SECONDS); octaves pass. */
  private covers(to: number, from: number): boolean {
    if (isOctave(this.grid[to]! / this.grid[from]!)) return true;
    const a = this.coverage((60 * this.hopRate) / this.grid[to]!);
    const b = this.coverage((60 * this.hopRate) / this.grid[from]!);
    return a >= b;
  }

  /** Share of the strong onsets of the last COVER_SECONDS (weighted by strength) within
   * COVER_TOL of a half-beat of period `q` hops, at the phase of the onset where it is largest. */
  private coverage(q: number): number {
    const h = q / 2;
    const tol = Math.max(2, COVER_TOL * h);
    const from = this.hop - COVER_SECONDS * this.hopRate;
    const first = Math.max(0, this.peakCount - IOI_PEAKS);
    let total = 0;
    let best = 0;
    for (let i = first; i < this.peakCount; i++) {
      const ti = this.peakHops[i % IOI_PEAKS]!;
      if (ti < from) continue;
      total += this.peakValues[i % IOI_PEAKS]!;
      let v = 0;
      for (let j = first; j < this.peakCount; j++) {
        const tj = this.peakHops[j % IOI_PEAKS]!;
        if (tj < from) continue;
        const x = (tj - ti) / h;
        if (Math.abs(x - Math.round(x)) * h <= tol) v += this.peakValues[j % IOI_PEAKS]!;
      }
      if (v > best) best = v;
    }
    return total > 0 ? best / total : 0;
  }

  /** Whether state `s` is a plausible tempo step from state `best` (6-60 % away, no octave). */
  private plausibleStep(s: number, best: number): boolean {
    const ratio = this.grid[s]! / this.grid[best]!;
    const far = Math.abs(Math.log(ratio));
    return far > CHALLENGER_MIN && far < CHALLENGER_MAX && !isOctave(ratio);
  }

  /** False when state `to` is a 3:2 or 4:3 relative of state `from` whose beats collect less
   * onset mass (a challenger must not bring back a metrical error the ratio check removed). */
  private pulseAgrees(to: number, from: number): boolean {
    const r = this.grid[to]! / this.grid[from]!;
    let related = false;
    for (let i = 0; i < RATIOS.length; i++) if (Math.abs(Math.log(r / RATIOS[i]!)) < 0.04) related = true;
    return !related || this.pulseSalience(this.grid[to]!) > this.pulseSalience(this.grid[from]!);
  }

  /**
   * A challenger to a nearby tempo (within LOST_MAX_STEP) must be borne out by the pulse: its beats
   * collect at least the onset mass of the current tempo's (at their best phases). A short window
   * spanning a rest of the player, or a few loud syncopated chords, may prefer a tempo 5-15 % off
   * whose beats miss the onsets; a real step moves the onsets onto the new beats.
   */
  private pulseHolds(to: number, from: number): boolean {
    if (Math.abs(Math.log(this.grid[to]! / this.grid[from]!)) >= LOST_MAX_STEP) return true;
    return this.pulseSalience(this.grid[to]!) >= this.pulseSalience(this.grid[from]!);
  }

  /**
   * An early octave correction must be borne out by the onsets: halving only when the beats of
   * the slower level collect clearly more than the current ones (the dropped beats were weak),
   * doubling only when the faster level's beats collect nearly as much (the added ones are real).
   */
  private levelAgrees(to: number, from: number): boolean {
    const r = this.grid[to]! / this.grid[from]!;
    if (!isOctave(r)) return true;
    const a = this.pulseSalience(this.grid[to]!);
    const b = this.pulseSalience(this.grid[from]!);
    return r < 1 ? a > LEVEL_PULSE_MARGIN * b : a * LEVEL_PULSE_MARGIN > b;
  }

  /** The state of the largest local maximum of the long-window observation within 4 % of `bpm`,
   * or -1. */
  private peakNear(bpm: number): number {
    const raw = this.raw;
    const lo = Math.max(1, Math.ceil(Math.log((bpm * 0.96) / MIN_BPM) / Math.log(GRID_STEP)));
    const hi = Math.min(raw.length - 2, Math.floor(Math.log((bpm * 1.04) / MIN_BPM) / Math.log(GRID_STEP)));
    let best = -1;
    for (let s = lo; s <= hi; s++) {
      if (raw[s]! >= raw[s - 1]! && raw[s]! >= raw[s + 1]! && (best < 0 || raw[s]! > raw[best]!)) best = s;
    }
    return best;
  }

  /** Weighted mean of the detection-function peaks (±2 hops) at the beats of `bpm` over the
   * last RATIO_SECONDS, at the phase where it is largest. */
  private pulseSalience(bpm: number, beats = RATIO_BEATS): number {
    const n = this.hop;
    const p = (60 * this.hopRate) / bpm;
    const span = Math.min(n - 2, this.capacity - 3);
    let best = 0;
    for (let phi = 0; phi < Math.round(p); phi++) {
      let v = 0;
      let w = 0;
      for (let k = 0; k < beats; k++) {
        const h = Math.round(n - phi - k * p);
        if (h < n - span) break;
        let a = 0;
        for (let d = -2; d <= 2; d++) a = Math.max(a, this.odfAt(h + d));
        v += a;
        w++;
      }
      if (w > 0 && v / w > best) best = v / w;
    }
    return best;
  }

  /** Mean detection-function peak (±3 hops) at the half-beats over that at the beats of a grid of
   * period `p` hops through the tracker's last beat, over its last RATIO_BEATS beats (0: none). */
  private halfShare(p: number): number {
    let on = 0;
    let off = 0;
    for (let k = 0; k < RATIO_BEATS; k++) {
      const b = this.lastBeat - k * p;
      if (b - p / 2 - 4 <= this.hop - this.capacity || b - p / 2 < 4) break;
      on += this.peakAround(b);
      off += this.peakAround(b - p / 2);
    }
    return on > 0 ? off / on : 0;
  }

  /**
   * A uniform pulse (see LEVEL_EVEN): at the current tempo, its beats and half-beats (the candidate
   * faster beats) or, at the faster level, its own beats. The slower tempi, from the octave below
   * the faster level to LEVEL_SLOWER of it (2:3 included), are scaled down in the observation to
   * LEVEL_CAP of the faster level's. Sets this.evenFast and this.evenSlow (the lowest state
   * scaled). Returns the new sum of `obs`.
   */
  private favourEvenPulse(obs: Float64Array, obsSum: number): number {
    let fast = -1;
    if (this.period > 0 && this.lastBeat >= 0 && this.kick > KICK_LIKE) {
      if (2 * this.bpm <= MAX_BPM && this.evenPulse(this.period / 2)) fast = this.peakNear(2 * this.bpm);
      else if (this.evenPulse(this.period)) fast = this.peakNear(this.bpm);
    }
    this.evenFast = fast;
    if (fast < 0) {
      this.evenSlow = -1;
      return obsSum;
    }
    this.evenSlow = Math.max(0, Math.round(fast - Math.log(2) / Math.log(GRID_STEP)) - 3);
    const hi = this.evenSlowest();
    let top = 0;
    for (let k = this.evenSlow; k <= hi; k++) top = Math.max(top, obs[k]!);
    const f = (LEVEL_CAP * obs[fast]!) / Math.max(top, 1e-12);
    if (f >= 1) return obsSum;
    for (let k = this.evenSlow; k <= hi; k++) {
      obsSum -= obs[k]! * (1 - f);
      obs[k] = obs[k]! * f;
    }
    return obsSum;
  }

  /** The fastest of the slower tempi of the uniform pulse (LEVEL_SLOWER of this.evenFast). */
  private evenSlowest(): number {
    return Math.round(this.evenFast + Math.log(LEVEL_SLOWER) / Math.log(GRID_STEP));
  }

  /** Whether state `s` is one of the slower tempi of the uniform pulse this update. */
  private evenSlower(s: number): boolean {
    return this.evenFast >= 0 && s >= this.evenSlow && s <= this.evenSlowest();
  }

  /** Whether the grid of period `q` hops through the tracker's last beat, over its last
   * 2·RATIO_BEATS points, is a uniform pulse: every detection-function peak (±3 hops) on it but
   * the weakest (a dropped hit) at least LEVEL_SAME of the largest, or LEVEL_EVEN of it while every
   * other point carries a kick's bass and the points in between do not (LEVEL_SPLIT): kicks and
   * snares, not an accent. */
  private evenPulse(q: number): boolean {
    let high = 0;
    let lowest = Infinity;
    let low = Infinity;
    let n = 0;
    let fullA = 0;
    let fullB = 0;
    let bassA = 0;
    let bassB = 0;
    for (let k = 0; k < 2 * RATIO_BEATS; k++) {
      const h = Math.round(this.lastBeat - k * q);
      if (h - 4 <= this.hop - this.capacity || h < 4) break;
      let v = 0;
      let b = 0;
      for (let d = h - 3; d <= Math.min(h + 3, this.hop); d++) {
        v = Math.max(v, this.odf[d % this.capacity]!);
        b = Math.max(b, this.bassOdf[d % this.capacity]!);
      }
      high = Math.max(high, v);
      if (v < lowest) {
        low = lowest;
        lowest = v;
      } else low = Math.min(low, v);
      if (k % 2 === 0) {
        fullA += v;
        bassA += b;
      } else {
        fullB += v;
        bassB += b;
      }
      n++;
    }
    if (n < 2 * RATIO_BEATS || !(high > 0) || low < LEVEL_EVEN * high) return false;
    if (low >= LEVEL_SAME * high) return true;
    const a = bassA / Math.max(fullA, 1e-12);
    const b = bassB / Math.max(fullB, 1e-12);
    return Math.max(a, b) > LEVEL_SPLIT * Math.min(a, b) + LEVEL_BASS;
  }

  /** Largest value of `o` within ±2 states of `s`. */
  private bestNear(o: Float64Array, s: number): number {
    let v = 0;
    for (let k = Math.max(0, s - 2); k <= Math.min(o.length - 1, s + 2); k++) v = Math.max(v, o[k]!);
    return v;
  }

  private acfAt(lag: number): number {
    const i = Math.floor(lag);
    const f = lag - i;
    return (1 - f) * this.acf[2 * i]! + f * this.acf[2 * i + 2]!;
  }
}
