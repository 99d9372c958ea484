/**
 * The live driver: a duplex device paces the pipeline. Each input block is handed to the
 * analysis stage at once (one hop per pool task); the pipeline waits for the hops that end in
 * the block at most `analysisDeadlineMs` after the block arrived, and a hop not back by then is
 * missed (recorded as missed, so a replay misses it too). The band's block goes straight to the
 * device.
 *
 * Everything here runs on the main thread, block by block, between the device's reads: no
 * allocation per block beyond naudiodon's own input Buffer and a timer when a hop ends in the
 * block, no logging (the counters are read by the display), no disk (the recorder is a worker).
 */
import type { AnalysisStage } from "../pipeline/analysis-stage.js";
import type { StageTimings } from "../pipeline/pipeline.js";
import type { SessionWriter } from "../session/index.js";
import type { DuplexDevice } from "./device.js";
import type { BlockProcessor } from "./offline.js";

export interface LiveRunOptions {
  readonly device: DuplexDevice;
  readonly stage: AnalysisStage;
  readonly processor: BlockProcessor & { readonly timings: StageTimings };
  readonly blockSize: number;
  /** How long a block may wait for its analysis, from its arrival (ms). */
  readonly analysisDeadlineMs: number;
  /** Where block stats go (one row per block). */
  readonly recorder?: SessionWriter | null;
  /** Stop (Ctrl-C): the run ends at the next block. */
  readonly signal?: AbortSignal;
  /** Stop after this many frames. */
  readonly maxFrames?: number;
  /** Stop when this returns true (the song's end); checked after each block. */
  readonly done?: () => boolean;
  /** Called once, when the first input block has arrived (the engine is listening). */
  readonly onFirstBlock?: () => void;
}

/** Figures of a live run, kept up to date while it runs (the display reads them). */
export interface LiveFigures {
  frames: number;
  blocks: number;
  /** The analysis pool failed (its hops are missed from then on; the band plays on). */
  analysisFailed: boolean;
  /** Engine time per block (analysis wait excluded), ms: the last block, and the worst so far. */
  lastBlockMs: number;
  maxBlockMs: number;
  /** Input level of the last block (RMS). */
  level: number;
  /** Ring of recent engine times per block (ms), for percentiles in the display. */
  readonly recentMs: Float64Array;
}

export interface LiveRunResult {
  readonly framesProcessed: number;
  readonly aborted: boolean;
  readonly wallSeconds: number;
  /** Engine time per block (ms), every block: for percentiles. */
  readonly blockMs: Float64Array;
  /** Analysis wait per block that had a hop ending in it (ms). */
  readonly analysisWaitMs: Float64Array;
}

const STAT_KEYS = [
  "arrivalMs",
  "gapMs",
  "analysisWaitMs",
  "analysisMs",
  "agentsMs",
  "synthMs",
  "engineMs",
  "writesPending",
  "underflows",
  "dropped",
  "overflows",
] as const;

/** Runs on the main thread until the signal, `maxFrames`, `done()` or the device's end. */
export async function runLive(options: LiveRunOptions, figures: LiveFigures): Promise<LiveRunResult> {
  const { device, stage, processor, blockSize } = options;
  const hop = stage.hopSize;
  const maxFrames = options.maxFrames ?? Infinity;
  const inBlock = new Float32Array(blockSize);
  const inBytes = Buffer.from(inBlock.buffer);
  const outBlock = new Float32Array(blockSize);
  const outBytes = Buffer.from(outBlock.buffer);
  const blockCapacity = Number.isFinite(maxFrames) ? Math.ceil(maxFrames / blockSize) + 16 : 1 << 16;
  let blockMs: Float64Array<ArrayBuffer> = new Float64Array(blockCapacity);
  let waits: Float64Array<ArrayBuffer> = new Float64Array(
    Math.ceil(blockCapacity / Math.max(1, hop / blockSize)) + 16,
  );
  let nWaits = 0;
  const stats: Record<(typeof STAT_KEYS)[number], number> = Object.fromEntries(
    STAT_KEYS.map((k) => [k, 0]),
  ) as Record<(typeof STAT_KEYS)[number], number>;
  let failure = false;
  const noteFailure = (): void => {
    failure = true;
  };
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const onTimeout = (): void => wake?.();

  device.start();
  const t0 = performance.now();
  let last = t0;
  let frame = 0;
  let aborted = false;
  for (;;) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    if (frame >= maxFrames || options.done?.()) break;
    const buf = await device.read();
    const arrived = performance.now();
    if (frame === 0) device.startOutput();
    if (buf === null) break; // the device stopped
    const n = Math.min(blockSize, maxFrames - frame);
    if (buf === "lost") inBlock.fill(0);
    else if (buf.length >= blockSize * 4) buf.copy(inBytes, 0, 0, blockSize * 4);
    else {
      inBlock.fill(0);
      buf.copy(inBytes);
    }

    // Analysis: send the hops this block completes; wait for them until the deadline.
    stage.push(inBlock, n);
    const end = frame + n;
    let wait = 0;
    if (Math.floor(end / hop) > Math.floor(frame / hop) && !failure) {
      const ready = stage.ready(end);
      ready.catch(noteFailure);
      const left = options.analysisDeadlineMs - (performance.now() - arrived);
      if (left > 0) {
        await Promise.race([
          ready.catch(noteFailure),
          new Promise<void>((ok) => {
            wake = ok;
            timer = setTimeout(onTimeout, left);
          }),
        ]);
        if (timer) clearTimeout(timer);
        wake = null;
      }
      wait = performance.now() - arrived;
      if (nWaits >= waits.length) waits = grow(waits);
      waits[nWaits++] = wait;
    }

    const before = performance.now();
    processor.process(inBlock, n, outBlock);
    if (n < blockSize) outBlock.fill(0, n);
    device.write(outBytes);
    const after = performance.now();

    const engine = after - before;
    const blocks = figures.blocks;
    if (blocks >= blockMs.length) blockMs = grow(blockMs);
    blockMs[blocks] = engine;
    figures.recentMs[blocks % figures.recentMs.length] = engine;
    figures.blocks = blocks + 1;
    figures.lastBlockMs = engine;
    if (engine > figures.maxBlockMs) figures.maxBlockMs = engine;
    figures.frames = end;
    figures.level = rms(inBlock, n);
    figures.analysisFailed = failure;

    if (options.recorder) {
      const t = processor.timings;
      stats.arrivalMs = arrived - t0;
      stats.gapMs = arrived - last;
      stats.analysisWaitMs = wait;
      stats.analysisMs = t.analysisMs;
      stats.agentsMs = t.agentsMs;
      stats.synthMs = t.synthMs;
      stats.engineMs = engine;
      stats.writesPending = device.writesPending;
      stats.underflows = device.counters.underflows;
      stats.dropped = device.counters.dropped;
      stats.overflows = device.counters.overflows;
      options.recorder.recordBlockStats(frame, stats);
    }
    if (frame === 0) options.onFirstBlock?.();
    last = arrived;
    frame = end;
  }
  return {
    framesProcessed: frame,
    aborted,
    wallSeconds: (performance.now() - t0) / 1000,
    blockMs: blockMs.subarray(0, figures.blocks),
    analysisWaitMs: waits.subarray(0, nWaits),
  };
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function rms(x: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, n));
}

/** New figures for a run (the ring holds the last `recent` blocks). */
export function liveFigures(recent = 512): LiveFigures {
  return {
    frames: 0,
    blocks: 0,
    analysisFailed: false,
    lastBlockMs: 0,
    maxBlockMs: 0,
    level: 0,
    recentMs: new Float64Array(recent),
  };
}
