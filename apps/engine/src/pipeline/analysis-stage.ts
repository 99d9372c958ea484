/**
 * The analysis stage: cuts the input stream into hop windows, has the pool analyse them, and
 * hands the results back in hop order. The stateful part (onsets, beats, tempo, chords) runs
 * on the pipeline thread in `CausalTracker`; this stage only moves windows and results.
 *
 * Live, each hop is sent as soon as it is complete and a result that is not back by the block
 * that needs it is a miss. Offline (files, replays), the driver pushes input ahead of the
 * pipeline so hops are sent in batches and the pipeline waits for them: the same windows,
 * the same results.
 */
import { analysisConfig } from "@performia/dsp";
import type { AnalysisConfig, HopFeatures } from "@performia/dsp";
import type { HopBatch } from "./analysis-worker.js";

/** What runs a batch of hops: the piscina pool, or anything that computes the same. */
export interface HopAnalyzer {
  run(batch: HopBatch): Promise<HopFeatures[]>;
}

export interface AnalysisStageOptions {
  /** Hops per pool task: 1 live, larger offline. */
  batchHops: number;
  /** Hop ends whose result must be treated as missed (replaying a live session's misses). */
  forcedMisses?: ReadonlySet<number>;
  /** Live: a clock (ms) to measure each task's round trip with (measured only, never decides). */
  clock?: () => number;
}

/** Round trips kept for the live figures (the last ones). */
const ROUND_TRIPS_KEPT = 256;

interface Inflight {
  readonly firstHop: number;
  readonly promise: Promise<void>;
}

export class AnalysisStage {
  readonly config: AnalysisConfig;
  private buf: Float32Array;
  /** Frame of buf[0]. */
  private bufStart: number;
  private bufLen: number;
  /** Frames pushed so far. */
  private pushed = 0;
  private nextHop: number;
  private pending: number[] = [];
  private readonly results = new Map<number, HopFeatures>();
  private inflight: Inflight[] = [];
  /** Tasks the pool lost (a worker crashed or hung): their hops are missed, the show goes on. */
  readonly losses = { tasks: 0, hops: 0, lastError: "" };
  /** The last hop the pipeline asked for: results for earlier hops that arrive late are dropped. */
  private lastTaken = 0;
  /**
   * With a clock: the last tasks' round trips (ms, a ring; `roundTrips` counts every one), from
   * the hop's submission to its result. Live, a block waits for its hop this long, up to its deadline.
   */
  readonly roundTripMs = new Float64Array(ROUND_TRIPS_KEPT);
  roundTrips = 0;

  constructor(
    private readonly pool: HopAnalyzer,
    readonly sampleRate: number,
    private readonly options: AnalysisStageOptions,
  ) {
    this.config = analysisConfig(sampleRate);
    const w = this.config.windowSize;
    this.buf = new Float32Array(w * 4 + this.config.hopSize * options.batchHops * 2);
    this.bufStart = -w;
    this.bufLen = w; // zeros before the stream starts
    this.nextHop = this.config.hopSize;
  }

  get hopSize(): number {
    return this.config.hopSize;
  }

  /** Runs on the pipeline (or driver) thread. Appends input in stream order. */
  push(samples: Float32Array, n: number): void {
    if (this.bufLen + n > this.buf.length) this.compact(n);
    this.buf.set(samples.subarray(0, n), this.bufLen);
    this.bufLen += n;
    this.pushed += n;
    while (this.nextHop <= this.pushed) {
      this.pending.push(this.nextHop);
      this.nextHop += this.config.hopSize;
    }
    if (this.pending.length >= this.options.batchHops) this.submit();
  }

  /** Send every complete hop now (end of input, or the pipeline needs them). */
  submit(): void {
    const hops = this.pending;
    if (hops.length === 0) return;
    this.pending = [];
    const w = this.config.windowSize;
    const first = hops[0]!;
    const last = hops[hops.length - 1]!;
    const from = first - w - this.bufStart;
    const to = last - this.bufStart;
    const chunk = this.buf.slice(from, to);
    const clock = this.options.clock;
    const sent = clock ? clock() : 0;
    const promise = this.pool
      .run({ sampleRate: this.sampleRate, chunk, chunkStart: first - w, hopEnds: hops })
      .then(
        (features) => {
          if (clock) this.roundTripMs[this.roundTrips++ % ROUND_TRIPS_KEPT] = clock() - sent;
          features.forEach((f, i) => {
            const hop = hops[i]!;
            if (hop > this.lastTaken) this.results.set(hop, f);
          });
        },
        (err: unknown) => {
          // A crashed or hung worker: piscina replaces it; these hops are missed (and recorded
          // as missed, so a replay reproduces them).
          this.losses.tasks++;
          this.losses.hops += hops.length;
          this.losses.lastError = err instanceof Error ? err.message : String(err);
        },
      );
    this.inflight.push({ firstHop: first, promise });
  }

  /** Offline: resolves when every hop ending at or before `frame` has its result. */
  async ready(frame: number): Promise<void> {
    if (this.pending.length > 0 && this.pending[0]! <= frame) this.submit();
    while (this.inflight.length > 0 && this.inflight[0]!.firstHop <= frame) {
      await this.inflight[0]!.promise;
      this.inflight.shift();
    }
  }

  /**
   * Runs on the pipeline thread. The features of the hop ending at `hopEnd`, or null when
   * they are not there (missed deadline, or a recorded miss being replayed).
   */
  take(hopEnd: number): HopFeatures | null {
    const f = this.results.get(hopEnd);
    if (f !== undefined) this.results.delete(hopEnd);
    this.lastTaken = hopEnd;
    if (this.options.forcedMisses?.has(hopEnd)) return null;
    return f ?? null;
  }

  /** Keep only what future windows need; grow if one push would not fit. */
  private compact(incoming: number): void {
    const keepFrom = Math.min(this.pending[0] ?? this.nextHop, this.nextHop) - this.config.windowSize;
    const drop = Math.max(0, keepFrom - this.bufStart);
    const keep = this.bufLen - drop;
    if (keep + incoming > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, keep + incoming));
      bigger.set(this.buf.subarray(drop, this.bufLen));
      this.buf = bigger;
    } else {
      this.buf.copyWithin(0, drop, this.bufLen);
    }
    this.bufStart += drop;
    this.bufLen = keep;
  }
}
