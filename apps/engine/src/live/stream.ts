/**
 * The frames of `live.stream`, built in the audio process about 30 times a second (never per
 * block) from what the pipeline, the live driver and the device keep up to date. The notes the
 * band plays between two frames are copied into a ring allocated once (`NoteRing.push` runs
 * inside a block); everything else is read when a frame is built, between blocks.
 */
import { COUNT_IN_AGENT, defaultBand } from "@performia/agents";
import type { Decision, DeviceStatus, LiveFrame, LiveNote } from "@performia/protocol";
import type { RunningPerformance } from "../commands/perform-live.js";

/** Frames a second on the stream. */
export const STREAM_HZ = 30;

/** The device's status for the stream, as the block loop sees it (drivers/live.ts). */
export function deviceStatus(run: RunningPerformance): DeviceStatus {
  return run.figures.device;
}

/** Notes played since the last frame, copied into typed arrays (pipeline thread, inside a block; no allocation). */
export class NoteRing {
  private readonly names: string[];
  private readonly index = new Map<string, number>();
  private readonly agent: Uint8Array;
  private readonly midi: Uint8Array;
  private readonly velocity: Uint8Array;
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private head = 0;
  private count = 0;
  /** Notes lost because more were played between two frames than the ring holds. */
  overwritten = 0;

  constructor(readonly capacity = 1024) {
    this.names = [...defaultBand().map((a) => a.name), COUNT_IN_AGENT];
    this.names.forEach((n, i) => this.index.set(n, i));
    this.agent = new Uint8Array(capacity);
    this.midi = new Uint8Array(capacity);
    this.velocity = new Uint8Array(capacity);
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
  }

  /** Audio thread, inside a block: copy one note. */
  readonly push = (d: Decision): void => {
    const i = (this.head + this.count) % this.capacity;
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.overwritten++;
    } else this.count++;
    this.agent[i] = this.index.get(d.agent) ?? this.index.get(COUNT_IN_AGENT)!;
    this.midi[i] = d.pitch;
    this.velocity[i] = d.velocity;
    this.start[i] = d.startFrame;
    this.end[i] = d.endFrame;
  };

  /** Between blocks: the notes since the last call, in performance seconds. */
  drain(sampleRate: number): LiveNote[] {
    const out: LiveNote[] = [];
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % this.capacity;
      out.push({
        agent: this.names[this.agent[i]!]!,
        midi: this.midi[i]!,
        velocity: this.velocity[i]!,
        start: this.start[i]! / sampleRate,
        duration: Math.max(0, this.end[i]! - this.start[i]!) / sampleRate,
      });
    }
    this.head = 0;
    this.count = 0;
    return out;
  }
}

const NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const;

/** The nearest note to a frequency and the cents from it. @example nearestNote(440) // => { note: "A4", cents: 0 } */
export function nearestNote(hz: number): { note: string; cents: number } {
  const midi = 69 + 12 * Math.log2(hz / 440);
  const n = Math.round(midi);
  return {
    note: `${NOTE_NAMES[((n % 12) + 12) % 12]!}${Math.floor(n / 12) - 1}`,
    cents: Math.round((midi - n) * 1000) / 10,
  };
}

/** Builds frames from a running performance (audio process, between blocks). */
export class FrameBuilder {
  private readonly blockScratch: Float64Array;
  private readonly waitScratch: Float64Array;

  constructor(
    private readonly run: RunningPerformance,
    private readonly notes: NoteRing,
    private readonly session: string | null,
  ) {
    this.blockScratch = new Float64Array(run.figures.recentMs.length);
    this.waitScratch = new Float64Array(run.stage.roundTripMs.length);
  }

  build(): LiveFrame {
    const { pipeline, figures, device, stage, sampleRate, blockSize } = this.run;
    const p = pipeline.conductor.position(pipeline.frame);
    const latest = pipeline.latest;
    const hz = latest.hz !== null && latest.hz > 0 ? latest.hz : null;
    const near = hz === null ? null : nearestNote(hz);
    const c = device.counters;
    const blocks = percentiles(figures.recentMs, figures.blocks, this.blockScratch);
    const waits = percentiles(stage.roundTripMs, stage.roundTrips, this.waitScratch);
    return {
      t: figures.frames / sampleRate,
      wallMs: Date.now(),
      session: this.session,
      position: {
        section: p.section,
        bar: p.bar,
        performanceBar: p.performanceBar,
        beat: p.beatInBar,
        beats: p.beat,
      },
      tempo: p.bpm,
      followMode: pipeline.currentSettings.followMode,
      // The settings object is replaced on every change, never mutated: shared as it is.
      band: {
        style: pipeline.currentSettings.style,
        intensity: pipeline.currentSettings.intensity,
        agents: pipeline.currentSettings.agents,
      },
      pitch: {
        hz,
        note: near?.note ?? null,
        cents: near?.cents ?? null,
        confidence: Math.max(0, Math.min(1, latest.pitchConfidence)),
      },
      chord: latest.chord,
      level: { rms: figures.level, db: figures.level > 0 ? 20 * Math.log10(figures.level) : null },
      notes: this.notes.drain(sampleRate),
      latency: {
        blockMs: { p50: blocks.p50, p99: blocks.p99, max: figures.maxBlockMs },
        budgetMs: (blockSize / sampleRate) * 1000,
        analysisWaitMs: { p50: waits.p50, p99: waits.p99 },
        roundTripMs: this.run.latencyMs,
      },
      device: {
        status: deviceStatus(this.run),
        underflows: c.underflows,
        overflows: c.overflows,
        lostInput: c.lostInput,
        dropped: c.dropped,
        losses: this.run.figures.deviceLosses,
        lostSeconds: this.run.figures.deviceLostSeconds,
      },
      skipped: 0,
    };
  }
}

/** p50 and p99 of the last values of a ring (`written` counts every value ever written). */
function percentiles(
  ring: Float64Array,
  written: number,
  scratch: Float64Array,
): { p50: number; p99: number } {
  const n = Math.min(written, ring.length);
  if (n === 0) return { p50: 0, p99: 0 };
  scratch.set(ring.subarray(0, n));
  const sorted = scratch.subarray(0, n).sort();
  return { p50: sorted[Math.floor(0.5 * n)]!, p99: sorted[Math.min(n - 1, Math.floor(0.99 * n))]! };
}
