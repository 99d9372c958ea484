/**
 * Development harness for the beat tracker (excluded from the build): varied synthetic signals
 * (tempi, steps, ramps, syncopation, swing, noise, dropouts) and the corpus, scored on beats and
 * tempo like the bench scorer.   npx tsx src/analysis/test-beats-dev.ts [filter]
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { frames } from "@performia/protocol";
import { analysisConfig } from "./config.js";
import { createHopFeatures, extractFeaturesInto, type HopFeatures } from "./features.js";
import { CausalTracker } from "./tracker.js";
import { compingSignal, type CompChord } from "./test-comping.js";
import {
  DRUM_PATTERNS,
  beatTimesOf,
  chordStabs,
  clickTrack,
  drumTrack,
  melodyOver,
  mix,
  pluckedNotes,
  rng,
  withNoise,
} from "./test-signals.js";

const SR = 44100;
interface Case {
  name: string;
  make: () => { audio: Float32Array; beats: number[]; bpmAt: (t: number) => number; steps: number[] };
}

function curve(kind: string, a: number, b: number, at = 6, end = 12): (t: number) => number {
  if (kind === "const") return () => a;
  if (kind === "step") return (t) => (t < at ? a : b);
  return (t) => (t < 3 ? a : t > end ? b : a + ((b - a) * (t - 3)) / (end - 3));
}

function drumCase(
  name: string,
  pattern: string,
  kind: string,
  a: number,
  b: number,
  opts: {
    snr?: number;
    swing?: number;
    dropout?: number;
    seed?: number;
    dur?: number;
    extra?: string;
    /** Step on the first beat from 6 s (as the corpus generator does), not at 6 s. */
    onBeat?: boolean;
  } = {},
): Case {
  return {
    name,
    make: () => {
      const dur = opts.dur ?? 14;
      const start = 0.2 + (opts.seed ?? 1) * 0.037;
      const at = opts.onBeat ? beatTimesOf(dur, () => a, start).find((t) => t >= 6)! - 0.0005 : 6;
      const bpmAt = curve(kind, a, b, at);
      const beats = beatTimesOf(dur, bpmAt, start);
      let audio = drumTrack(beats, DRUM_PATTERNS[pattern]!, dur, SR, {
        swing: opts.swing,
        dropout: opts.dropout,
        jitter: 0.003,
        seed: opts.seed,
        amplitude: opts.extra ? 0.6 : 1,
      });
      if (opts.extra === "melody") audio = mix(audio, pluckedNotes(melodyOver(beats, opts.seed), dur, SR));
      if (opts.extra === "stabs")
        audio = mix(audio, pluckedNotes(chordStabs(beats, [0], opts.seed), dur, SR));
      if (opts.snr !== undefined) audio = withNoise(audio, opts.snr, opts.seed);
      return { audio, beats, bpmAt, steps: kind === "step" ? [at] : [] };
    },
  };
}

