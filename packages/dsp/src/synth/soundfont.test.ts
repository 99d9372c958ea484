import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SOUNDFONT_PATHS, SoundFontSynth } from "./soundfont.js";

/** A General MIDI SoundFont installed on this machine (CI installs musescore-general-soundfont-small). */
const path = SOUNDFONT_PATHS.find((p) => existsSync(p));
const SR = 44100;

function render(synth: SoundFontSynth, seconds: number, block = 128): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  const tmp = new Float32Array(block);
  for (let at = 0; at < out.length; at += block) {
    const n = Math.min(block, out.length - at);
    synth.render(tmp, n);
    out.set(tmp.subarray(0, n), at);
  }
  return out;
}

const rms = (x: Float32Array, a: number, b: number): number => {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (b - a));
};

/** The strongest period (autocorrelation) between minHz and maxHz, as Hz. */
function pitchOf(x: Float32Array, from: number, minHz: number, maxHz: number): number {
  const n = 8192;
  let best = 0;
  let bestLag = 0;
  for (let lag = Math.floor(SR / maxHz); lag <= Math.ceil(SR / minHz); lag++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[from + i]! * x[from + i + lag]!;
    if (s > best) {
      best = s;
      bestLag = lag;
    }
  }
  return SR / bestLag;
}

describe.runIf(path !== undefined)(`the band through a SoundFont (${path ?? "none installed"})`, () => {
  it("plays a bass note at its pitch, starting at its frame, and releases it after its duration", async () => {
    const synth = await SoundFontSynth.load(path!, SR);
    synth.noteOn(0, "bass", 45, 110, 300, Math.round(0.5 * SR));
    const out = render(synth, 1.5, 1024);
    const first = out.findIndex((v) => Math.abs(v) > 1e-4);
    expect(first).toBeGreaterThanOrEqual(300);
    expect(first).toBeLessThan(300 + 0.02 * SR);
    const hz = pitchOf(out, Math.round(0.1 * SR), 60, 400);
    expect(Math.abs(1200 * Math.log2(hz / 110))).toBeLessThan(50);
    // Released at 0.5 s: much quieter a second later than while held.
    expect(rms(out, Math.round(1.3 * SR), Math.round(1.5 * SR))).toBeLessThan(
      0.1 * rms(out, Math.round(0.1 * SR), Math.round(0.3 * SR)),
    );
  });

  it("plays the drum kit on the General MIDI percussion channel, and follows channel gains", async () => {
    const loud = await SoundFontSynth.load(path!, SR);
    const soft = await SoundFontSynth.load(path!, SR);
    soft.setChannelGain(1, 0.1);
    for (const s of [loud, soft]) s.noteOn(1, "drums", 38, 120, 0, 4410);
    const a = render(loud, 0.3);
    const b = render(soft, 0.3);
    expect(rms(a, 0, a.length)).toBeGreaterThan(0.01);
    expect(rms(b, 0, b.length)).toBeLessThan(0.3 * rms(a, 0, a.length));
  });

  it("says which file it could not read", async () => {
    await expect(SoundFontSynth.load("/nonexistent/gm.sf2", SR)).rejects.toThrow(
      /cannot read the SoundFont \/nonexistent\/gm\.sf2/,
    );
    await expect(SoundFontSynth.load("/etc/hostname", SR)).rejects.toThrow(
      /\/etc\/hostname is not a SoundFont/,
    );
  });
});
