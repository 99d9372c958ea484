/**
 * The form as it is being performed: which bar of the chart sounds at each beat of the
 * performance. It starts as the Song Map's form; `repeat`, `jump` and `end` commands rewrite it
 * from the next place they can take effect, never before `horizon` (the beats already handed
 * to the agents stay as they were played). Agents keep asking in the chart's beats: the plan
 * cuts a window of performance beats into windows of chart beats and says how far to move the
 * notes. Runs on the pipeline thread; deterministic.
 */
import type { Beats, FormCommand } from "@performia/protocol";
import { beats } from "@performia/protocol";
import type { BeatWindow } from "./agent.js";
import type { CompiledBar, CompiledSong } from "./song.js";

/** A run of performance beats that plays a run of the chart's beats. */
interface Segment {
  perfStart: number;
  songStart: number;
  length: number;
}

/** A piece of a performance window in the chart's beats; notes move by `offset` (perf − chart). */
export interface SongWindow {
  song: BeatWindow;
  offset: number;
}

export class FormPlan {
  private readonly song: CompiledSong;
  private segments: Segment[];

  constructor(song: CompiledSong) {
    this.song = song;
    this.segments = [{ perfStart: 0, songStart: 0, length: song.totalBeats }];
  }

  /** The performance's length in beats. */
  get totalBeats(): number {
    const last = this.segments[this.segments.length - 1]!;
    return last.perfStart + last.length;
  }

  /** The chart beat played at a performance beat (clamped into the performance). */
  songBeat(perf: number): number {
    const p = Math.min(Math.max(perf, 0), Math.max(0, this.totalBeats - 1e-9));
    for (const s of this.segments) if (p < s.perfStart + s.length) return s.songStart + (p - s.perfStart);
    return this.song.totalBeats;
  }

  /** The chart's bar at a performance beat. */
  barAt(perf: number): CompiledBar | null {
    return this.song.bars[Math.floor(this.songBeat(perf) / this.song.beatsPerBar)] ?? null;
  }

  /** The window in the chart's beats, cut where the plan jumps. */
  songWindows(w: BeatWindow): SongWindow[] {
    const out: SongWindow[] = [];
    for (const s of this.segments) {
      const from = Math.max(w.from, s.perfStart);
      const to = Math.min(w.to, s.perfStart + s.length);
      if (to <= from) continue;
      const offset = s.perfStart - s.songStart;
      out.push({ song: { from: beats(from - offset), to: beats(to - offset) }, offset });
    }
    return out;
  }

  /**
   * Apply a command no earlier than `horizon` (performance beats). Returns the performance beat
   * where it takes effect, or a reason it cannot be done.
   */
  command(cmd: FormCommand, horizon: number): { at: Beats } | { error: string } {
    const bpb = this.song.beatsPerBar;
    const h = Math.max(0, horizon);
    if (h >= this.totalBeats) return { error: "the song has ended" };
    const bar = this.barAt(h)!;
    // The end of the current pass through the section, in chart beats and in performance beats.
    const passEndBar = this.passEnd(bar.index);
    const passStartBar = bar.index - bar.barInSection;
    const toPerf = (songBeat: number): number => h + (songBeat - this.songBeat(h));
    switch (cmd.action) {
      case "repeat": {
        // After the passes already planned (each command adds one).
        const passLength = (passEndBar + 1 - passStartBar) * bpb;
        let at = toPerf((passEndBar + 1) * bpb);
        while (at < this.totalBeats && Math.abs(this.songBeat(at) - passStartBar * bpb) < 1e-9)
          at += passLength;
        this.splice(at, passStartBar * bpb);
        return { at: beats(at) };
      }
      case "jump": {
        const target = this.song.bars.find((b) => b.sectionId === cmd.section && b.isSectionStart);
        if (!target) {
          const ids = [...new Set(this.song.bars.map((b) => b.sectionId))].join(", ");
          return { error: `no section "${cmd.section}" in the song (sections: ${ids})` };
        }
        // At the next bar line not yet handed out.
        const at = Math.ceil(h / bpb - 1e-9) * bpb;
        if (at >= this.totalBeats) return { error: "the song ends before the next bar line" };
        this.splice(at, target.index * bpb);
        return { at: beats(at) };
      }
      case "end": {
        const lastEntry = this.song.bars[this.song.bars.length - 1]!.formIndex;
        const first = this.song.bars.find((b) => b.formIndex === lastEntry)!;
        if (bar.formIndex === lastEntry) return { at: beats(this.totalBeats) };
        const at = toPerf((passEndBar + 1) * bpb);
        this.splice(at, first.index * bpb);
        return { at: beats(at) };
      }
    }
  }

  /** Index of the last bar of the pass through the section that `index` belongs to. */
  private passEnd(index: number): number {
    let i = index;
    while (i < this.song.bars.length - 1 && !this.song.bars[i]!.isSectionEnd) i++;
    return i;
  }

  /** From performance beat `at`, play the chart from `songStart` to its end. */
  private splice(at: number, songStart: number): void {
    const kept: Segment[] = [];
    for (const s of this.segments) {
      if (s.perfStart >= at) break;
      kept.push({ ...s, length: Math.min(s.length, at - s.perfStart) });
    }
    kept.push({ perfStart: at, songStart, length: this.song.totalBeats - songStart });
    this.segments = kept;
  }
}