const cases: Case[] = [
  ...[50, 55, 180, 190, 200].map((b) => ({ name: `click${b}`, make: () => clickCase(b) })),
  ...[50, 60, 180, 200].map((b, i) =>
    drumCase(`rock${b}`, "rock", "const", b, b, { seed: 80 + i, dur: b < 100 ? 20 : 14 }),
  ),
  ...[55, 190].map((b, i) =>
    drumCase(`sparse${b}`, "sparse", "const", b, b, { seed: 84 + i, dur: b < 100 ? 20 : 14 }),
  ),
  { name: "click60", make: () => clickCase(60) },
  { name: "click120", make: () => clickCase(120) },
  { name: "click180", make: () => clickCase(180) },
  drumCase("rock95", "rock", "const", 95, 95, { seed: 2 }),
  drumCase("sync140", "syncopated", "const", 140, 140, { seed: 3 }),
  drumCase("break100ramp", "breakbeat", "ramp", 100, 120, { seed: 4 }),
  drumCase("break130rampdn", "breakbeat", "ramp", 130, 104, { seed: 5 }),
  drumCase("funk110", "funk", "const", 110, 110, { seed: 6 }),
  drumCase("half85", "half", "const", 85, 85, { seed: 7 }),
  drumCase("offbeat125", "offbeat", "const", 125, 125, { seed: 8 }),
  drumCase("sparse130to100n15", "sparse", "step", 130, 100, { seed: 9, snr: 15 }),
  drumCase("rock100to130", "rock", "step", 100, 130, { seed: 10 }),
  drumCase("rock130to100", "rock", "step", 130, 100, { seed: 11 }),
  drumCase("break150to120n12", "breakbeat", "step", 150, 120, { seed: 12, snr: 12 }),
  drumCase("swing105", "rock", "const", 105, 105, { seed: 13, swing: 0.66 }),
  drumCase("drop115", "syncopated", "const", 115, 115, { seed: 14, dropout: 0.15 }),
  drumCase("rock115n10", "rock", "const", 115, 115, { seed: 15, snr: 10 }),
  drumCase("mix120to145", "half", "step", 120, 145, { seed: 16, extra: "melody" }),
  drumCase("mix90to72", "sparse", "step", 90, 72, { seed: 17, extra: "melody" }),
  drumCase("mix160", "syncopated", "const", 160, 160, { seed: 18, extra: "melody", snr: 18 }),
  drumCase("stabs100", "half", "const", 100, 100, { seed: 19, extra: "stabs" }),
  drumCase("rock55", "rock", "const", 55, 55, { seed: 20, dur: 20 }),
  drumCase("rock190", "rock", "const", 190, 190, { seed: 21 }),
  drumCase("sync75ramp", "syncopated", "ramp", 75, 90, { seed: 22, dur: 18 }),
  drumCase("funk95to114n20", "funk", "step", 95, 114, { seed: 23, snr: 20 }),
  drumCase("sparse125to150mel", "sparse", "step", 125, 150, { seed: 30, extra: "melody" }),
  drumCase("sparse128to96n15", "sparse", "step", 128, 96, { seed: 31, snr: 15 }),
  drumCase("half118to140", "half", "step", 118, 140, { seed: 32 }),
  drumCase("break110to90", "breakbeat", "step", 110, 90, { seed: 33 }),
  drumCase("rock120to100mel", "rock", "step", 120, 100, { seed: 34, extra: "melody" }),
  drumCase("sparse105to126", "sparse", "step", 105, 126, { seed: 35 }),
  drumCase("half100to120ramp", "half", "ramp", 100, 120, { seed: 36 }),
  drumCase("rock140to115ramp", "rock", "ramp", 140, 115, { seed: 37, snr: 15 }),
  drumCase("sparse110n15", "sparse", "const", 110, 110, { seed: 38, snr: 15 }),
  drumCase("half95mel", "half", "const", 95, 95, { seed: 39, extra: "melody" }),
  drumCase("sparse92to115ramp", "sparse", "ramp", 92, 115, { seed: 40, extra: "melody" }),
  drumCase("rock150stabs", "rock", "const", 150, 150, { seed: 41, extra: "stabs" }),
  drumCase("rock128to95b", "rock", "step", 128, 95, { seed: 50, snr: 15, onBeat: true }),
  drumCase("sparse125to151melb", "sparse", "step", 125, 151, { seed: 51, extra: "melody", onBeat: true }),
  drumCase("half110to88b", "half", "step", 110, 88, { seed: 52, onBeat: true }),
  drumCase("break120to144b", "breakbeat", "step", 120, 144, { seed: 53, onBeat: true }),
  drumCase("funk100to125melb", "funk", "step", 100, 125, { seed: 54, extra: "melody", onBeat: true }),
  drumCase("sync135to108b", "syncopated", "step", 135, 108, { seed: 55, onBeat: true }),
  drumCase("offbeat100to120b", "offbeat", "step", 100, 120, { seed: 56, onBeat: true }),
  drumCase("rock90to112stabsb", "rock", "step", 90, 112, { seed: 57, extra: "stabs", onBeat: true }),
  drumCase("funk120", "funk", "const", 120, 120, { seed: 58 }),
  drumCase("break95", "breakbeat", "const", 95, 95, { seed: 59 }),
  drumCase("sync100mel", "syncopated", "const", 100, 100, { seed: 60, extra: "melody" }),
  drumCase("offbeat140n15", "offbeat", "const", 140, 140, { seed: 61, snr: 15 }),
  drumCase("swing90", "rock", "const", 90, 90, { seed: 62, swing: 0.66 }),
  drumCase("drop130", "syncopated", "const", 130, 130, { seed: 63, dropout: 0.15 }),
  drumCase("break110", "breakbeat", "const", 110, 110, { seed: 70 }),
  drumCase("break125n15", "breakbeat", "const", 125, 125, { seed: 71, snr: 15 }),
  drumCase("break80", "breakbeat", "const", 80, 80, { seed: 72, dur: 16 }),
  drumCase("break140mel", "breakbeat", "const", 140, 140, { seed: 73, extra: "melody" }),
  { name: "stabsonly120", make: () => stabsCase(120, [0], 24) },
  { name: "bossa129", make: () => bossaCase(129, 20, 2) },
  { name: "bossa118gap", make: () => bossaCase(118, 22, 4, [11, 12.6]) },
  { name: "bossa135gap", make: () => bossaCase(135, 22, 5, [9, 10.2]) },
  { name: "bossa104gaps", make: () => bossaCase(104, 24, 6, [8, 9.3, 15, 16.5]) },
  { name: "bossa142", make: () => bossaCase(142, 20, 7) },
  { name: "bossa96gap", make: () => bossaCase(96, 22, 8, [12, 13.5]) },
  // Comping with a rest of a bar or so, and with a share of its notes left out (varied comping).
  ...[120, 125, 129, 133, 138].flatMap((b, i) =>
    [1.0, 1.3].map((len, j) => ({
      name: `bossaRest${b}r${len}`,
      make: () => bossaCase(b, 22, 40 + i * 2 + j, [11 + i * 0.3, 11 + i * 0.3 + len]),
    })),
  ),
  ...[112, 121, 127, 131, 136, 144].flatMap((b, i) =>
    [0.15, 0.3].map((d, j) => ({
      name: `bossaVar${b}d${d}`,
      make: () => bossaCase(b, 22, 60 + i * 2 + j, [12 + i * 0.2, 13.1 + i * 0.2], d),
    })),
  ),
  { name: "stabs2-140to112", make: () => stabsCase(140, [0, 0.5], 25, 112) },
  // Comping on the string model of test-comping.ts (finger: bossa-like; strum: down/up strokes).
  ...(
    [
      ["finger", 100, 3],
      ["finger", 118, 4],
      ["finger", 124, 9],
      ["finger", 132, 5],
      ["finger", 145, 6],
      ["strum", 90, 7],
      ["strum", 126, 8],
      ["strum", 140, 10],
    ] as const
  ).map(([style, bpm, seed]) => ({ name: `comp-${style}${bpm}`, make: () => compCase(style, bpm, seed) })),
];

