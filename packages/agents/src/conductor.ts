/**
 * The conductor: owns the tempo map (beats <-> frames) of a performance, follows the
 * performer's detected beats, and hands out the windows of beats the agents are asked for.
 * Stateful and deterministic; every method runs on the pipeline thread.
 *
 * Modes: `click` keeps the set tempo; `adaptive` follows a steady performer as below; `free`
 * follows every beat (no steadiness needed), takes each new interval as the tempo at once and
 * closes the phase within a beat (rubato).
 *
 * Count-in: bar 1 falls at `startFrame`; with `countInBars`, windows start that many bars
 * before it (the count-in plays there; agents are asked from beat 0).
 *
 * The form: a `FormPlan` maps performance beats to the chart's beats, so the performer can
 * repeat a section or jump to another (`command`); windows are cut into the chart's beats for
 * the agents (`songWindows`).
 *
 * Following (adaptive mode), on each detected beat:
 * 0. Only a steady performer is followed: the last `STEADY_INTERVALS` intervals between the
 *    tracker's beats must each be a whole number of its beat periods, within `STEADY_TOLERANCE`.
 *    Unsteady beats (a legato singer, a tracker still searching) leave the band as it is: it
 *    keeps its tempo and phase rather than wander after a beat it cannot trust.
 * 1. The beat is placed on the band's grid: n = the nearest integer beat to where the band was
 *    at `ev.frame`; the phase error is n − (band beat at ev.frame). Beats more than
 *    `OUTLIER_BEATS` off the grid are ignored (after `RELOCK_AFTER` in a row, one is accepted).
 *    While the chain of accepted beats is unbroken, beats are counted instead (each interval in
 *    the period it fits): after a tempo change the band may be far behind or ahead, and the
 *    nearest beat would be the wrong one. When the chain broke and steady beats show a new tempo
 *    (beyond `JUMP`: the tracker jumped to it), they are counted at the new tempo from a beat
 *    accepted at least `RECOUNT_SECONDS` earlier (before the change).
 * 2. The performer's period (frames per band beat) is measured from the inter-beat interval
 *    (divided by the beats between, so a missed beat counts as two); before there is an
 *    interval, from `ev.bpm` mapped to the metrical level (×½, ×1, ×2) nearest the current tempo.
 *    Measurements outside ±`MAX_TEMPO_RATIO` of the current tempo are ignored. The median of the
 *    last three becomes the tempo, or at once the newest interval when the tracker's bpm agrees
 *    with it (within `AGREE`): a change confirmed by both. It is jumped to when it differs by more
 *    than `JUMP`, else smoothed by `SMOOTH` (steady input gives a steady tempo; a real change is
 *    taken within one or two beats; neither a median nor the confirmation overshoots). While the
 *    newest interval is steady (within `JUMP`), the measurement is the period of the line fitted
 *    through the last `FIT_BEATS` beats since the last jump instead (the tracker's jitter averages
 *    out).
 * 3. The performer's position is predicted at `now`; the band's rate from `now` closes the
 *    difference over `CATCH_UP_BEATS` beats (the extra rate capped at ±`MAX_NUDGE`), or within a
 *    beat when it exceeds `FAR_BEATS` (capped at ±`MAX_NUDGE_FAR`: after a change), then runs at
 *    the performer's tempo. On a steady tempo the performer's position is taken from the fitted
 *    line, and a gap within `JITTER_SECONDS` is closed by `STEADY_GAIN` of it per beat. The past is never rewritten (`TempoMap.withRateFrom`).
 */
import type {
  Beats,
  BeatEvent,
  ConductorUpdate,
  FormCommand,
  SampleFrame,
  Settings,
} from "@performia/protocol";
import { beats, beatsToBarBeat, bpmFromFramesPerBeat, framesPerBeat, TempoMap } from "@performia/protocol";
import type { Bpm } from "@performia/protocol";
import type { BeatWindow } from "./agent.js";
import { FormPlan, type SongWindow } from "./form.js";
import type { CompiledSong } from "./song.js";

