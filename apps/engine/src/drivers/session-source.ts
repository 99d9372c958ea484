import type { SessionReader } from "../session/index.js";
import type { InputSource } from "./types.js";

/** A recorded session's input blocks, exactly as the pipeline saw them, one block per read. */
export class SessionSource implements InputSource {
  private readonly blocks: Iterator<{ frame: number; samples: Float32Array }>;
  readonly sampleRate: number;
  readonly totalFrames: number;
  readonly name: string;
  private expectedFrame = 0;

  constructor(reader: SessionReader) {
    const info = reader.info();
    this.sampleRate = info.sampleRate;
    this.totalFrames = info.frames;
    this.name = info.path;
    this.blocks = reader.inputBlocks();
  }

  read(into: Float32Array, n: number): number {
    const next = this.blocks.next();
    if (next.done) return 0;
    const { frame, samples } = next.value;
    if (frame !== this.expectedFrame) {
      throw new Error(
        `${this.name}: input block at frame ${frame} where ${this.expectedFrame} was expected (a gap in the recording)`,
      );
    }
    if (samples.length > n) {
      throw new Error(
        `${this.name}: a recorded block of ${samples.length} frames is larger than the block size ${n}`,
      );
    }
    into.set(samples);
    this.expectedFrame += samples.length;
    return samples.length;
  }

  close(): void {}
}