function clickCase(bpm: number): ReturnType<Case["make"]> {
  const beats = beatTimesOf(16, () => bpm, 0.4);
  return { audio: clickTrack(beats, 16, SR), beats, bpmAt: () => bpm, steps: [] };
}

function stabsCase(bpm: number, pos: number[], seed: number, to?: number): ReturnType<Case["make"]> {
  const bpmAt = curve(to ? "step" : "const", bpm, to ?? bpm);
  const beats = beatTimesOf(14, bpmAt, 0.25);
  return { audio: pluckedNotes(chordStabs(beats, pos, seed), 14, SR), beats, bpmAt, steps: to ? [6] : [] };
}

/**
 * Bossa nova comping (as in beats.test.ts): the thumb's bass on beats 1 and 3, four-note chords on
 * the 3-3-2 accents of a two-bar cycle, softer two-note chords on the other off-beats, every
 * attack ±20 ms; `rests` (pairs of times) are stretches where the player stops.
 */
function bossaCase(
  bpm: number,
  dur: number,
  seed: number,
  rests: number[] = [],
  drop = 0,
): ReturnType<Case["make"]> {
  const beats = beatTimesOf(dur, () => bpm, 0.25);
  const eighth = 30 / bpm;
  const random = rng(seed);
  const notes: { t: number; hz: number; duration: number }[] = [];
  const chord = [196, 247, 294, 370];
  const accents = new Set([0, 3, 6, 8, 11, 14]);
  for (let i = 0; beats[0]! + i * eighth < dur - 0.5; i++) {
    const t = beats[0]! + i * eighth + (random() - 0.5) * 0.04;
    let rest = false;
    for (let k = 0; k + 1 < rests.length; k += 2) if (t >= rests[k]! && t < rests[k + 1]!) rest = true;
    if (rest) continue;
    if (drop > 0 && random() < drop) continue;
    const pos = i % 16;
    if (pos % 4 === 0) notes.push({ t, hz: pos % 8 === 0 ? 82.4 : 123.5, duration: 0.4 });
    const strings = accents.has(pos) ? 4 : pos % 2 === 1 ? 2 : 0;
    for (let s = 0; s < strings; s++) notes.push({ t: t + 0.006 * s, hz: chord[s]!, duration: 0.3 });
  }
  return { audio: pluckedNotes(notes, dur, SR), beats, bpmAt: () => bpm, steps: [] };
}

