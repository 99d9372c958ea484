/**
 * The scheduler: places the agents' notes (in beats) at frames through the conductor's tempo
 * map, keeps them until their block comes, and turns each start frame into an offset inside
 * that block (SuperCollider's way). Runs on the pipeline thread.
 */
import type { Decision, NoteEvent, SampleFrame, TempoMap } from "@performia/protocol";
import { frames } from "@performia/protocol";

export interface SchedulerStats {
  /** Notes placed later than their beat (the tempo moved under them) and started at the block start. */
  late: number;
  /** Notes dropped because they would have been more than `maxLateFrames` late. */
  dropped: number;
}

export class Scheduler {
  /** Pending decisions, sorted by start frame (ties: arrival order). */
  private queue: Decision[] = [];
  readonly stats: SchedulerStats = { late: 0, dropped: 0 };

  constructor(private readonly maxLateFrames: number) {}

  /** Place notes decided at `blockStart`; returns the decisions made (for the recorder). */
  schedule(notes: readonly NoteEvent[], map: TempoMap, blockStart: SampleFrame): Decision[] {
    const made: Decision[] = [];
    for (const note of notes) {
      let startFrame = map.frameAtBeat(note.start);
      let endFrame = map.frameAtBeat((note.start + note.duration) as NoteEvent["start"]);
      if (startFrame < blockStart) {
        if (blockStart - startFrame > this.maxLateFrames) {
          this.stats.dropped++;
          continue;
        }
        this.stats.late++;
        endFrame = frames(endFrame + (blockStart - startFrame));
        startFrame = blockStart;
      }
      if (endFrame <= startFrame) endFrame = frames(startFrame + 1);
      const d: Decision = { ...note, decidedAt: blockStart, startFrame, endFrame };
      made.push(d);
      this.insert(d);
    }
    return made;
  }

  /** Call `play` for every decision starting before `blockEnd`, with its offset in the block. */
  due(blockStart: number, blockEnd: number, play: (d: Decision, offset: number) => void): void {
    let i = 0;
    const q = this.queue;
    while (i < q.length && q[i]!.startFrame < blockEnd) {
      const d = q[i]!;
      play(d, Math.max(0, d.startFrame - blockStart));
      i++;
    }
    if (i > 0) q.splice(0, i);
  }

  /** Forget the pending notes of an agent (it was switched off). */
  cancel(agent: string): void {
    this.queue = this.queue.filter((d) => d.agent !== agent);
  }

  get pending(): number {
    return this.queue.length;
  }

  private insert(d: Decision): void {
    const q = this.queue;
    let i = q.length;
    while (i > 0 && q[i - 1]!.startFrame > d.startFrame) i--;
    q.splice(i, 0, d);
  }
}
