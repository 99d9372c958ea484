/**
 * Measures heap growth of the Synth on the audio path, in a quiet process of its own (run by
 * realtime.test.ts with `node --expose-gc --import tsx`; not part of the build). Prints one JSON
 * line: the smallest heap growth over several windows of blocks, after a warm-up that lets the
 * JIT optimize, for a steady render and for a band with notes arriving.
 */
import { DRUM, INSTRUMENTS } from "@performia/protocol";
import { Synth } from "./synth.js";

const SR = 48000;
const BLOCK = 128;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

/** Smallest heap growth over `windows` windows of `size` steps, after `warmup` steps. */
function leastGrowth(step: (i: number) => void, warmup: number, windows: number, size: number): number {
  for (let i = 0; i < warmup; i++) step(i);
  let least = Infinity;
  for (let w = 0; w < windows; w++) {
    gc!();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < size; i++) step(i);
    least = Math.min(least, process.memoryUsage().heapUsed - before);
  }
  return least;
}

function steadyRender(): { blocks: number; bytes: number; voices: number } {
  const synth = new Synth({ sampleRate: SR, seed: 1 });
  const out = new Float32Array(BLOCK);
  for (const instrument of INSTRUMENTS) synth.noteOn(instrument.length, instrument, 50, 100, 0, 1e9);
  synth.noteOn(0, "drums", DRUM.crash, 100, 0, 1);
  const bytes = leastGrowth(
    (i) => {
      if (i % 1000 === 500) synth.setChannelGain(i % 16, (i % 3) / 2);
      synth.render(out, BLOCK);
    },
    3000,
    5,
    2000,
  );
  return { blocks: 2000, bytes, voices: synth.activeVoices };
}

function band(): { blocks: number; notes: number; bytes: number } {
  const synth = new Synth({ sampleRate: SR, seed: 1 });
  const out = new Float32Array(BLOCK);
  const bytes = leastGrowth(
    (i) => {
      if (i % 10 === 0) {
        const instrument = INSTRUMENTS[(i / 10) % INSTRUMENTS.length]!;
        synth.noteOn(i % 16, instrument, 36 + (i % 40), 100, i % BLOCK, 1500);
        synth.noteOn(0, "drums", i % 20 === 0 ? DRUM.kick : DRUM.closedHat, 90, 5, 1);
      }
      synth.render(out, BLOCK);
    },
    // A long warm-up and several windows: under load (a test run in parallel) the JIT needs
    // longer to settle, and an unsettled window allocates while code is being optimized.
    40000,
    8,
    4000,
  );
  return { blocks: 4000, notes: 800, bytes };
}

console.log(JSON.stringify({ steady: steadyRender(), band: band() }));