const CHART: CompChord[] = [
  { label: "A:min", midis: [57, 60, 64, 67], bass: [45, 52] },
  { label: "D:min", midis: [57, 60, 62, 65], bass: [50, 45] },
  { label: "G:maj", midis: [55, 59, 62, 65], bass: [43, 50] },
  { label: "C:maj", midis: [55, 60, 64, 67], bass: [48, 55] },
];
function compCase(style: "finger" | "strum", bpm: number, seed: number): ReturnType<Case["make"]> {
  const beat = 60 / bpm;
  const chart = [...CHART, ...CHART, ...CHART, ...CHART].slice(0, Math.ceil(22 / (4 * beat)));
  const { signal, duration } = compingSignal(chart, { beat, beatsPerChord: 4, style, seed, start: 0.3 }, SR);
  const beats: number[] = [];
  for (let t = 0.3; t < duration - 1; t += beat) beats.push(t);
  return { audio: signal, beats, bpmAt: () => bpm, steps: [] };
}

const PER = 32 + 12 + 4 + 1;
function featuresOf(name: string, audio: Float32Array): Float32Array {
  const path = `${process.env.BEATDEV_CACHE ?? "/tmp/beatdev3"}/${name}.f32`;
  if (existsSync(path)) return new Float32Array(readFileSync(path).buffer.slice(0));
  const c = analysisConfig(SR);
  const hops = Math.floor(audio.length / c.hopSize);
  const out = new Float32Array(hops * PER);
  const f = createHopFeatures(c);
  const w = new Float32Array(c.windowSize);
  for (let h = 1; h <= hops; h++) {
    const end = h * c.hopSize;
    const start = end - c.windowSize;
    if (start >= 0) w.set(audio.subarray(start, end));
    else {
      w.fill(0, 0, -start);
      w.set(audio.subarray(0, end), -start);
    }
    extractFeaturesInto(w, c, f);
    const o = (h - 1) * PER;
    out.set(f.bands, o);
    out.set(f.chroma, o + 32);
    out[o + 44] = f.hz ?? -1;
    out[o + 45] = f.confidence;
    out[o + 46] = f.rms;
    out[o + 47] = f.hf;
  }
  writeFileSync(path, Buffer.from(out.buffer));
  return out;
}

