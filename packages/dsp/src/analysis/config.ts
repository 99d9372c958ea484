/**
 * Analysis configuration: hop and window sizes derived from the sample rate. A plain object
 * (structured-clone friendly) so it can be handed to pool workers.
 */

export interface AnalysisConfig {
  readonly sampleRate: number;
  /** Samples per hop: one analysis frame every 10 ms. */
  readonly hopSize: number;
  /** Samples in the analysis window (a power of two, ~46 ms) ending at each hop boundary. */
  readonly windowSize: number;
  /** Lowest and highest fundamental the pitch tracker looks for (Hz). */
  readonly minHz: number;
  readonly maxHz: number;
  /** Decimation factor of the pitch path (the pitch runs at sampleRate / pitchDecimation). */
  readonly pitchDecimation: number;
  /** Number of log-spaced band magnitudes in `HopFeatures.bands`. */
  readonly bandCount: number;
  /**
   * Frames by which a pitch estimate lags the hop end it is stamped with: the estimate
   * describes the signal around `frame - pitchLatency` (the window's weight sits there).
   */
  readonly pitchLatency: number;
}

const REFERENCE_RATE = 44100;
const REFERENCE_WINDOW = 2048;

/**
 * The analysis configuration for a sample rate (8 kHz to 96 kHz).
 * Runs on any thread (pure).
 * @example analysisConfig(44100) // => { sampleRate: 44100, hopSize: 441, windowSize: 2048, ... }
 */
export function analysisConfig(sampleRate: number): AnalysisConfig {
  if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 192000) {
    throw new RangeError(`analysisConfig: unsupported sample rate ${sampleRate} (8000..192000)`);
  }
  const hopSize = Math.round(sampleRate * 0.01);
  const windowSize = 2 ** Math.round(Math.log2((sampleRate * REFERENCE_WINDOW) / REFERENCE_RATE));
  // Decimate the pitch path to ~11-16 kHz: enough for f0 up to 1200 Hz and far cheaper.
  const pitchDecimation = Math.max(1, 2 ** Math.floor(Math.log2(sampleRate / 11025)));
  const pitchLatency = Math.round(windowSize * 0.3);
  return {
    sampleRate,
    hopSize,
    windowSize,
    minHz: 60,
    maxHz: 1200,
    pitchDecimation,
    bandCount: 32,
    pitchLatency,
  };
}
