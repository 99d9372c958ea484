/**
 * The one place where time units are converted: frames <-> seconds, and beats <-> frames
 * through a tempo map. The conductor owns a tempo map; everyone else asks it.
 */
import type { Beats, Bpm, SampleFrame, Seconds } from "./units.js";
import { beats, frames, seconds } from "./units.js";

/** @example framesToSeconds(frames(22050), 44100) // => 0.5 */
export function framesToSeconds(f: SampleFrame, sampleRate: number): Seconds {
  return seconds(f / sampleRate);
}

/** Rounds to the nearest frame. @example secondsToFrames(seconds(0.5), 44100) // => 22050 */
export function secondsToFrames(s: Seconds, sampleRate: number): SampleFrame {
  return frames(s * sampleRate);
}

/** Frames in one beat at a tempo. @example framesPerBeat(bpm(120), 48000) // => 24000 */
export function framesPerBeat(tempo: Bpm, sampleRate: number): number {
  return (60 * sampleRate) / tempo;
}

/** Tempo from a beat period in frames. */
export function bpmFromFramesPerBeat(framesPerBeatValue: number, sampleRate: number): Bpm {
  return ((60 * sampleRate) / framesPerBeatValue) as Bpm;
}

/**
 * One straight segment of a tempo map: from `frame` on, beats advance by `beatsPerFrame`.
 */
export interface TempoSegment {
  readonly frame: SampleFrame;
  readonly beat: Beats;
  readonly beatsPerFrame: number;
}

/**
 * A piecewise-linear map between frames and beats. Segments are sorted by frame; the last
 * segment extends to infinity (that is the prediction). Immutable: `withSegment` returns a
 * new map. Segments before the first one extrapolate the first.
 */
export class TempoMap {
  private constructor(readonly segments: readonly TempoSegment[]) {}

  /** A map with one tempo from `startFrame` (at `startBeat`) onwards. */
  static constant(tempo: Bpm, sampleRate: number, startFrame = frames(0), startBeat = beats(0)): TempoMap {
    return new TempoMap([
      { frame: startFrame, beat: startBeat, beatsPerFrame: 1 / framesPerBeat(tempo, sampleRate) },
    ]);
  }

  static fromSegments(segments: readonly TempoSegment[]): TempoMap {
    if (segments.length === 0) throw new Error("TempoMap needs at least one segment");
    return new TempoMap([...segments].sort((a, b) => a.frame - b.frame));
  }

  /** The segment in force at a frame. */
  segmentAt(f: SampleFrame): TempoSegment {
    const s = this.segments;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]!.frame <= f) lo = mid;
      else hi = mid - 1;
    }
    return s[lo]!;
  }

  beatAtFrame(f: SampleFrame): Beats {
    const seg = this.segmentAt(f);
    return beats(seg.beat + (f - seg.frame) * seg.beatsPerFrame);
  }

  /** The first frame at or after which `b` has been reached (rounded to the nearest frame). */
  frameAtBeat(b: Beats): SampleFrame {
    const s = this.segments;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]!.beat <= b) lo = mid;
      else hi = mid - 1;
    }
    const seg = s[lo]!;
    return frames(seg.frame + (b - seg.beat) / seg.beatsPerFrame);
  }

  tempoAt(f: SampleFrame, sampleRate: number): Bpm {
    return bpmFromFramesPerBeat(1 / this.segmentAt(f).beatsPerFrame, sampleRate);
  }

  /**
   * A new map that keeps everything before `frame` and continues from there at a new rate,
   * without a jump in position (the beat at `frame` is unchanged). Later segments are dropped:
   * they were predictions.
   */
  withRateFrom(frame: SampleFrame, beatsPerFrame: number): TempoMap {
    const at = this.beatAtFrame(frame);
    const kept = this.segments.filter((s) => s.frame < frame);
    return new TempoMap([...kept, { frame, beat: at, beatsPerFrame }]);
  }

  /** Drop segments that end before `frame` (keeps memory flat over long sessions). */
  forgetBefore(frame: SampleFrame): TempoMap {
    const s = this.segments;
    let first = 0;
    while (first + 1 < s.length && s[first + 1]!.frame <= frame) first++;
    return first === 0 ? this : new TempoMap(s.slice(first));
  }
}

/** Bar (1-based), beat in bar (1-based) and the fraction of that beat. */
export interface BarBeat {
  readonly bar: number;
  readonly beat: number;
  readonly fraction: number;
}

/**
 * Musical position of an absolute beat count.
 * @example beatsToBarBeat(beats(5.5), 4) // => { bar: 2, beat: 2, fraction: 0.5 }
 */
export function beatsToBarBeat(b: Beats, beatsPerBar: number): BarBeat {
  const whole = Math.floor(b + 1e-9);
  const bar = Math.floor(whole / beatsPerBar);
  const beat = whole - bar * beatsPerBar;
  return { bar: bar + 1, beat: beat + 1, fraction: Math.max(0, b - whole) };
}

/** "bar 3 beat 2.50" style label, for people. */
export function formatBarBeat(b: Beats, beatsPerBar: number): string {
  const p = beatsToBarBeat(b, beatsPerBar);
  return `bar ${p.bar} beat ${(p.beat + p.fraction).toFixed(2)}`;
}
