/**
 * WAV files in and out, streaming (memory stays flat over long files), with errors that say
 * what is wrong with the file and where. Reads PCM 8/16/24/32-bit and IEEE float 32/64, any
 * channel count (mixed down to mono), any sample rate. Writes mono 16-bit PCM or 32-bit float.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync, constants, accessSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PerformiaError } from "@performia/protocol";

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly float: boolean;
  /** Frames in the file (complete frames actually present). */
  readonly frames: number;
  /** Set when the data chunk claims more bytes than the file holds. */
  readonly truncated: boolean;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function wavError(path: string, what: string, hint?: string): PerformiaError {
  return new PerformiaError(
    `${path}: ${what}`,
    "BAD_WAV",
    hint ?? "give a mono or stereo PCM or float WAV file",
  );
}

/** A WAV file read block by block. Runs on the pipeline (driver) thread. */
export class WavReader {
  readonly format: WavFormat;
  private readonly fd: number;
  private readonly dataStart: number;
  private readonly bytesPerFrame: number;
  private position = 0; // frames read so far
  private raw: Buffer;

  constructor(readonly path: string) {
    const abs = resolve(path);
    let fd: number;
    try {
      fd = openSync(abs, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new PerformiaError(
        `${path}: cannot open (${code === "ENOENT" ? "no such file" : String(code)})`,
        "NO_FILE",
        "check the path",
      );
    }
    this.fd = fd;
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(12);
      if (size < 12 || readSync(fd, head, 0, 12, 0) < 12)
        throw wavError(path, `not a WAV file (only ${size} bytes)`);
      if (head.toString("ascii", 0, 4) !== "RIFF" || head.toString("ascii", 8, 12) !== "WAVE") {
        throw wavError(path, "not a WAV file (no RIFF/WAVE header at byte 0)");
      }
      let offset = 12;
      let fmt: { format: number; channels: number; rate: number; bits: number; blockAlign: number } | null =
        null;
      let dataStart = -1;
      let dataBytes = 0;
      const chunkHead = Buffer.alloc(8);
      while (offset + 8 <= size) {
        readSync(fd, chunkHead, 0, 8, offset);
        const id = chunkHead.toString("ascii", 0, 4);
        const len = chunkHead.readUInt32LE(4);
        if (id === "fmt ") {
          if (len < 16)
            throw wavError(path, `fmt chunk at byte ${offset} is ${len} bytes, expected at least 16`);
          const b = Buffer.alloc(Math.min(len, 40));
          readSync(fd, b, 0, b.length, offset + 8);
          let format = b.readUInt16LE(0);
          if (format === WAVE_FORMAT_EXTENSIBLE && b.length >= 26) format = b.readUInt16LE(24);
          fmt = {
            format,
            channels: b.readUInt16LE(2),
            rate: b.readUInt32LE(4),
            blockAlign: b.readUInt16LE(12),
            bits: b.readUInt16LE(14),
          };
        } else if (id === "data") {
          dataStart = offset + 8;
          dataBytes = len;
          break;
        }
        offset += 8 + len + (len & 1);
      }
      if (!fmt) throw wavError(path, "no fmt chunk before the audio data");
      if (dataStart < 0) throw wavError(path, "no data chunk: the file holds no audio");
      if (fmt.format !== WAVE_FORMAT_PCM && fmt.format !== WAVE_FORMAT_IEEE_FLOAT) {
        throw wavError(
          path,
          `audio format ${fmt.format} is compressed or unknown`,
          "convert it to PCM, e.g. sox in.wav -e signed -b 16 out.wav",
        );
      }
      const float = fmt.format === WAVE_FORMAT_IEEE_FLOAT;
      const okBits = float ? [32, 64] : [8, 16, 24, 32];
      if (!okBits.includes(fmt.bits))
        throw wavError(path, `${fmt.bits}-bit ${float ? "float" : "PCM"} samples are not supported`);
      if (fmt.channels < 1) throw wavError(path, "fmt chunk says 0 channels");
      if (fmt.rate < 8000 || fmt.rate > 192000) {
        throw wavError(path, `sample rate ${fmt.rate} Hz is outside 8,000–192,000 Hz`);
      }
      const bytesPerFrame = (fmt.bits / 8) * fmt.channels;
      const available = size - dataStart;
      const truncated = dataBytes > available;
      const usable = Math.min(dataBytes, available);
      const frames = Math.floor(usable / bytesPerFrame);
      if (frames === 0)
        throw wavError(path, "empty: the data chunk holds no audio frames", "record or export some audio");
      this.format = {
        sampleRate: fmt.rate,
        channels: fmt.channels,
        bitsPerSample: fmt.bits,
        float,
        frames,
        truncated,
      };
      this.dataStart = dataStart;
      this.bytesPerFrame = bytesPerFrame;
      this.raw = Buffer.alloc(bytesPerFrame * 4096);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get framesLeft(): number {
    return this.format.frames - this.position;
  }

  /** Read up to `n` frames, mixed to mono, into `out`. Returns frames read (0 at the end). */
  read(out: Float32Array, n: number): number {
    const count = Math.min(n, this.framesLeft, out.length);
    if (count <= 0) return 0;
    const bytes = count * this.bytesPerFrame;
    if (this.raw.length < bytes) this.raw = Buffer.alloc(bytes);
    const got = readSync(this.fd, this.raw, 0, bytes, this.dataStart + this.position * this.bytesPerFrame);
    const frames = Math.floor(got / this.bytesPerFrame);
    decodeMono(this.raw, frames, this.format, out);
    this.position += frames;
    return frames;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function decodeMono(raw: Buffer, frames: number, f: WavFormat, out: Float32Array): void {
  const ch = f.channels;
  const bps = f.bitsPerSample / 8;
  const scale = 1 / ch;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < ch; c++) {
      const o = (i * ch + c) * bps;
      let v: number;
      if (f.float) v = bps === 4 ? raw.readFloatLE(o) : raw.readDoubleLE(o);
      else if (bps === 2) v = raw.readInt16LE(o) / 32768;
      else if (bps === 3) v = raw.readIntLE(o, 3) / 8388608;
      else if (bps === 4) v = raw.readInt32LE(o) / 2147483648;
      else v = (raw.readUInt8(o) - 128) / 128;
      sum += Number.isFinite(v) ? v : 0;
    }
    out[i] = sum * scale;
  }
}

/** Read a whole WAV file as mono float samples. */
export function readWav(path: string): { samples: Float32Array; format: WavFormat } {
  const r = new WavReader(path);
  try {
    const samples = new Float32Array(r.format.frames);
    let at = 0;
    const block = new Float32Array(65536);
    for (;;) {
      const n = r.read(block, block.length);
      if (n === 0) break;
      samples.set(block.subarray(0, n), at);
      at += n;
    }
    return { samples: samples.subarray(0, at), format: r.format };
  } finally {
    r.close();
  }
}

/** Fail before any work starts when `path` cannot be written. */
export function assertWritable(path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new PerformiaError(
      `cannot write ${path}: the folder ${dir} does not exist or is not writable`,
      "UNWRITABLE",
      "choose another output path",
    );
  }
}

/** A mono WAV written block by block; the header is completed on close. Runs on the driver thread. */
export class WavWriter {
  private readonly fd: number;
  private frames = 0;
  private buf: Buffer;
  private readonly bytes: number;