interface Result {
  beats: { t: number; at: number }[];
  tempo: { t: number; bpm: number }[];
  cpuMs: number;
}
function track(feat: Float32Array, missEvery = 0): Result {
  const c = analysisConfig(SR);
  const tr = new CausalTracker(c);
  const hops = feat.length / PER;
  const f: HopFeatures = createHopFeatures(c);
  const res: Result = { beats: [], tempo: [], cpuMs: 0 };
  let cpu = 0;
  for (let h = 0; h < hops; h++) {
    const o = h * PER;
    f.bands.set(feat.subarray(o, o + 32));
    f.chroma.set(feat.subarray(o + 32, o + 44));
    f.hz = feat[o + 44]! > 0 ? feat[o + 44]! : null;
    f.confidence = feat[o + 45]!;
    f.rms = feat[o + 46]!;
    f.hf = feat[o + 47]!;
    const miss = missEvery > 0 && h % missEvery === 3;
    const t0 = performance.now();
    const r = tr.push(frames((h + 1) * c.hopSize), miss ? null : f);
    cpu += performance.now() - t0;
    for (const e of r.events) {
      if (e.kind === "beat") res.beats.push({ t: e.frame / SR, at: e.reportedAt / SR });
      if (e.kind === "tempo") res.tempo.push({ t: e.frame / SR, bpm: e.bpm });
      for (const v of Object.values(e))
        if (typeof v === "number" && !Number.isFinite(v)) throw new Error("NaN");
    }
  }
  res.cpuMs = cpu;
  return res;
}

interface Score {
  liveF: number;
  tempoAcc: number;
  relock: (number | null)[];
  lock: number | null;
  p95: number;
}
function score(ref: number[], refBpm: (t: number) => number, steps: number[], r: Result): Score {
  const W = 0.07;
  const trim = 5;
  // Greedy matching (est sorted, ref sorted).
  const match = (refs: number[], ests: { t: number; at: number }[], live: boolean): boolean[] => {
    const used = new Array<boolean>(ests.length).fill(false);
    const ok = new Array<boolean>(refs.length).fill(false);
    for (let i = 0; i < refs.length; i++) {
      let best = -1;
      for (let j = 0; j < ests.length; j++) {
        if (used[j] || Math.abs(ests[j]!.t - refs[i]!) > W) continue;
        if (live && ests[j]!.at > refs[i]! + W + 1e-9) continue;
        if (best < 0 || Math.abs(ests[j]!.t - refs[i]!) < Math.abs(ests[best]!.t - refs[i]!)) best = j;
      }
      if (best >= 0) {
        used[best] = true;
        ok[i] = true;
      }
    }
    return ok;
  };
  const refT = ref.filter((t) => t >= trim);
  const estT = r.beats.filter((b) => b.t >= trim);
  const ok = match(refT, estT, true);
  const good = ok.filter(Boolean).length;
  const P = estT.length ? good / estT.length : 0;
  const R = refT.length ? good / refT.length : 0;
  const liveF = P + R > 0 ? (2 * P * R) / (P + R) : 0;
  let tOk = 0;
  for (const t of refT) {
    let bpm = 0;
    for (const e of r.tempo) if (e.t <= t + 1e-9) bpm = e.bpm;
    if (Math.abs(bpm - refBpm(t)) / refBpm(t) <= 0.04) tOk++;
  }
  const okAll = match(ref, r.beats, false);
  const lockAfter = (from: number): number | null => {
    for (let i = 0; i + 4 <= ref.length; i++) {
      if (ref[i]! < from) continue;
      if (okAll[i] && okAll[i + 1] && okAll[i + 2] && okAll[i + 3]) return ref[i]! - from;
    }
    return null;
  };
  const lat = estT.map((b) => b.at - b.t).sort((a, b) => a - b);
  return {
    liveF,
    tempoAcc: refT.length ? tOk / refT.length : 0,
    lock: lockAfter(ref[0] ?? 0),
    relock: steps.map(lockAfter),
    p95: lat.length ? 1000 * lat[Math.min(lat.length - 1, Math.floor(0.95 * lat.length))]! : NaN,
  };
}

