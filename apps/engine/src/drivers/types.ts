/** Drivers feed the pipeline. Only the driver differs between live, paced and offline runs. */

/** Where input blocks come from: a WAV file, a recorded session, a device. */
export interface InputSource {
  readonly sampleRate: number;
  /** Frames the source will give, when known (for progress and estimates). */
  readonly totalFrames: number | null;
  readonly name: string;
  /** Read up to `n` frames into `into`; returns frames read, 0 at the end. */
  read(into: Float32Array, n: number): number;
  close(): void;
}

/** Where output blocks go: a WAV file, a device, nowhere. */
export interface OutputSink {
  write(block: Float32Array, n: number): void;
  close(): void;
}