/** A detected beat further than this (in beats) from the band's grid is an outlier. */
export const OUTLIER_BEATS = 0.3;
/** After this many outliers in a row, the next beat is accepted anyway (the performer moved). */
export const RELOCK_AFTER = 4;
/** Tempo measurements beyond this ratio of the current tempo (either way) are ignored. */
export const MAX_TEMPO_RATIO = 1.35;
/** The phase error is closed over this many beats. */
export const CATCH_UP_BEATS = 2;
/** The band's rate may exceed the performer's tempo by at most this fraction while catching up. */
export const MAX_NUDGE = 0.08;
/** When the band is more than `FAR_BEATS` off (after a tempo change), it may catch up this much faster. */
export const MAX_NUDGE_FAR = 0.2;
/** A phase gap beyond this (beats) is closed within a beat, at up to `MAX_NUDGE_FAR`. */
export const FAR_BEATS = 0.05;
/** A tempo measurement this far (as a fraction) from the current tempo is taken at once. */
export const JUMP = 0.03;
/** Otherwise the tempo moves this fraction of the way to the measurement per beat. */
export const SMOOTH = 0.35;
/** The tracker's bpm and the newest interval confirm each other when this close (fraction). */
export const AGREE = 0.03;
/** Intervals between the tracker's beats that must be steady before the band follows. */
export const STEADY_INTERVALS = 2;
/** How far (fraction of a period) an interval may be from a whole number of periods and be steady. */
export const STEADY_TOLERANCE = 0.08;
/**
 * The tracker's tempo is trusted for steadiness and counting only within this fraction of the
 * band's tempo: a change of up to ±20 % is a performer's; a tracker on the wrong metrical level
 * (4:3 is 33 % faster, 3:4 is 25 % slower) would make the band count beats never played.
 */
export const TRUST_TEMPO_RATIO = 0.22;
/**
 * On a steady tempo the performer's beat and period are a straight line fitted through the last
 * this many accepted beats (since the last jump of tempo): one beat's detection jitter (a hop of
 * the tracker, ±5 ms) moves the band a fraction as much, and a jitter that alternates beat to beat
 * (beats falling on and between the tracker's hops) cancels. (8 beats smooth more, but lag a
 * performer who pushes the tempo: on the blues-drums example's +8 % ramp the band was 12 ms
 * late in the median instead of 7.)
 */
export const FIT_BEATS = 4;
/**
 * A phase gap within this (seconds) may be the detection's jitter rather than a move of the
 * performer's: the band closes `STEADY_GAIN` of it at each beat (a larger one, all of it).
 */
export const JITTER_SECONDS = 0.008;
/** The share of a small phase gap closed at each beat. */
export const STEADY_GAIN = 0.35;
/** After a tempo change, beats are counted from an accepted beat at least this long ago. */
export const RECOUNT_SECONDS = 2.5;
/** Accepted beats remembered for counting. */
const ACCEPTED_KEPT = 16;
/** Tempo map segments older than this many seconds are forgotten. */
const KEEP_SECONDS = 8;

export interface ConductorOptions {
  song: CompiledSong;
  sampleRate: number;
  settings: Settings;
}

export interface Position {
  beat: Beats;
  section: string;
  /** 1-based bar of the chart being played (0 or less during the count-in). */
  bar: number;
  /** 1-based bar of the performance (counts repeated and jumped-to bars again). */
  performanceBar: number;
  /** 1-based beat in the bar. */
  beatInBar: number;
  /** The conductor's tempo (the performer's, in follow mode), without the phase nudge. */
  bpm: number;
}

/**
 * @example
 * const c = new Conductor({ song, sampleRate: 48000, settings: Settings.parse({ sampleRate: 48000, seed: 1, followMode: "click" }) });
 * c.nextWindow(frames(0), 128) // => { from: 0, to: 1.00444… } at 100 BPM with a lookahead of 1 beat
 * c.tempoMap.frameAtBeat(beats(1)) // => 28800 at 100 BPM
 */
