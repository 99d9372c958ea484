/**
 * Measuring a live performance from a recording of the virtual device's stage (performer left,
 * band right, one clock): when the band's notes sounded against the performer's beats. Used by
 * the live benchmark and the live tests. Pure functions over sample arrays (any thread).
 */
import { readFileSync } from "node:fs";
import type { Decision } from "@performia/protocol";

/** A WAV file's channels as float arrays (PCM 16-bit or float 32-bit, as parecord and the engine write). */
export function readChannels(path: string): { sampleRate: number; channels: Float32Array[] } {
  const b = readFileSync(path);
  let at = 12;
  let format = 1;
  let channels = 1;
  let sampleRate = 0;
  let bits = 16;
  while (at + 8 <= b.length) {
    const id = b.toString("ascii", at, at + 4);
    let size = b.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === "fmt ") {
      format = b.readUInt16LE(body);
      channels = b.readUInt16LE(body + 2);
      sampleRate = b.readUInt32LE(body + 4);
      bits = b.readUInt16LE(body + 14);
      if (format === 0xfffe) format = b.readUInt16LE(body + 24);
    } else if (id === "data") {
      // A recorder stopped by a signal may leave the size unset: take the rest of the file.
      if (size === 0 || size === 0xffffffff || body + size > b.length) size = b.length - body;
      const bytes = bits / 8;
      const frames = Math.floor(size / (bytes * channels));
      const out = Array.from({ length: channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channels; c++) {
          const o = body + (i * channels + c) * bytes;
          out[c]![i] = format === 3 ? b.readFloatLE(o) : b.readInt16LE(o) / 32768;
        }
      }
      return { sampleRate, channels: out };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Index of the first sample whose magnitude exceeds `threshold` (-1 if none). */
export function firstSound(x: Float32Array, threshold = 1e-4, from = 0): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i]!) > threshold) return i;
  return -1;
}

/**
 * Where `template` best matches `x` near `around` (within ±`range` samples), by normalized
 * cross-correlation: the lag and its correlation.
 */
export function matchNear(
  x: Float32Array,
  template: Float32Array,
  around: number,
  range: number,
): { at: number; r: number } {
  let tt = 0;
  for (let i = 0; i < template.length; i++) tt += template[i]! * template[i]!;
  let best = { at: around, r: -Infinity };
  for (let at = around - range; at <= around + range; at++) {
    if (at < 0 || at + template.length > x.length) continue;
    let xy = 0;
    let xx = 0;
    for (let i = 0; i < template.length; i++) {
      const v = x[at + i]!;
      xy += v * template[i]!;
      xx += v * v;
    }
    const r = xx > 0 && tt > 0 ? xy / Math.sqrt(xx * tt) : 0;
    if (r > best.r) best = { at, r };
  }
  return best;
}

export interface StageAsynchrony {
  /** Band minus performer, ms, one per beat measured (positive: the band is late). */
  readonly ms: number[];
  /** The beat of each measure in `ms`. */
  readonly beats: number[];
  readonly median: number;
  readonly medianAbs: number;
  readonly p95Abs: number;
  /** Band notes not found in the recording (correlation too low), from the first beat on. */
  readonly unmatched: number;
}

/**
 * The band against the performer, in the room, beat by beat. `stageLeft`/`stageRight`: the stage
 * recording (performer, band). `performance`: the file played into the mic, with its beat times.
 * `bandRender`: the band as the engine rendered it, frame 0 = the session's first frame
 * (`performia replay SESSION --out`), and `onBeat`: the session frame at which the band's note on
 * each performer beat was decided to start (index = beat number).
 *
 * The performer's beat k sounds in the stage at (its time in the file) + (where the file starts in
 * the stage). The band's note is found in the stage by matching the first 25 ms of its render near
 * where the first band note predicts it: each beat's own position, so a glitch that shifts the
 * output later is measured, not assumed away.
 */
export function bandAsynchrony(opts: {
  readonly stageLeft: Float32Array;
  readonly stageRight: Float32Array;
  readonly performance: Float32Array;
  readonly beatSeconds: readonly number[];
  readonly bandRender: Float32Array;
  readonly onBeat: ReadonlyMap<number, number>;
  readonly sampleRate: number;
  readonly fromBeat: number;
}): StageAsynchrony {
  const sr = opts.sampleRate;
  const fileStart = firstSound(opts.stageLeft) - firstSound(opts.performance);
  const bandShift = firstSound(opts.stageRight) - firstSound(opts.bandRender);
  const len = Math.round(0.025 * sr);
  const ms: number[] = [];
  const measured: number[] = [];
  let unmatched = 0;
  // Followed note by note: a device glitch moves everything after it later (the output's queue
  // grew), and the next note is searched for where the last one was found.
  let shift = bandShift;
  for (const [beat, frame] of [...opts.onBeat].sort((x, y) => x[0] - y[0])) {
    const template = opts.bandRender.subarray(frame, frame + len);
    if (template.length < len) continue;
    const m = matchNear(opts.stageRight, template, frame + shift, Math.round(0.12 * sr));
    if (m.r < 0.9) {
      unmatched++;
      continue;
    }
    shift = m.at - frame;
    if (beat < opts.fromBeat || beat >= opts.beatSeconds.length) continue;
    const performer = opts.beatSeconds[beat]! * sr + fileStart;
    ms.push(((m.at - performer) / sr) * 1000);
    measured.push(beat);
  }
  const abs = ms.map(Math.abs).sort((a, b) => a - b);
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (a: number[], f: number): number => a[Math.min(a.length - 1, Math.floor(f * a.length))] ?? NaN;
  return {
    ms,
    beats: measured,
    median: q(sorted, 0.5),
    medianAbs: q(abs, 0.5),
    p95Abs: q(abs, 0.95),
    unmatched,
  };
}

/**
 * The band's first note on each whole beat (bass and drums mark the beat), within the style's
 * feel and humanization (±0.05 beat): the session frame it was decided to start at, and its own
 * placement against the beat (in beats), by beat number.
 */
export function onBeatNotes(decisions: readonly Decision[]): {
  frames: Map<number, number>;
  offsets: Map<number, number>;
} {
  const frames = new Map<number, number>();
  const offsets = new Map<number, number>();
  for (const d of decisions) {
    const beat = Math.round(d.start);
    if ((d.agent !== "drums" && d.agent !== "bass") || Math.abs(d.start - beat) >= 0.05 || beat < 0) continue;
    if (d.startFrame < (frames.get(beat) ?? Infinity)) {
      frames.set(beat, d.startFrame);
      offsets.set(beat, d.start - beat);
    }
  }
  return { frames, offsets };
}
