import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWav, WavReader, WavWriter, writeWav } from "./wav.js";

const dir = mkdtempSync(join(tmpdir(), "performia-wav-"));

/** A WAV header + data, by hand, so the tests do not depend on the writer under test. */
function rawWav(opts: {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  data: Buffer;
  declared?: number;
}): Buffer {
  const { format = 1, channels = 1, rate = 44100, bits = 16, data } = opts;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE((rate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(opts.declared ?? data.length, 40);
  return Buffer.concat([h, data]);
}

function file(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe("WAV files", () => {
  it("writes and reads back 16-bit and float audio", () => {
    const x = new Float32Array(1000).map((_, i) => Math.sin(i / 10) * 0.5);
    const p16 = join(dir, "a16.wav");
    writeWav(p16, x, 48000);
    const a = readWav(p16);
    expect(a.format.sampleRate).toBe(48000);
    expect(a.samples.length).toBe(1000);
    for (let i = 0; i < x.length; i++) expect(Math.abs(a.samples[i]! - x[i]!)).toBeLessThan(1 / 16000);
    const pf = join(dir, "af.wav");
    writeWav(pf, x, 8000, "float32");
    expect(Array.from(readWav(pf).samples)).toEqual(Array.from(x));
  });

  it("mixes stereo down to mono and reads 24-bit", () => {
    const d = Buffer.alloc(4 * 2);
    d.writeInt16LE(16384, 0); // L = 0.5
    d.writeInt16LE(0, 2); // R = 0
    d.writeInt16LE(-32768, 4);
    d.writeInt16LE(-32768, 6);
    const s = readWav(file("stereo.wav", rawWav({ channels: 2, data: d })));
    expect(s.format.channels).toBe(2);
    expect(Array.from(s.samples)).toEqual([0.25, -1]);
    const d24 = Buffer.alloc(3);
    d24.writeIntLE(-4194304, 0, 3);
    expect(readWav(file("24.wav", rawWav({ bits: 24, data: d24 }))).samples[0]).toBe(-0.5);
  });

  it("reads a file block by block at any rate", () => {
    const p = join(dir, "blocks.wav");
    const w = new WavWriter(p, 96000);
    const block = new Float32Array(128).fill(0.25);
    for (let i = 0; i < 10; i++) w.write(block, 128);
    w.close();
    const r = new WavReader(p);
    const into = new Float32Array(300);
    expect(r.read(into, 300)).toBe(300);
    expect(r.framesLeft).toBe(980);
    r.close();
  });

  it("says what is wrong with a bad file", () => {
    expect(() => new WavReader(join(dir, "missing.wav"))).toThrow(/no such file/);
    expect(() => new WavReader(file("text.wav", Buffer.from("hello, this is not audio at all")))).toThrow(
      /not a WAV file/,
    );
    expect(() => new WavReader(file("empty.wav", rawWav({ data: Buffer.alloc(0) })))).toThrow(/empty/);
    expect(() => new WavReader(file("tiny.wav", Buffer.alloc(3)))).toThrow(/only 3 bytes/);
    expect(() => new WavReader(file("mp3.wav", rawWav({ format: 85, data: Buffer.alloc(100) })))).toThrow(
      /compressed or unknown/,
    );
  });

  it("reads what a truncated file holds and says it is truncated", () => {
    const r = new WavReader(file("trunc.wav", rawWav({ data: Buffer.alloc(200), declared: 100000 })));
    expect(r.format.truncated).toBe(true);
    expect(r.format.frames).toBe(100);
    r.close();
  });

  it("refuses an output folder that does not exist before writing anything", () => {
    expect(() => new WavWriter(join(dir, "no", "such", "dir", "x.wav"), 44100)).toThrow(
      /does not exist or is not writable/,
    );
    expect(readFileSync(join(dir, "a16.wav")).length).toBeGreaterThan(44);
  });
});