export class Conductor {
  private readonly song: CompiledSong;
  private readonly sampleRate: number;
  private settings: Settings;
  private map: TempoMap;
  /** The performer's (or the click's) period, in frames per beat. */
  private period: number;
  /** The form as performed (repeats and jumps on command). */
  private readonly plan: FormPlan;
  /** The beat up to which windows have been handed out (negative: the count-in). */
  private horizon: number;
  private lastBeatFrame: number | null = null;
  private lastBeatIndex = 0;
  /** Recent period measurements (at most 3), for the median. */
  private readonly periods: number[] = [];
  private outliersInRow = 0;
  private lastPhaseError: number | null = null;
  /** The tracker's latest beat frames (newest last), for steadiness. */
  private readonly raw: number[] = [];
  /** Beats the band accepted: frame and band beat index (newest last). */
  private readonly accepted: { frame: number; index: number }[] = [];
  /** Accepted beats from this frame on are at the current tempo (the last jump): they are fitted. */
  private fitFrom = 0;

  constructor(opts: ConductorOptions) {
    this.song = opts.song;
    this.sampleRate = opts.sampleRate;
    this.settings = opts.settings;
    const tempo = (opts.settings.tempo ?? opts.song.song.tempo) as Bpm;
    this.period = framesPerBeat(tempo, opts.sampleRate);
    // (0 - 0 would be -0, which JSON and Object.is tell apart from 0.)
    const countIn = opts.settings.countInBars > 0 ? -opts.settings.countInBars * opts.song.beatsPerBar : 0;
    this.horizon = countIn;
    this.plan = new FormPlan(opts.song);
    this.map = TempoMap.constant(tempo, opts.sampleRate, opts.settings.startFrame as SampleFrame, beats(0));
  }

  /** The performance's length in beats (it changes when a section is repeated or jumped to). */
  get totalBeats(): number {
    return this.plan.totalBeats;
  }

  /**
   * A window of performance beats as windows of the chart's beats, for the agents; their notes
   * move by each piece's offset back into performance beats.
   */
  songWindows(window: BeatWindow): SongWindow[] {
    return this.plan.songWindows(window);
  }

  /**
   * A command about the form (repeat the section, jump to one, go to the ending), from the
   * first beat not yet handed out to the agents. Returns the beat where it takes effect, or why
   * it cannot be done (the form is then unchanged).
   */
  command(cmd: FormCommand): { at: Beats } | { error: string } {
    return this.plan.command(cmd, this.horizon);
  }

  /** The map from beats to frames (and back): the only conversion. */
  get tempoMap(): TempoMap {
    return this.map;
  }

  /** The conductor's tempo in BPM (the performer's in follow mode, without the phase nudge). */
  get bpm(): number {
    return bpmFromFramesPerBeat(this.period, this.sampleRate);
  }

