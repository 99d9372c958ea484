/**
 * Development harness for the onset detector (excluded from the build): the corpus (clean and
 * with white noise at 10 dB SNR) and signals made here (drum kits, articulated melodies,
 * plucked lines, chord stabs, comping with soft off-beat strokes over ringing chords (s-comp),
 * mixes, kits with soft hats; clean, at 15 and 10 dB, and at 10 dB scaled to a loud -16 dBFS
 * RMS: @L10), scored like the bench scorer (one-to-one matching within +-50 ms). The corpus at
 * 10 dB twice: uniform noise (@10) and the bench's own Gaussian noise (@g10, the same draw as
 * `performia bench`, so its 10 dB table is reproduced here). TUNE='{...}' overrides OnsetTuning.
 * --tracker scores the whole causal tracker's onset events instead (slower, not cached).
 *   npx tsx src/analysis/test-onsets-dev.ts [filter] [-v] [--tracker]
 * Features are cached in CACHE_DIR (env ONSET_CACHE; delete it after changing features.ts). Note: addKick ends
 * with a click 250 ms after the hit, which the detector rightly reports (s-drums-syncopated).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto } from "./features.js";
import { analyzeSignal } from "./analyze.js";
import { OnsetDetector, type OnsetTuning } from "./onsets.js";
import {
  DRUM_PATTERNS,
  addHat,
  addKick,
  addSnare,
  articulatedMelody,
  beatTimesOf,
  chordStabs,
  dynamicComping,
  melodyOver,
  mix,
  pluckedNotes,
  rng,
  withNoise,
} from "./test-signals.js";

const CACHE_DIR = process.env.ONSET_CACHE ?? "/tmp/onsetdev-o2";
const SR = 44100;
const HOP = 441;
const LATENCY = 0.012;

interface Cached {
  bands: Float32Array[];
  hz: Float32Array;
  confidence: Float32Array;
  rms: Float32Array;
  hf: Float32Array;
}
interface Case {
  name: string;
  group: string;
  make: () => { audio: Float32Array; onsets: number[] };
}

function readWav(path: string): Float32Array {
  const buf = readFileSync(path);
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "data") {
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(body + 2 * i) / 32768;
      return out;
    }
    offset = body + size + (size % 2);
  }
  throw new Error(path);
}

function features(audio: Float32Array): Cached {
  const config = analysisConfig(SR);
  const f = createHopFeatures(config);
  const window = new Float32Array(config.windowSize);
  const hops = Math.floor(audio.length / HOP);
  const out: Cached = {
    bands: [],
    hz: new Float32Array(hops),
    confidence: new Float32Array(hops),
    rms: new Float32Array(hops),
    hf: new Float32Array(hops),
  };
  for (let h = 1; h <= hops; h++) {
    const end = h * HOP;
    const start = end - config.windowSize;
    if (start >= 0) window.set(audio.subarray(start, end));
    else {
      window.fill(0, 0, -start);
      window.set(audio.subarray(0, end), -start);
    }
    extractFeaturesInto(window, config, f);
    out.bands.push(Float32Array.from(f.bands));
    out.hz[h - 1] = f.hz ?? 0;
    out.confidence[h - 1] = f.confidence;
    out.rms[h - 1] = f.rms;
    out.hf[h - 1] = f.hf;
  }
  return out;
}

function cached(c: Case): { feats: Cached; onsets: number[] } {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `${c.name}.json`);
  if (existsSync(path)) {
    const j = JSON.parse(readFileSync(path, "utf8")) as {
      bands: number[][];
      hz: number[];
      confidence: number[];
      rms: number[];
      hf: number[];
      onsets: number[];
    };
    return {
      feats: {
        bands: j.bands.map((b) => Float32Array.from(b)),
        hz: Float32Array.from(j.hz),
        confidence: Float32Array.from(j.confidence),
        rms: Float32Array.from(j.rms),
        hf: Float32Array.from(j.hf),
      },
      onsets: j.onsets,
    };
  }
  const { audio, onsets } = c.make();
  const feats = features(audio);
  writeFileSync(
    path,
    JSON.stringify({
      bands: feats.bands.map((b) => Array.from(b)),
      hz: Array.from(feats.hz),
      confidence: Array.from(feats.confidence),
      rms: Array.from(feats.rms),
      hf: Array.from(feats.hf),
      onsets,
    }),
  );
  return { feats, onsets };
}

// ---------------------------------------------------------------------------------------------
// Cases.
// ---------------------------------------------------------------------------------------------

const cases: Case[] = [];
for (const dir of ["/work/shared/corpus/synthetic", "/work/shared/corpus/real"]) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".wav"))) {
    const name = file.replace(/\.wav$/, "").slice(0, 24);
    const gt = JSON.parse(readFileSync(join(dir, file.replace(/\.wav$/, ".json")), "utf8")) as {
      onsets: number[];
    };
    const group = dir.endsWith("real") ? "real" : name.split("_")[1]!;
    for (const snr of [null, 10]) {
      cases.push({
        name: snr === null ? name : `${name}@${snr}`,
        group: snr === null ? group : `${group}@10`,
        make: () => {
          const audio = readWav(join(dir, file));
          return { audio: snr === null ? audio : withNoise(audio, snr, 17), onsets: gt.onsets };
        },
      });
    }
  }
}

/**
 * The bench's noisy corpus: Gaussian white noise at 10 dB SNR from its seeded generator, whose
 * state runs on through the synthetic files in name order (a second draw of the noise, @g10).
 */