  constructor(
    readonly path: string,
    readonly sampleRate: number,
    readonly encoding: "pcm16" | "float32" = "pcm16",
  ) {
    assertWritable(path);
    try {
      this.fd = openSync(path, "w");
    } catch (e) {
      throw new PerformiaError(
        `cannot write ${path}: ${(e as Error).message}`,
        "UNWRITABLE",
        "choose another output path",
      );
    }
    this.bytes = encoding === "pcm16" ? 2 : 4;
    this.buf = Buffer.alloc(4096 * this.bytes);
    writeSync(this.fd, this.header(0), 0, 44, 0);
  }

  write(samples: Float32Array, n: number): void {
    const len = n * this.bytes;
    if (this.buf.length < len) this.buf = Buffer.alloc(len);
    for (let i = 0; i < n; i++) {
      const v = samples[i]!;
      const s = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
      if (this.bytes === 2) this.buf.writeInt16LE(Math.round(s * 32767), i * 2);
      else this.buf.writeFloatLE(s, i * 4);
    }
    writeSync(this.fd, this.buf, 0, len, 44 + this.frames * this.bytes);
    this.frames += n;
  }

  get framesWritten(): number {
    return this.frames;
  }

  close(): void {
    writeSync(this.fd, this.header(this.frames * this.bytes), 0, 44, 0);
    closeSync(this.fd);
  }

  private header(dataBytes: number): Buffer {
    const h = Buffer.alloc(44);
    h.write("RIFF", 0, "ascii");
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write("WAVE", 8, "ascii");
    h.write("fmt ", 12, "ascii");
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(this.bytes === 2 ? WAVE_FORMAT_PCM : WAVE_FORMAT_IEEE_FLOAT, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(this.sampleRate, 24);
    h.writeUInt32LE(this.sampleRate * this.bytes, 28);
    h.writeUInt16LE(this.bytes, 32);
    h.writeUInt16LE(this.bytes * 8, 34);
    h.write("data", 36, "ascii");
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
}

/** Write a whole mono buffer to a WAV file. */
export function writeWav(
  path: string,
  samples: Float32Array,
  sampleRate: number,
  encoding: "pcm16" | "float32" = "pcm16",
): void {
  const w = new WavWriter(path, sampleRate, encoding);
  w.write(samples, samples.length);
  w.close();
}
