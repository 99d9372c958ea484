import { WavReader } from "../io/wav.js";
import type { InputSource } from "./types.js";

/** A WAV file as an input source (mixed to mono, at the file's own rate). */
export class WavSource implements InputSource {
  private readonly reader: WavReader;
  constructor(path: string) {
    this.reader = new WavReader(path);
  }
  get sampleRate(): number {
    return this.reader.format.sampleRate;
  }
  get totalFrames(): number {
    return this.reader.format.frames;
  }
  get name(): string {
    return this.reader.path;
  }
  get format(): WavReader["format"] {
    return this.reader.format;
  }
  read(into: Float32Array, n: number): number {
    return this.reader.read(into, n);
  }
  close(): void {
    this.reader.close();
  }
}