const benchNoisy = new Map<string, Float32Array>();
function benchNoise(dir: string): void {
  if (benchNoisy.size > 0) return;
  let state = 0x9e3779b9;
  const uniform = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".wav"))) {
    const samples = readWav(join(dir, f));
    let power = 0;
    for (const v of samples) power += v * v;
    const noiseRms = Math.sqrt(power / samples.length / 10);
    const noisy = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const n = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      noisy[i] = samples[i]! + noiseRms * n;
    }
    benchNoisy.set(f, noisy);
  }
}
{
  const dir = "/work/shared/corpus/synthetic";
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".wav"))) {
    const name = file.replace(/\.wav$/, "").slice(0, 24);
    const gt = JSON.parse(readFileSync(join(dir, file.replace(/\.wav$/, ".json")), "utf8")) as {
      onsets: number[];
    };
    cases.push({
      name: `${name}@g10`,
      group: `${name.split("_")[1]!}@g10`,
      make: () => {
        benchNoise(dir);
        return { audio: benchNoisy.get(file)!, onsets: gt.onsets };
      },
    });
  }
}

function drumKit(bpm: number, pattern: string, duration: number, seed: number, hatGain = 1, offGain = 1) {
  const p = DRUM_PATTERNS[pattern]!;
  const r = rng(seed);
  const buf = new Float32Array(Math.round(duration * SR));
  const hits: number[] = [];
  const beats = beatTimesOf(duration - 0.3, () => bpm, 0.2 + seed * 0.03);
  beats.forEach((b, i) => {
    for (let s = 0; s < 4; s++) {
      const pos = (i % 4) * 4 + s;
      const t = b + (s * 60) / bpm / 4 + (r() - 0.5) * 0.006;
      const at = Math.round(t * SR);
      let hit = false;
      const a = 0.6 + 0.4 * r();
      if (p.kick.includes(pos)) {
        addKick(buf, at, SR, 0.8 * a);
        hit = true;
      }
      if (p.snare.includes(pos)) {
        addSnare(buf, at, SR, 0.45 * a, seed * 100 + i);
        hit = true;
      }
      if (p.hat.includes(pos)) {
        addHat(buf, at, SR, 0.2 * a * hatGain * (s % 2 === 1 ? offGain : 1), seed * 100 + i);
        hit = true;
      }
      if (hit && t < duration - 0.2) hits.push(t);
    }
  });
  return { signal: buf, hits, beats };
}

function melodyCase(seed: number, vibratoCents: number) {
  const r = rng(seed);
  const notes = Array.from({ length: 20 }, (_, i) => ({
    midi: 50 + Math.round(r() * 20),
    duration: 0.2 + r() * 0.4,
    rearticulate: i > 0 && r() < 0.5,
  }));
  // Some same-pitch re-articulations.
  for (let i = 1; i < notes.length; i++)
    if (notes[i]!.rearticulate && r() < 0.3) notes[i]!.midi = notes[i - 1]!.midi;
  return articulatedMelody(notes, SR, { vibratoHz: 5 + r() * 2, vibratoCents, amplitude: 0.2 + r() * 0.2 });
}

