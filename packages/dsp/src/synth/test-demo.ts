/**
 * Renders a 4-bar demo of every voice (bass, drums, epiano chords, a guitar strum, and a sung
 * melody mixed in as the "performer") to /tmp/synth-demo.wav, so a person can listen.
 * Not part of the build. Run: npx tsx src/synth/test-demo.ts [out.wav]
 */
import { writeFileSync } from "node:fs";
import { DRUM } from "@performia/protocol";
import { mixInto, renderNotes, type RenderNote } from "./index.js";

const SR = 48000;
const BPM = 100;
const BEAT = Math.round((60 / BPM) * SR);
const BARS = 4;
const LENGTH = BARS * 4 * BEAT + 2 * SR; // plus two seconds of tails

/** A minimal 16-bit PCM mono WAV file. */
function wav(samples: Float32Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    data.writeInt16LE(Math.round(s * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const at = (bar: number, beat: number) => Math.round((bar * 4 + beat) * BEAT);
const band: RenderNote[] = [];
const voice: RenderNote[] = [];

// Am - F - C - G: roots for the bass, voicings for the epiano, shapes for the guitar.
const chords = [
  { root: 45, keys: [57, 60, 64, 69], guitar: [40, 45, 52, 57, 60, 64] },
  { root: 41, keys: [57, 60, 65, 69], guitar: [41, 48, 53, 57, 60, 65] },
  { root: 48, keys: [55, 60, 64, 67], guitar: [48, 52, 55, 60, 64] },
  { root: 43, keys: [55, 59, 62, 67], guitar: [43, 47, 50, 55, 59, 67] },
];

chords.forEach((chord, bar) => {
  // Drums: kick on 1 and 3 (and the "and" of 3), snare on 2 and 4, eighth-note hats.
  for (const beat of [0, 2, 2.5])
    band.push({
      instrument: "drums",
      pitch: DRUM.kick,
      velocity: 110,
      startFrame: at(bar, beat),
      durationFrames: 1,
      channel: 9,
    });
  for (const beat of [1, 3])
    band.push({
      instrument: "drums",
      pitch: DRUM.snare,
      velocity: 100,
      startFrame: at(bar, beat),
      durationFrames: 1,
      channel: 9,
    });
  for (let e = 0; e < 8; e++) {
    const open = bar === 1 && e === 7;
    const key = bar >= 2 ? DRUM.ride : open ? DRUM.openHat : DRUM.closedHat;
    band.push({
      instrument: "drums",
      pitch: key,
      velocity: e % 2 ? 70 : 95,
      startFrame: at(bar, e / 2),
      durationFrames: 1,
      channel: 9,
    });
  }
  if (bar === 0 || bar === 2)
    band.push({
      instrument: "drums",
      pitch: DRUM.crash,
      velocity: 105,
      startFrame: at(bar, 0),
      durationFrames: 1,
      channel: 9,
    });

  // Bass: root eighths with an octave jump and a passing note.
  [0, 0, 12, 0, 0, 7, 12, 10].forEach((step, e) =>
    band.push({
      instrument: "bass",
      pitch: chord.root - 12 + step,
      velocity: e % 2 ? 85 : 105,
      startFrame: at(bar, e / 2),
      durationFrames: Math.round(BEAT * 0.45),
      channel: 1,
    }),
  );

  // Epiano: the chord on 1 and a softer push on the "and" of 2.
  for (const key of chord.keys) {
    band.push({
      instrument: "epiano",
      pitch: key,
      velocity: 80,
      startFrame: at(bar, 0),
      durationFrames: Math.round(BEAT * 1.4),
      channel: 2,
    });
    band.push({
      instrument: "epiano",
      pitch: key,
      velocity: 65,
      startFrame: at(bar, 1.5),
      durationFrames: Math.round(BEAT * 2.3),
      channel: 2,
    });
  }

  // Guitar: a downstroke strum on 3 (12 ms between strings), an upstroke on the "and" of 4.
  chord.guitar.forEach((p, s) => {
    band.push({
      instrument: "guitar",
      pitch: p,
      velocity: 95,
      startFrame: at(bar, 2) + s * Math.round(0.012 * SR),
      durationFrames: Math.round(BEAT * 1.4),
      channel: 3,
    });
  });
  [...chord.guitar]
    .reverse()
    .slice(0, 4)
    .forEach((p, s) => {
      band.push({
        instrument: "guitar",
        pitch: p + 12 > 76 ? p : p + 12,
        velocity: 70,
        startFrame: at(bar, 3.5) + s * Math.round(0.01 * SR),
        durationFrames: Math.round(BEAT * 0.45),
        channel: 3,
      });
    });
});

// The sung melody (the "performer"): half and quarter notes over the chords.
const melody: [number, number, number][] = [
  [0, 0, 69],
  [0, 2, 72],
  [0, 3, 71],
  [1, 0, 69],
  [1, 2, 65],
  [1, 3, 67],
  [2, 0, 64],
  [2, 1, 67],
  [2, 2, 72],
  [3, 0, 71],
  [3, 2, 67],
];
melody.forEach(([bar, beat, pitch], i) => {
  const next = melody[i + 1];
  const end = next ? at(next[0], next[1]) : at(4, 0);
  voice.push({
    instrument: "voice",
    pitch,
    velocity: 100,
    startFrame: at(bar, beat),
    durationFrames: end - at(bar, beat) - Math.round(0.04 * SR),
  });
});

const t0 = performance.now();
const bandAudio = renderNotes(band, LENGTH, { sampleRate: SR, seed: 2024 });
const voiceAudio = renderNotes(voice, LENGTH, { sampleRate: SR, seed: 2024 });
const ms = performance.now() - t0;
const peakOf = (x: Float32Array) => x.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
if (process.env.DEMO_PARTS) {
  for (const inst of ["drums", "bass", "epiano", "guitar"]) {
    const part = renderNotes(
      band.filter((n) => n.instrument === inst),
      LENGTH,
      { sampleRate: SR, seed: 2024 },
    );
    console.log(inst, "peak", peakOf(part).toFixed(3));
  }
}
console.log(`band peak ${peakOf(bandAudio).toFixed(3)}, voice peak ${peakOf(voiceAudio).toFixed(3)}`);
const out = new Float32Array(LENGTH);
mixInto(out, voiceAudio, 0.8, bandAudio, 0.6, LENGTH);

const file = process.argv[2] ?? "/tmp/synth-demo.wav";
writeFileSync(file, wav(out, SR));
let peak = 0;
let sum = 0;
for (const x of out) {
  peak = Math.max(peak, Math.abs(x));
  sum += x * x;
}
console.log(
  `${file}: ${(LENGTH / SR).toFixed(1)} s, ${band.length + voice.length} notes, peak ${peak.toFixed(3)}, ` +
    `rms ${Math.sqrt(sum / LENGTH).toFixed(3)}, rendered in ${ms.toFixed(0)} ms`,
);
