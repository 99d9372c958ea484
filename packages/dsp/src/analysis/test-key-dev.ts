/**
 * Development harness for the key estimate (excluded from the build): chord loops in random keys
 * and tempi (minor: i-iv-VII-III, i-VI-III-VII, i-iv-v-i, i-VI-iv-V, i-III-VII-VI; major:
 * I-V-vi-IV, I-IV-V-I, I-vi-ii-V, ii-V-I-I, vi-IV-I-V), stabbed, padded or arpeggiated, clean
 * and in white noise (over the whole signal, the noise alone before the first chord), scored
 * like the bench (MIREX weighted: 1 right, 0.5 fifth, 0.3 relative, 0.2 parallel).
 *   npx tsx src/analysis/test-key-dev.ts [stab|pad|arp] [min|maj] [cases per mode] [-v]
 */
import { analyzeSignal } from "./analyze.js";
import { midiHz, pluckedNotes, rng, sawChords, withNoise, type PluckedNote } from "./test-signals.js";

const SR = 44100;
const PCS = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
const SNRS = [Infinity, 20, 15, 10, 5];
/** Loops as [root above the tonic, minor triad?]. */
const LOOPS: Record<"min" | "maj", [string, [number, boolean][]][]> = {
  min: [
    [
      "i-iv-VII-III",
      [
        [0, true],
        [5, true],
        [10, false],
        [3, false],
      ],
    ],
    [
      "i-VI-III-VII",
      [
        [0, true],
        [8, false],
        [3, false],
        [10, false],
      ],
    ],
    [
      "i-iv-v-i",
      [
        [0, true],
        [5, true],
        [7, true],
        [0, true],
      ],
    ],
    [
      "i-VI-iv-V",
      [
        [0, true],
        [8, false],
        [5, true],
        [7, false],
      ],
    ],
    [
      "i-III-VII-VI",
      [
        [0, true],
        [3, false],
        [10, false],
        [8, false],
      ],
    ],
  ],
  maj: [
    [
      "I-V-vi-IV",
      [
        [0, false],
        [7, false],
        [9, true],
        [5, false],
      ],
    ],
    [
      "I-IV-V-I",
      [
        [0, false],
        [5, false],
        [7, false],
        [0, false],
      ],
    ],
    [
      "I-vi-ii-V",
      [
        [0, false],
        [9, true],
        [2, true],
        [7, false],
      ],
    ],
    [
      "ii-V-I-I",
      [
        [2, true],
        [7, false],
        [0, false],
        [0, false],
      ],
    ],
    [
      "vi-IV-I-V",
      [
        [9, true],
        [5, false],
        [0, false],
        [7, false],
      ],
    ],
  ],
};

function weighted(estimate: string | undefined, tonic: number, minor: boolean): number {
  if (estimate === undefined) return 0;
  const [root = "", quality] = estimate.split(":");
  const e = PCS.indexOf(root);
  const eMinor = quality === "min";
  if (eMinor === minor && e === tonic) return 1;
  if (eMinor === minor && (e - tonic + 12) % 12 === 7) return 0.5;
  if (eMinor !== minor && e === (tonic + (minor ? 3 : 9)) % 12) return 0.3;
  return e === tonic ? 0.2 : 0;
}

/** One loop played three times from a random lead-in, clean. */
function loopSignal(loop: [number, boolean][], tonic: number, style: string, r: () => number): Float32Array {
  const beat = 60 / (90 + 50 * r());
  const start = 0.1 + 0.4 * r();
  const beatsPerChord = r() < 0.5 ? 2 : 4;
  const notes: PluckedNote[] = [];
  const pads: { t: number; midis: number[]; duration: number }[] = [];
  let t = start;
  for (let rep = 0; rep < 3; rep++)
    for (const [offset, minorTriad] of loop) {
      const root = 48 + ((tonic + offset) % 12);
      const bass = root - 12 < 36 ? root : root - 12;
      const triad = [root + 12, root + 12 + (minorTriad ? 3 : 4), root + 19]
        .map((m) => (m > 71 ? m - 12 : m))
        .sort((a, b) => a - b);
      if (style === "pad") pads.push({ t, midis: [bass, ...triad], duration: beatsPerChord * beat });
      else
        for (let b = 0; b < beatsPerChord; b++) {
          triad.forEach((m, j) =>
            notes.push({
              t: t + b * beat + (style === "arp" ? (j * beat) / 3 : 0),
              hz: midiHz(m),
              duration: (style === "arp" ? 0.6 : 0.5) * beat,
            }),
          );
          if (b % 2 === 0) notes.push({ t: t + b * beat, hz: midiHz(bass), duration: 0.9 * beat });
        }
      t += beatsPerChord * beat;
    }
  return style === "pad" ? sawChords(pads, t + 0.5, SR) : pluckedNotes(notes, t + 0.5, SR);
}

const args = process.argv.slice(2).filter((a) => a !== "-v");
const verbose = process.argv.includes("-v");
const style = args[0] ?? "stab";
const modes: readonly ("min" | "maj")[] = args[1] === "min" || args[1] === "maj" ? [args[1]] : ["min", "maj"];
const cases = Number(args[2] ?? 12);
for (const mode of modes) {
  const sums = SNRS.map(() => 0);
  for (let seed = 1; seed <= cases; seed++) {
    const r = rng(seed * 7919);
    const [name, loop] = LOOPS[mode][Math.floor(r() * LOOPS[mode].length)]!;
    const tonic = Math.floor(r() * 12);
    const clean = loopSignal(loop, tonic, style, r);
    SNRS.forEach((snr, i) => {
      const signal = Number.isFinite(snr) ? withNoise(clean, snr, seed) : clean;
      const keys = analyzeSignal(signal, SR).events.filter((e) => e.kind === "key");
      const last = keys.at(-1);
      const estimate = last?.kind === "key" ? last.label : undefined;
      const s = weighted(estimate, tonic, mode === "min");
      sums[i] = sums[i]! + s;
      if (verbose && s < 1)
        console.log(`  ${PCS[tonic]!}:${mode} ${name} at ${snr} dB: ${estimate ?? "none"} (${s})`);
    });
  }
  console.log(
    `${style} ${mode}, ${cases} loops: key weighted ` +
      SNRS.map(
        (snr, i) => `${Number.isFinite(snr) ? `${snr} dB` : "clean"} ${(sums[i]! / cases).toFixed(3)}`,
      ).join(", "),
  );
}
