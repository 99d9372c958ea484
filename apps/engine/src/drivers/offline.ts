/**
 * The offline driver: as fast as the machine allows. It reads input ahead of the pipeline
 * (so the analysis pool works on batches in parallel), then runs the pipeline block by
 * block, waiting for the analysis each block needs. Used by perform (from a file), analyze,
 * replay and the golden tests.
 */
import type { AnalysisStage } from "../pipeline/analysis-stage.js";
import type { InputSource, OutputSink } from "./types.js";

export interface BlockProcessor {
  process(input: Float32Array, n: number, out: Float32Array): void;
}

export interface OfflineRunOptions {
  readonly source: InputSource;
  readonly stage: AnalysisStage;
  readonly processor: BlockProcessor;
  readonly sink?: OutputSink | null;
  readonly blockSize: number;
  /** Silence fed after the source ends, so ringing notes can finish (recorded as input). */
  readonly tailFrames?: number;
  /** Stop early (SIGINT): the run ends at the next block. */
  readonly signal?: AbortSignal;
  /** Called about every `progressEvery` frames. */
  readonly onProgress?: (processedFrames: number, totalFrames: number | null) => void;
  readonly progressEvery?: number;
  /** How far the input is read ahead, in frames (default: one second). */
  readonly readAheadFrames?: number;
  /** Stop after this many frames of source input. */
  readonly maxFrames?: number;
}

export interface OfflineRunResult {
  readonly framesRead: number;
  readonly tailFrames: number;
  readonly framesProcessed: number;
  readonly aborted: boolean;
}

interface Queued {
  readonly block: Float32Array;
  readonly n: number;
}

export async function runOffline(options: OfflineRunOptions): Promise<OfflineRunResult> {
  const { source, stage, processor, blockSize } = options;
  const tailTotal = options.tailFrames ?? 0;
  const readAhead = options.readAheadFrames ?? source.sampleRate;
  const maxFrames = options.maxFrames ?? Infinity;
  const progressEvery = options.progressEvery ?? source.sampleRate;
  const queue: Queued[] = [];
  const free: Float32Array[] = [];
  const out = new Float32Array(blockSize);
  let queued = 0;
  let framesRead = 0;
  let tailDone = 0;
  let sourceEnded = false;
  let processed = 0;
  let nextProgress = progressEvery;

  const fill = (): void => {
    while (queued < readAhead) {
      const block = free.pop() ?? new Float32Array(blockSize);
      let n = 0;
      if (!sourceEnded) {
        n = source.read(block, Math.min(blockSize, maxFrames - framesRead));
        if (n === 0) sourceEnded = true;
        else framesRead += n;
      }
      if (sourceEnded && n === 0) {
        n = Math.min(blockSize, tailTotal - tailDone);
        if (n <= 0) {
          free.push(block);
          stage.submit();
          return;
        }
        block.fill(0, 0, n);
        tailDone += n;
      }
      stage.push(block, n);
      queue.push({ block, n });
      queued += n;
    }
  };

  let aborted = false;
  for (;;) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    fill();
    const next = queue.shift();
    if (!next) break;
    queued -= next.n;
    await stage.ready(processed + next.n);
    processor.process(next.block, next.n, out);
    options.sink?.write(out, next.n);
    processed += next.n;
    free.push(next.block);
    if (processed >= nextProgress) {
      nextProgress += progressEvery;
      options.onProgress?.(
        processed,
        source.totalFrames === null ? null : Math.min(source.totalFrames, maxFrames) + tailTotal,
      );
    }
  }
  return { framesRead, tailFrames: tailDone, framesProcessed: processed, aborted };
}