/** Scale a signal to an RMS level (a loud live input). */
function loud(x: Float32Array, rms = 0.15): Float32Array {
  let sq = 0;
  for (const v of x) sq += v * v;
  const g = rms / Math.sqrt(sq / x.length);
  return x.map((v) => v * g);
}

for (const snr of [null, 15, 10, "L10"] as const) {
  const sfx = snr === null ? "" : `@${snr}`;
  const noisy = (x: Float32Array, seed: number) =>
    snr === null ? x : snr === "L10" ? loud(withNoise(x, 10, seed)) : withNoise(x, snr, seed);
  // Soft hats (0.15 of the level): the noise hides them first.
  for (const [pattern, bpm, seed] of [
    ["rock", 104, 31],
    ["funk", 96, 32],
    ["sparse", 120, 33],
  ] as const) {
    cases.push({
      name: `s-softhat-${pattern}${sfx}`,
      group: `s-softhat${sfx}`,
      make: () => {
        const k = drumKit(bpm, pattern, 10, seed, 0.15);
        return { audio: noisy(k.signal, seed), onsets: k.hits };
      },
    });
  }
  // Sixteenth hats accented on the eighths, the off-sixteenths soft (a quarter of the level).
  for (const [bpm, seed] of [
    [100, 41],
    [116, 42],
    [92, 43],
  ] as const) {
    cases.push({
      name: `s-accent-${bpm}${sfx}`,
      group: `s-accent${sfx}`,
      make: () => {
        const k = drumKit(bpm, "funk", 10, seed, 0.6, 0.25);
        return { audio: noisy(k.signal, seed), onsets: k.hits };
      },
    });
  }
  const drumSet: [string, number, number][] = [
    ["rock", 112, 1],
    ["syncopated", 96, 2],
    ["breakbeat", 100, 3],
    ["funk", 88, 4],
    ["sparse", 128, 5],
    ["half", 118, 6],
    ["offbeat", 124, 7],
  ];
  for (const [pattern, bpm, seed] of drumSet) {
    cases.push({
      name: `s-drums-${pattern}${sfx}`,
      group: `s-drums${sfx}`,
      make: () => {
        const k = drumKit(bpm, pattern, 10, seed);
        return { audio: noisy(k.signal, seed), onsets: k.hits };
      },
    });
  }
  for (const [seed, vib] of [
    [11, 20],
    [12, 35],
    [13, 50],
    [14, 10],
  ] as const) {
    cases.push({
      name: `s-artic-${seed}-v${vib}${sfx}`,
      group: `s-melody${sfx}`,
      make: () => {
        const m = melodyCase(seed, vib);
        return { audio: noisy(m.signal, seed), onsets: m.onsets };
      },
    });
  }
  for (const seed of [21, 22]) {
    cases.push({
      name: `s-pluck-${seed}${sfx}`,
      group: `s-melody${sfx}`,
      make: () => {
        const beats = beatTimesOf(10, () => 100 + seed, 0.3);
        const notes = melodyOver(beats, seed);
        return { audio: noisy(pluckedNotes(notes, 10, SR), seed), onsets: uniq(notes.map((n) => n.t)) };
      },
    });
    cases.push({
      name: `s-stabs-${seed}${sfx}`,
      group: `s-chords${sfx}`,
      make: () => {
        const beats = beatTimesOf(10, () => 110 + seed, 0.3);
        const notes = chordStabs(beats, [0, 0.5], seed);
        return { audio: noisy(pluckedNotes(notes, 10, SR), seed), onsets: uniq(notes.map((n) => n.t)) };
      },
    });
    cases.push({
      name: `s-comp-${seed}${sfx}`,
      group: `s-comp${sfx}`,
      make: () => {
        const beats = beatTimesOf(10, () => 96 + seed, 0.3);
        const notes = dynamicComping(beats, 0.3, seed);
        return { audio: noisy(pluckedNotes(notes, 10, SR), seed), onsets: uniq(notes.map((n) => n.t)) };
      },
    });
    cases.push({
      name: `s-mix-${seed}${sfx}`,
      group: `s-mix${sfx}`,
      make: () => {
        const k = drumKit(100 + seed, "rock", 10, seed);
        const notes = melodyOver(k.beats, seed);
        const audio = mix(k.signal, pluckedNotes(notes, 10, SR));
        return { audio: noisy(audio, seed), onsets: uniq([...k.hits, ...notes.map((n) => n.t)]) };
      },
    });
  }
}