  /**
   * Follow a detected beat (follow mode only; click mode returns null). `now` is the frame the
   * pipeline has reached (the start of the current block); the rate changes from there.
   * @example c.onBeat({ kind: "beat", frame: frames(28900), reportedAt: frames(30000), bpm: 101 }, frames(30000))
   */
  onBeat(ev: BeatEvent, now: SampleFrame): ConductorUpdate | null {
    if (this.settings.followMode === "click") return null;
    const free = this.settings.followMode === "free";
    const trackerPeriod = this.levelPeriod(ev.bpm);
    const previousRaw = this.raw[this.raw.length - 1] ?? null;
    this.raw.push(ev.frame);
    if (this.raw.length > STEADY_INTERVALS + 1) this.raw.shift();
    const p = this.map.beatAtFrame(ev.frame);
    // Free mode follows every beat; adaptive mode only a steady performer.
    if (!free && !this.steady(trackerPeriod)) {
      this.lastPhaseError = Math.round(p) - p;
      return null;
    }
    let n = Math.round(p);
    const last = this.accepted[this.accepted.length - 1] ?? null;
    const changed = this.trusted(trackerPeriod) && Math.abs(trackerPeriod / this.period - 1) > JUMP;
    if (last !== null && last.frame === previousRaw) {
      // An unbroken chain of steady beats: count this interval in the period it fits (the band
      // may still be catching up after a change, so its nearest beat can be the wrong one).
      n = last.index + this.count(ev.frame - last.frame, trackerPeriod);
      this.outliersInRow = 0;
    } else if (changed && last !== null) {
      // The chain broke (the tracker jumped to the new tempo): count at the new tempo from a
      // beat accepted before the change.
      const anchor = this.anchorBefore(ev.frame - RECOUNT_SECONDS * this.sampleRate)!;
      n = anchor.index + Math.round((ev.frame - anchor.frame) / trackerPeriod);
      if (n <= this.lastBeatIndex) return null;
      this.outliersInRow = 0;
      // An interval measured across the change would mix two tempi: measure afresh.
      this.lastBeatFrame = null;
      this.periods.length = 0;
      this.fitFrom = ev.frame;
    } else {
      const error = n - p;
      if (Math.abs(error) > OUTLIER_BEATS && this.outliersInRow < RELOCK_AFTER) {
        this.outliersInRow++;
        return null;
      }
      this.outliersInRow = 0;
    }
    const error = n - p;
    this.accepted.push({ frame: ev.frame, index: n });
    if (this.accepted.length > ACCEPTED_KEPT) this.accepted.shift();

    // Tempo: the inter-beat interval when there is one, else the tracker's bpm at our level.
    let measured: number | null = null;
    if (this.lastBeatFrame === null || n - this.lastBeatIndex > 4) {
      measured = this.trusted(trackerPeriod) ? trackerPeriod : null;
    } else if (n > this.lastBeatIndex) measured = (ev.frame - this.lastBeatFrame) / (n - this.lastBeatIndex);
    if (this.lastBeatFrame === null || n > this.lastBeatIndex) {
      this.lastBeatFrame = ev.frame;
      this.lastBeatIndex = n;
    }
    if (
      measured !== null &&
      measured * MAX_TEMPO_RATIO > this.period &&
      measured < this.period * MAX_TEMPO_RATIO
    ) {
      this.periods.push(measured);
      if (this.periods.length > 3) this.periods.shift();
      // The median, unless the tracker's bpm confirms the newest interval (a real change: take it now).
      const tracker = this.levelPeriod(ev.bpm);
      const confirmed = Math.abs(tracker - measured) < AGREE * this.period;
      // A steady interval: the period of the line through the last beats at this tempo.
      const fit = !free && Math.abs(measured / this.period - 1) <= JUMP ? this.fit() : null;
      const m = free
        ? measured
        : fit !== null
          ? fit.period
          : confirmed
            ? (tracker + measured) / 2
            : median(this.periods);
      const jump = !free && Math.abs(m / this.period - 1) > JUMP;
      const next = free || jump ? m : this.period + SMOOTH * (m - this.period);
      // A jump starts a new line (beats before it were at the old tempo).
      if (jump) this.fitFrom = ev.frame;
      // Within the tempi a session may be set to (20..400 BPM).
      const fastest = framesPerBeat(400 as Bpm, this.sampleRate);
      const slowest = framesPerBeat(20 as Bpm, this.sampleRate);
      this.period = Math.min(slowest, Math.max(fastest, next));
    }

    // Phase: where the performer will be at `now` (from the line through the last beats on a
    // steady tempo, else from this beat), against where the band is.
    const fitted = free ? null : this.fit();
    const beatFrame = fitted !== null ? fitted.frame : ev.frame;
    const performerNow = n + (now - beatFrame) / this.period;
    const bandNow = this.map.beatAtFrame(now);
    const gap = performerNow - bandNow;
    // A small gap (the tracker's jitter) is closed gently; a large one (a change of tempo) at once.
    const far = free || Math.abs(gap) > FAR_BEATS;
    // Within the detection's jitter, only a share of the gap is closed at each beat (a persistent
    // gap is still closed within a few beats: two thirds of it in three).
    const small = !far && Math.abs(gap) * this.period <= JITTER_SECONDS * this.sampleRate;
    const closed = small ? gap * STEADY_GAIN : gap;
    const cap = far ? MAX_NUDGE_FAR : MAX_NUDGE;
    const nudge = Math.max(-cap, Math.min(cap, closed / (far ? 1 : CATCH_UP_BEATS)));
    const rate = (1 + nudge) / this.period;
    let map = this.map.withRateFrom(now, rate);
    if (nudge !== 0) {
      // Catch up over |closed| / |nudge| beats, then run at the performer's tempo.
      const until = Math.round(now + (closed / nudge) * this.period);
      if (until > now) map = map.withRateFrom(until as SampleFrame, 1 / this.period);
    }
    this.map = map.forgetBefore((now - KEEP_SECONDS * this.sampleRate) as SampleFrame);
    this.lastPhaseError = error;
    return this.update(now, "beat");
  }

