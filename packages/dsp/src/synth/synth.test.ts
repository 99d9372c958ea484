/** The Synth as the engine drives it: scheduling, determinism, voices, gains, real-time safety. */
import { describe, expect, it } from "vitest";
import { DRUM, INSTRUMENTS, type Instrument } from "@performia/protocol";
import { renderNotes, type RenderNote } from "./render-notes.js";
import { Synth } from "./synth.js";
import { firstNonZero, peakAbs } from "./test-util.js";

const SR = 48000;
const BLOCK = 128;

/**
 * Drives a Synth with blocks of `block` frames, calling noteOn (in start order, as the engine's
 * scheduler does) inside the block each note starts.
 */
function drive(input: readonly RenderNote[], length: number, block: number, seed = 1): Float32Array {
  const notes = [...input].sort((a, b) => a.startFrame - b.startFrame);
  const synth = new Synth({ sampleRate: SR, seed });
  const out = new Float32Array(length);
  const buf = new Float32Array(block);
  for (let base = 0; base < length; base += block) {
    const n = Math.min(block, length - base);
    for (const note of notes) {
      if (note.startFrame >= base && note.startFrame < base + n) {
        synth.noteOn(
          note.channel ?? 0,
          note.instrument,
          note.pitch,
          note.velocity,
          note.startFrame - base,
          note.durationFrames,
        );
      }
    }
    synth.render(buf, n);
    out.set(buf.subarray(0, n), base);
  }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A bar of every instrument, with chords, a strum and overlapping drums. */
function band(): RenderNote[] {
  const notes: RenderNote[] = [];
  const beat = SR / 2;
  for (let b = 0; b < 4; b++) {
    const t = b * beat;
    notes.push({
      instrument: "drums",
      pitch: b % 2 ? DRUM.snare : DRUM.kick,
      velocity: 100,
      startFrame: t,
      durationFrames: 1,
    });
    notes.push({
      instrument: "drums",
      pitch: DRUM.closedHat,
      velocity: 80,
      startFrame: t + beat / 2,
      durationFrames: 1,
    });
    notes.push({
      instrument: "bass",
      pitch: 40 + b * 2,
      velocity: 100,
      startFrame: t + 7,
      durationFrames: beat - 500,
      channel: 1,
    });
  }
  for (const p of [60, 64, 67])
    notes.push({
      instrument: "epiano",
      pitch: p,
      velocity: 70,
      startFrame: 301,
      durationFrames: SR,
      channel: 2,
    });
  [40, 45, 50, 55, 59, 64].forEach((p, i) =>
    notes.push({
      instrument: "guitar",
      pitch: p,
      velocity: 90,
      startFrame: beat + i * 613,
      durationFrames: SR,
      channel: 3,
    }),
  );
  notes.push({
    instrument: "voice",
    pitch: 67,
    velocity: 90,
    startFrame: 1000,
    durationFrames: SR,
    channel: 4,
  });
  notes.push({ instrument: "drums", pitch: DRUM.crash, velocity: 110, startFrame: 0, durationFrames: 1 });
  return notes;
}

describe("scheduling", () => {
  it("starts a drum hit exactly at its offset, in the first block and in a later one", () => {
    for (const key of [DRUM.kick, DRUM.snare, DRUM.closedHat, DRUM.ride, 60]) {
      const synth = new Synth({ sampleRate: SR, seed: 3 });
      const out = new Float32Array(BLOCK);
      synth.noteOn(0, "drums", key, 100, 37, 1);
      synth.render(out, BLOCK);
      expect(firstNonZero(out), `key ${key}`).toBe(37);
    }
    const later = drive(
      [
        {
          instrument: "drums",
          pitch: DRUM.kick,
          velocity: 100,
          startFrame: 3 * BLOCK + 37,
          durationFrames: 1,
        },
      ],
      8 * BLOCK,
      BLOCK,
    );
    expect(firstNonZero(later)).toBe(3 * BLOCK + 37);
  });

  it("starts every instrument at its offset (silent before, sounding within 2 samples)", () => {
    for (const instrument of INSTRUMENTS) {
      const synth = new Synth({ sampleRate: SR, seed: 3 });
      const out = new Float32Array(BLOCK);
      synth.noteOn(0, instrument, instrument === "drums" ? DRUM.snare : 57, 100, 37, 1000);
      synth.render(out, BLOCK);
      const first = firstNonZero(out);
      expect(first, instrument).toBeGreaterThanOrEqual(37);
      expect(first, instrument).toBeLessThanOrEqual(39);
    }
  });

  it("releases a note exactly durationFrames after it starts", () => {
    for (const instrument of ["bass", "epiano", "guitar", "voice"] as const) {
      const note = (durationFrames: number): RenderNote[] => [
        { instrument, pitch: 52, velocity: 100, startFrame: 200, durationFrames },
      ];
      const short = renderNotes(note(1000), 4000, { sampleRate: SR, seed: 1 });
      const long = renderNotes(note(3000), 4000, { sampleRate: SR, seed: 1 });
      let diverge = -1;
      for (let i = 0; i < short.length && diverge < 0; i++) if (short[i] !== long[i]) diverge = i;
      // The release changes the envelope from the release frame on; the first changed sample is
      // at 1200 or (when the envelope step is rounded away in float32) just after it.
      expect(diverge, instrument).toBeGreaterThanOrEqual(1200);
      expect(diverge, instrument).toBeLessThanOrEqual(1203);
    }
  });

  it("sounds the same whatever the block size", () => {
    // Identical up to the moment a voice is found finished (checked at block ends, at -80 dB).
    const notes = band();
    const a = drive(notes, 2 * SR, 128);
    for (const block of [64, 1000, 4096])
      expect(maxDiff(drive(notes, 2 * SR, block), a), `block ${block}`).toBeLessThan(1e-4);
    expect(
      Buffer.from(renderNotes(notes, 2 * SR, { sampleRate: SR, seed: 1 }).buffer).equals(
        Buffer.from(a.buffer),
      ),
    ).toBe(true);
  });
});

describe("determinism", () => {
  it("renders bit-identical output from the same input and seed", () => {
    const a = renderNotes(band(), 2 * SR, { sampleRate: SR, seed: 42 });
    const b = renderNotes(band(), 2 * SR, { sampleRate: SR, seed: 42 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(peakAbs(a)).toBeGreaterThan(0.1);
  });

  it("changes the noise with the seed", () => {
    const snare: RenderNote[] = [
      { instrument: "drums", pitch: DRUM.snare, velocity: 100, startFrame: 0, durationFrames: 1 },
    ];
    const a = renderNotes(snare, SR / 4, { sampleRate: SR, seed: 1 });
    const b = renderNotes(snare, SR / 4, { sampleRate: SR, seed: 2 });
    expect(maxDiff(a, b)).toBeGreaterThan(0.01);
  });
});

describe("voices", () => {
  it("never exceeds the pool, steals without crashing, and stays finite", () => {
    const synth = new Synth({ sampleRate: SR, maxVoices: 4, seed: 1 });
    const out = new Float32Array(BLOCK);
    for (let block = 0; block < 400; block++) {
      for (let k = 0; k < 5; k++) {
        const instrument = INSTRUMENTS[(block + k) % INSTRUMENTS.length]!;
        synth.noteOn(k, instrument, 30 + ((block * 7 + k * 5) % 60), 127, (k * 29) % BLOCK, 20000);
      }
      synth.render(out, BLOCK);
      expect(synth.activeVoices).toBeLessThanOrEqual(4);
      for (let i = 0; i < BLOCK; i++) expect(Number.isFinite(out[i])).toBe(true);
      expect(peakAbs(out)).toBeLessThan(4);
    }
  });

  it("steals the quietest finished voice before a held one", () => {
    // Two voices: a held epiano (channel 0), a hat (channel 1), then a bass (channel 2) arrives.
    // Only channel 0 is heard; if the epiano survived, the output equals the epiano alone.
    const play = (withOthers: boolean) => {
      const synth = new Synth({ sampleRate: SR, maxVoices: 2, seed: 1 });
      synth.setChannelGain(1, 0);
      synth.setChannelGain(2, 0);
      const out = new Float32Array(180 * BLOCK);
      const buf = new Float32Array(BLOCK);
      for (let base = 0; base < out.length; base += BLOCK) {
        if (base === 0) synth.noteOn(0, "epiano", 60, 100, 0, SR);
        if (base === 0 && withOthers) synth.noteOn(1, "drums", DRUM.openHat, 100, 0, 1);
        if (base === 100 * BLOCK && withOthers) synth.noteOn(2, "bass", 40, 100, 5, SR);
        synth.render(buf, BLOCK);
        out.set(buf, base);
      }
      return out;
    };
    const alone = play(false);
    expect(peakAbs(alone, 150 * BLOCK)).toBeGreaterThan(0.05);
    expect(maxDiff(play(true), alone)).toBe(0);
  });

  it("returns to silence after a note's end plus its release, and frees the voice", () => {
    for (const instrument of ["bass", "epiano", "guitar", "voice"] as const) {
      const synth = new Synth({ sampleRate: SR, seed: 1 });
      const out = new Float32Array(SR);
      synth.noteOn(0, instrument, 57, 127, 0, 0.3 * SR);
      synth.render(out, SR);
      expect(peakAbs(out, 0, 0.3 * SR), instrument).toBeGreaterThan(0.1);
      // Release times: bass ~60 ms, epiano ~150 ms, guitar ~100 ms, voice ~150 ms.
      expect(peakAbs(out, 0.3 * SR + 0.3 * SR), instrument).toBeLessThan(1e-3);
      expect(synth.activeVoices, instrument).toBe(0);
    }
    const synth = new Synth({ sampleRate: SR, seed: 1 });
    const out = new Float32Array(6 * SR);
    synth.noteOn(0, "drums", DRUM.crash, 127, 0, 1);
    synth.render(out, out.length);
    expect(synth.activeVoices).toBe(0);
  });

  it("allNotesOff fades everything out within a few ms and drops notes not yet started", () => {
    const synth = new Synth({ sampleRate: SR, seed: 1 });
    const out = new Float32Array(SR / 5);
    for (const instrument of INSTRUMENTS) synth.noteOn(0, instrument, 49, 120, 0, 10 * SR);
    synth.render(out, out.length);
    synth.noteOn(0, "bass", 40, 100, 64, SR);
    synth.allNotesOff();
    const tail = new Float32Array(SR / 20);
    synth.render(tail, tail.length);
    expect(peakAbs(tail, 0, 10)).toBeGreaterThan(1e-3); // a fade, not a cut
    expect(peakAbs(tail, 0.04 * SR)).toBeLessThan(1e-4);
    expect(synth.activeVoices).toBe(0);
  });

  it("ignores invalid notes and clamps the rest without throwing", () => {
    const synth = new Synth({ sampleRate: SR, seed: 1 });
    synth.noteOn(0, "bass", 40, 0, 0, 100);
    synth.noteOn(0, "bass", Number.NaN, 100, 0, 100);
    synth.noteOn(0, "kazoo" as Instrument, 60, 100, 0, 100);
    expect(synth.activeVoices).toBe(0);
    synth.noteOn(99, "epiano", 200, 300, -5, Number.NaN);
    synth.noteOn(-1, "guitar", -12, 64, 0, 1000);
    synth.noteOn(3, "drums", 127, 127, 0, 1);
    const out = new Float32Array(SR / 2);
    synth.render(out, out.length);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(() => new Synth({ sampleRate: 0, seed: 1 })).toThrow(RangeError);
    expect(() => new Synth({ sampleRate: SR, maxVoices: 0, seed: 1 })).toThrow(RangeError);
  });

  it("plays every instrument at 22.05 and 96 kHz", () => {
    for (const sampleRate of [22050, 96000]) {
      for (const instrument of INSTRUMENTS) {
        for (const pitch of [20, 40, 49, 72, 100]) {
          const x = renderNotes(
            [{ instrument, pitch, velocity: 127, startFrame: 0, durationFrames: 2000 }],
            4000,
            { sampleRate, seed: 1 },
          );
          expect(x.every(Number.isFinite), `${instrument} ${pitch} @${sampleRate}`).toBe(true);
          expect(peakAbs(x), `${instrument} ${pitch} @${sampleRate}`).toBeLessThan(1);
        }
      }
    }
  });
});

describe("channels", () => {
  it("glides a channel's gain without a click and keeps channels apart", () => {
    const play = (mute: boolean) => {
      const synth = new Synth({ sampleRate: SR, seed: 1 });
      const out = new Float32Array(SR / 2);
      synth.noteOn(3, "voice", 64, 110, 0, SR);
      synth.noteOn(5, "bass", 40, 100, 0, SR);
      synth.setChannelGain(5, 0);
      synth.render(out.subarray(0, SR / 4), SR / 4);
      if (mute) synth.setChannelGain(3, 0);
      synth.render(out.subarray(SR / 4), SR / 4);
      return out;
    };
    const ref = play(false);
    const muted = play(true);
    // Channel 5 (bass, gain 0 from the start) is never heard: the reference is the voice alone.
    const alone = renderNotes(
      [{ instrument: "voice", pitch: 64, velocity: 110, startFrame: 0, durationFrames: SR, channel: 3 }],
      SR / 2,
      { sampleRate: SR, seed: 1 },
    );
    expect(maxDiff(ref, alone)).toBe(0);
    // The mute is a glide: the gain (muted / ref) falls monotonically from ~1 to ~0 in ~10 ms.
    const at = SR / 4;
    let prev = 1;
    for (let i = at; i < at + 0.01 * SR; i++) {
      if (Math.abs(ref[i]!) < 0.02) continue;
      const g = muted[i]! / ref[i]!;
      expect(g).toBeLessThanOrEqual(prev + 1e-3);
      expect(g).toBeGreaterThanOrEqual(0);
      prev = g;
    }
    expect(muted[at]! / ref[at]!).toBeGreaterThan(0.95);
    expect(peakAbs(muted, at + 0.02 * SR)).toBeLessThan(1e-3);
  });
});
