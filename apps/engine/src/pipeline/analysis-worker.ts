/**
 * The analysis pool's task: per-hop features for a batch of hops. Runs in a piscina worker.
 * Pure: each hop's features depend only on the window of samples that ends at that hop.
 */
import { analysisConfig, extractFeatures } from "@performia/dsp";
import type { AnalysisConfig, HopFeatures } from "@performia/dsp";

export interface HopBatch {
  readonly sampleRate: number;
  /** Samples from frame `chunkStart` on (frames before the stream start are zeros). */
  readonly chunk: Float32Array;
  readonly chunkStart: number;
  /** Frames at which the hops end, ascending; each window is the `windowSize` samples before it. */
  readonly hopEnds: readonly number[];
}

const configs = new Map<number, AnalysisConfig>();

export default function analyzeHops(batch: HopBatch): HopFeatures[] {
  let config = configs.get(batch.sampleRate);
  if (!config) {
    config = analysisConfig(batch.sampleRate);
    configs.set(batch.sampleRate, config);
  }
  const w = config.windowSize;
  return batch.hopEnds.map((end) =>
    extractFeatures(batch.chunk.subarray(end - w - batch.chunkStart, end - batch.chunkStart), config),
  );
}