  /**
   * The least-squares line (frame against band beat index) through the last accepted beats at the
   * current tempo, at most `FIT_BEATS` beats back: its period and its frame at the newest beat.
   * Null with fewer than three beats (two intervals). Runs once per beat, not per block.
   */
  private fit(): { period: number; frame: number } | null {
    const a = this.accepted;
    const last = a[a.length - 1];
    if (last === undefined) return null;
    let k = 0;
    let si = 0;
    let sf = 0;
    for (let i = a.length - 1; i >= 0; i--) {
      const b = a[i]!;
      if (b.frame < this.fitFrom || last.index - b.index > FIT_BEATS - 1) break;
      k++;
      si += b.index - last.index;
      sf += b.frame - last.frame;
    }
    if (k < 3) return null;
    const mi = si / k;
    const mf = sf / k;
    let sxx = 0;
    let sxy = 0;
    for (let i = a.length - k; i < a.length; i++) {
      const x = a[i]!.index - last.index - mi;
      sxx += x * x;
      sxy += x * (a[i]!.frame - last.frame - mf);
    }
    if (sxx <= 0) return null;
    const period = sxy / sxx;
    // (beats counted across a change the chain did not see as one: not a line at this tempo)
    if (Math.abs(period / this.period - 1) > JUMP) return null;
    return { period, frame: last.frame + mf - period * mi };
  }

  /** Whether an interval is a whole number (≥ 1) of `period`s, within the tolerance. */
  private static whole(interval: number, period: number): boolean {
    const k = interval / period;
    return Math.round(k) >= 1 && Math.abs(k - Math.round(k)) <= STEADY_TOLERANCE;
  }

  /**
   * The tracker's last intervals are each a whole number of beats, of its own period or of the
   * band's (a performer who has just changed tempo is steady on both sides of the change).
   */
  private steady(trackerPeriod: number): boolean {
    const r = this.raw;
    if (r.length < STEADY_INTERVALS + 1) return false;
    const trusted = this.trusted(trackerPeriod);
    for (let i = 1; i < r.length; i++) {
      const d = r[i]! - r[i - 1]!;
      if (!(trusted && Conductor.whole(d, trackerPeriod)) && !Conductor.whole(d, this.period)) return false;
    }
    return true;
  }

  /** Whether the tracker's period is near enough the band's to be believed. */
  private trusted(trackerPeriod: number): boolean {
    // As a ratio of tempi (not periods): a 20 % slower performer is 25 % longer in period.
    return Math.abs(this.period / trackerPeriod - 1) <= TRUST_TEMPO_RATIO;
  }

  /** Beats in an interval: counted in the tracker's period when it fits, else in the band's. */
  private count(interval: number, trackerPeriod: number): number {
    const period =
      this.trusted(trackerPeriod) && Conductor.whole(interval, trackerPeriod) ? trackerPeriod : this.period;
    return Math.max(1, Math.round(interval / period));
  }