function uniq(ts: number[]): number[] {
  const s = [...ts].sort((a, b) => a - b);
  return s.filter((t, i) => i === 0 || t - s[i - 1]! > 0.03);
}

// ---------------------------------------------------------------------------------------------
// Scoring.
// ---------------------------------------------------------------------------------------------

/** Maximum one-to-one matching within the window (greedy in time order is optimal on a line). */
function prf(ref: number[], est: number[], win = 0.05) {
  let i = 0;
  let j = 0;
  let tp = 0;
  const hits: boolean[] = new Array<boolean>(ref.length).fill(false);
  const good: boolean[] = new Array<boolean>(est.length).fill(false);
  while (i < ref.length && j < est.length) {
    const d = est[j]! - ref[i]!;
    if (Math.abs(d) <= win) {
      hits[i] = true;
      good[j] = true;
      tp++;
      i++;
      j++;
    } else if (d < 0) j++;
    else i++;
  }
  const p = est.length ? tp / est.length : 0;
  const r = ref.length ? tp / ref.length : 0;
  const f = p + r > 0 ? (2 * p * r) / (p + r) : 0;
  return { p, r, f, miss: ref.filter((_, k) => !hits[k]), fa: est.filter((_, k) => !good[k]) };
}

const tuning = JSON.parse(process.env.TUNE ?? "{}") as Partial<OnsetTuning>;

export function detect(feats: Cached): { onsets: number[]; cpuMs: number } {
  const det = new OnsetDetector(32, 100, tuning);
  const onsets: number[] = [];
  const t0 = process.cpuUsage();
  for (let h = 0; h < feats.bands.length; h++) {
    det.push(feats.bands[h]!, feats.hf[h]);
    const p = det.peakHop();
    if (p >= 0) onsets.push(((p + 1) * HOP) / SR - LATENCY);
  }
  const u = process.cpuUsage(t0);
  return { onsets, cpuMs: (u.user + u.system) / 1000 };
}

/** The whole causal tracker's onset events (spectral and pitch-track onsets fused). */
function trackerOnsets(c: Case): { onsets: number[]; est: number[] } {
  const { audio, onsets } = c.make();
  const est = analyzeSignal(audio, SR)
    .events.filter((e) => e.kind === "onset")
    .map((e) => e.frame / SR)
    .sort((a, b) => a - b);
  return { onsets, est };
}

const args = process.argv.slice(2);
const verbose = args.includes("-v");
/** --tracker: score the whole tracker's onsets (pitch-track onsets included; slower, not cached). */
const tracker = args.includes("--tracker");
const filter = args.find((a) => !a.startsWith("-"));
const groups = new Map<string, number[]>();
let cpu = 0;
let seconds = 0;
for (const c of cases) {
  if (filter && !c.name.includes(filter)) continue;
  let onsets: number[];
  let est: number[];
  if (tracker) {
    ({ onsets, est } = trackerOnsets(c));
  } else {
    const r = cached(c);
    const d = detect(r.feats);
    onsets = r.onsets;
    est = d.onsets;
    cpu += d.cpuMs;
    seconds += r.feats.bands.length / 100;
  }
  const r = prf(onsets, est);
  if (!groups.has(c.group)) groups.set(c.group, []);
  groups.get(c.group)!.push(r.f);
  console.log(
    `${c.name.padEnd(30)} F ${r.f.toFixed(3)}  P ${r.p.toFixed(3)}  R ${r.r.toFixed(3)}  ref ${onsets.length} est ${est.length}`,
  );
  if (verbose) {
    console.log(`   miss ${r.miss.map((t) => t.toFixed(2)).join(" ")}`);
    console.log(`   fa   ${r.fa.map((t) => t.toFixed(2)).join(" ")}`);
  }
}
console.log("--");
let all = 0;
let n = 0;
for (const [g, fs] of [...groups].sort()) {
  const m = fs.reduce((a, b) => a + b, 0) / fs.length;
  console.log(`${g.padEnd(16)} mean F ${m.toFixed(3)}  min ${Math.min(...fs).toFixed(3)}  (${fs.length})`);
  all += m;
  n++;
}
console.log(
  `MEAN of groups ${(all / n).toFixed(3)}   onset CPU ${(cpu / seconds).toFixed(3)} ms per s of audio`,
);