const filter = process.argv[2] ?? "";
const missEvery = Number(process.argv[3] ?? 0);
const rows: [string, Score][] = [];
let cpu = 0;
let secs = 0;
for (const c of cases) {
  if (!c.name.includes(filter)) continue;
  const m = c.make();
  const r = track(featuresOf(c.name, m.audio), missEvery);
  cpu += r.cpuMs;
  secs += m.audio.length / SR;
  rows.push([c.name, score(m.beats, m.bpmAt, m.steps, r)]);
  if (process.env.BEATDEBUG) debugPrint(m.beats, m.bpmAt, r);
}
// Corpus files.
// (more corpus directories, e.g. the bench's noisy copy: BEATDEV_DIRS=dir1,dir2)
const extraDirs = (process.env.BEATDEV_DIRS ?? "").split(",").filter(Boolean);
for (const dir of ["/work/shared/corpus/synthetic", "/work/shared/corpus/real", ...extraDirs]) {
  const tag = extraDirs.includes(dir) ? `x${extraDirs.indexOf(dir)}-` : "";
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "manifest.json")) {
    const gt = JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as {
      beats?: number[];
      tempo?: { t: number; bpm: number }[];
      tempoChanges?: { type: string; t: number }[];
    };
    if (!gt.beats || !gt.tempo || !file.includes(filter)) continue;
    const name = file.replace(/\.json$/, "");
    const audio = readWav(`${dir}/${name}.wav`);
    const r = track(featuresOf("corpus-" + tag + name, audio), missEvery);
    cpu += r.cpuMs;
    secs += audio.length / SR;
    const tempo = gt.tempo;
    const bpmAt = (t: number): number => {
      let b = tempo[0]!.bpm;
      for (const x of tempo) if (x.t <= t + 1e-9) b = x.bpm;
      return b;
    };
    const steps = (gt.tempoChanges ?? []).filter((x) => x.type === "step").map((x) => x.t);
    rows.push(["*" + (tag + name).slice(0, 22), score(gt.beats, bpmAt, steps, r)]);
    if (process.env.BEATDEBUG) debugPrint(gt.beats, bpmAt, r);
  }
}
function debugPrint(ref: number[], bpmAt: (t: number) => number, r: Result): void {
  console.log(
    "  tempo:",
    r.tempo.map((e) => `${e.t.toFixed(1)}:${e.bpm.toFixed(0)}(${bpmAt(e.t).toFixed(0)})`).join(" "),
  );
  const offs = r.beats.map((b) => {
    let best = Infinity;
    for (const t of ref) if (Math.abs(b.t - t) < Math.abs(best)) best = b.t - t;
    const p = 60 / bpmAt(b.t);
    return `${b.t.toFixed(1)}:${(best / p).toFixed(2)}`;
  });
  console.log("  beats(off/period):", offs.join(" "));
}
function readWav(path: string): Float32Array {
  const buf = readFileSync(path);
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "data") {
      const n = Math.floor(Math.min(size, buf.length - off - 8) / 2);
      const s = new Float32Array(n);
      for (let i = 0; i < n; i++) s[i] = buf.readInt16LE(off + 8 + 2 * i) / 32768;
      return s;
    }
    off += 8 + size + (size % 2);
  }
  throw new Error("no data");
}
const f3 = (x: number | null): string => (x === null ? "  -  " : x.toFixed(2).padStart(5));
let sumF = 0;
let sumT = 0;
let nOwn = 0;
let sumOwnF = 0;
let sumOwnT = 0;
for (const [name, s] of rows) {
  console.log(
    `${name.padEnd(24)} liveF ${f3(s.liveF)} tempo ${f3(s.tempoAcc)} lock ${f3(s.lock)} relock ${s.relock.map(f3).join(",")} p95 ${s.p95.toFixed(0)}ms`,
  );
  sumF += s.liveF;
  sumT += s.tempoAcc;
  if (!name.startsWith("*")) {
    nOwn++;
    sumOwnF += s.liveF;
    sumOwnT += s.tempoAcc;
  }
}
console.log(
  `MEAN all liveF ${(sumF / rows.length).toFixed(3)} tempo ${(sumT / rows.length).toFixed(3)} | own(${nOwn}) liveF ${(sumOwnF / Math.max(1, nOwn)).toFixed(3)} tempo ${(sumOwnT / Math.max(1, nOwn)).toFixed(3)} | tracker ${(cpu / secs).toFixed(2)} ms/s`,
);