  /** The newest accepted beat at or before `frame` (else the oldest one), or null when none. */
  private anchorBefore(frame: number): { frame: number; index: number } | null {
    for (let i = this.accepted.length - 1; i >= 0; i--) {
      if (this.accepted[i]!.frame <= frame) return this.accepted[i]!;
    }
    return this.accepted[0] ?? null;
  }

  /**
   * Take new settings (follow mode, tempo, lookahead) from `now`. Returns an update when the
   * tempo or the mode changed, else null.
   */
  applySettings(settings: Settings, now: SampleFrame): ConductorUpdate | null {
    const before = this.settings;
    this.settings = settings;
    const tempoChanged = settings.tempo !== before.tempo;
    const modeChanged = settings.followMode !== before.followMode;
    if (!tempoChanged && !(modeChanged && settings.followMode === "click")) {
      return modeChanged || settings.lookaheadBeats !== before.lookaheadBeats
        ? this.update(now, "setting")
        : null;
    }
    // A new tempo, or back to the click: run at the set (or chart) tempo from now.
    const tempo = (settings.tempo ?? this.song.song.tempo) as Bpm;
    this.period = framesPerBeat(tempo, this.sampleRate);
    this.periods.length = 0;
    this.lastBeatFrame = null;
    this.map = this.map.withRateFrom(now, 1 / this.period);
    this.lastPhaseError = null;
    return this.update(now, "setting");
  }

  /**
   * The window of beats the agents are asked for now: from where the last window ended to the
   * beat at the end of this block plus the lookahead, within [0, totalBeats]. Null when there
   * is nothing new. Windows tile the song without gaps or overlaps.
   * @example c.nextWindow(frames(0), 128) // => { from: 0, to: 1.00444… } (100 BPM, lookahead 1)
   */
  nextWindow(blockStart: SampleFrame, blockSize: number): BeatWindow | null {
    const ahead =
      this.map.beatAtFrame((blockStart + blockSize) as SampleFrame) + this.settings.lookaheadBeats;
    const to = Math.min(this.plan.totalBeats, Math.max(this.horizon, ahead));
    if (to <= this.horizon) return null;
    const from = this.horizon;
    this.horizon = to;
    return { from: beats(from), to: beats(to) };
  }

  /** Where the performance is at a frame. */
  position(frame: SampleFrame): Position {
    const beat = this.map.beatAtFrame(frame);
    const bb = beatsToBarBeat(beat, this.song.beatsPerBar);
    const bar = this.plan.barAt(beat);
    return {
      beat,
      section: bar?.sectionId ?? "",
      bar: beat < 0 ? bb.bar : (bar?.index ?? 0) + 1,
      performanceBar: bb.bar,
      beatInBar: bb.beat,
      bpm: this.bpm,
    };
  }

  /** A snapshot in the protocol's shape. `phaseError` is set for updates that follow a beat. */
  update(frame: SampleFrame, reason: ConductorUpdate["reason"]): ConductorUpdate {
    const p = this.position(frame);
    return {
      frame,
      beat: p.beat,
      bpm: p.bpm,
      section: p.section,
      bar: p.bar,
      performanceBar: p.performanceBar,
      beatInBar: p.beatInBar,
      phaseError: reason === "beat" ? this.lastPhaseError : null,
      reason,
    };
  }

  /** True once the song's last beat has passed. */
  finished(frame: SampleFrame): boolean {
    return this.map.beatAtFrame(frame) >= this.plan.totalBeats;
  }

  /** The period (frames per band beat) of a tracker tempo, at the metrical level nearest ours. */
  private levelPeriod(bpmValue: number): number {
    let best = framesPerBeat(bpmValue as Bpm, this.sampleRate);
    for (const k of LEVELS) {
      const cand = framesPerBeat((bpmValue * k) as Bpm, this.sampleRate);
      if (Math.abs(Math.log(cand / this.period)) < Math.abs(Math.log(best / this.period))) best = cand;
    }
    return best;
  }
}

/** The metrical levels a tracker's tempo may be off by. */
const LEVELS = [0.5, 2] as const;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
