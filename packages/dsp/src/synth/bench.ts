/**
 * A development benchmark of the synthesizer: how much faster than real time each voice renders
 * (one voice sounding, re-struck as its notes end, in 128-frame blocks), and a full band. Not used
 * by the engine itself; `npm run bench` calls `benchSynthVoices`. Main thread, off the audio path.
 */
import { DRUM, INSTRUMENTS, type Instrument } from "@performia/protocol";
import { Synth } from "./synth.js";

export interface VoiceBench {
  /** An instrument, or "band" (every instrument at once, 24 voices). */
  voice: Instrument | "band";
  voices: number;
  /** Seconds of audio rendered per second of CPU: 1000 means a thousand times real time. */
  realTimeRatio: number;
  /** Microseconds per 128-frame block. */
  usPerBlock: number;
}

const BLOCK = 128;

function run(sampleRate: number, seconds: number, strike: (synth: Synth, block: number) => void): number {
  const synth = new Synth({ sampleRate, seed: 1 });
  const out = new Float32Array(BLOCK);
  const blocks = Math.ceil((seconds * sampleRate) / BLOCK);
  // Warm up the JIT on the same work.
  for (let b = 0; b < 200; b++) {
    strike(synth, b);
    synth.render(out, BLOCK);
  }
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    strike(synth, b);
    synth.render(out, BLOCK);
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Rendering speed per voice and for a band, as a ratio to real time.
 * @example benchSynthVoices(5).find((v) => v.voice === "pad")!.realTimeRatio // => hundreds
 */
export function benchSynthVoices(seconds = 10, sampleRate = 48000): VoiceBench[] {
  const blockSeconds = BLOCK / sampleRate;
  const everyBlocks = Math.round(0.5 / blockSeconds); // a new note every half second
  const results: VoiceBench[] = [];
  for (const instrument of INSTRUMENTS) {
    const cpu = run(sampleRate, seconds, (synth, b) => {
      if (b % everyBlocks !== 0) return;
      const pitch =
        instrument === "drums"
          ? [DRUM.kick, DRUM.snare, DRUM.ride, DRUM.crash][(b / everyBlocks) % 4]!
          : 48 + ((b / everyBlocks) % 12);
      synth.allNotesOff();
      synth.noteOn(0, instrument, pitch, 100, 0, Math.round(0.45 * sampleRate));
    });
    results.push({
      voice: instrument,
      voices: 1,
      realTimeRatio: seconds / cpu,
      usPerBlock: (cpu * 1e6) / ((seconds * sampleRate) / BLOCK),
    });
  }
  // A band: every instrument, 24 voices sounding (chords, drums every eighth).
  const cpu = run(sampleRate, seconds, (synth, b) => {
    if (b % Math.round(0.25 / blockSeconds) !== 0) return;
    if (synth.activeVoices > 20) return;
    const k = b / Math.round(0.25 / blockSeconds);
    synth.noteOn(1, "drums", k % 2 === 0 ? DRUM.kick : DRUM.closedHat, 90, 0, 1);
    synth.noteOn(2, INSTRUMENTS[k % INSTRUMENTS.length]!, 48 + (k % 24), 90, 0, Math.round(1.5 * sampleRate));
  });
  results.push({
    voice: "band",
    voices: 24,
    realTimeRatio: seconds / cpu,
    usPerBlock: (cpu * 1e6) / ((seconds * sampleRate) / BLOCK),
  });
  return results;
}
