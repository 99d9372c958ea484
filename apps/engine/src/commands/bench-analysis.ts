/**
 * The analysis benchmark (issue 3's measure): `performia analyze` scored on the development
 * corpus with ../shared/bench/score.mjs, beside aubio (Debian's aubio-tools and python3-aubio,
 * through ../shared/bench/peers/aubio.mjs) when it is installed, in the same run; the speed of
 * both as a realtime factor and their ratio; and the time to analyse one 128-frame block.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { analysisConfig, CausalTracker, createHopFeatures, extractFeaturesInto } from "@performia/dsp";
import { frames } from "@performia/protocol";
import { readWav, writeWav } from "../io/wav.js";
import { ENGINE_ROOT } from "../paths.js";
import { collectGarbage } from "../util/gc.js";

/** ../shared beside the checkout (as in CI), or $PERFORMIA_SHARED. */
export function sharedDir(): string | null {
  const dir = resolve(process.env.PERFORMIA_SHARED ?? resolve(ENGINE_ROOT, "../../../shared"));
  return existsSync(join(dir, "bench", "score.mjs")) ? dir : null;
}

/** The scorer's aggregate: category → metric → value (null where, e.g., a tracker never re-locked). */
type Aggregate = Record<string, Record<string, number | null>>;

const CELL = 13;

function cell(v: number | null | undefined): string {
  return (v === undefined ? "-" : v === null ? "never" : v.toFixed(3)).padStart(CELL);
}

interface SystemRun {
  readonly aggregate: Aggregate;
  /** Beat report latency (reportedAt - t), ms: the worst file's p95. */
  readonly beatReportP95Ms: number | null;
  /** Seconds of audio per second of wall time. */
  readonly realtime: number;
}

interface ScoreFile {
  readonly aggregate: Aggregate;
  readonly files: { beats?: { reportLatencyP95Ms?: number | null } }[];
}

function score(shared: string, gt: string, pred: string, label: string, out: string): ScoreFile {
  const r = spawnSync(
    process.execPath,
    [join(shared, "bench", "score.mjs"), "--gt", gt, "--pred", pred, "--label", label, "--json", out],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`score.mjs failed: ${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8")) as ScoreFile;
}

/** Run a system through the shared harness (a process per file, as for every peer). */
function runSystem(shared: string, cmd: string, corpus: string, out: string, label: string): SystemRun {
  const bench = join(shared, "bench");
  mkdirSync(out, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [join(bench, "run_system.mjs"), "--cmd", cmd, "--corpus", corpus, "--out", out],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`${label} run failed: ${r.stderr}`);
  const run = JSON.parse(readFileSync(join(out, "_run.json"), "utf8")) as {
    realtimeFactor: number;
    nFailed: number;
  };
  if (run.nFailed > 0)
    throw new Error(`${label}: ${run.nFailed} files failed (see ${join(out, "_run.json")})`);
  const scored = score(shared, corpus, out, label, join(out, "_score.json"));
  const p95s = scored.files
    .map((f) => f.beats?.reportLatencyP95Ms)
    .filter((v): v is number => typeof v === "number");
  return {
    aggregate: scored.aggregate,
    beatReportP95Ms: p95s.length > 0 ? Math.max(...p95s) : null,
    realtime: run.realtimeFactor,
  };
}

function aubioInstalled(): boolean {
  const r = spawnSync("sh", ["-c", "command -v aubiotrack && /usr/bin/python3 -c 'import aubio'"], {
    encoding: "utf8",
  });
  return r.status === 0;
}

/** Collect garbage now (for memory figures), through V8's flag when node was not started with it. */
interface AloneRun {
  /** One 128-frame block (the features of a hop when one ends in it, plus the tracker), ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Seconds of audio per second of compute. */
  readonly realtime: number;
  readonly seconds: number;
  /** Heap in use (after a collection) once a minute of audio has been analysed, and at the end, MB. */
  readonly heapAfterMinuteMb: number;
  readonly heapAtEndMb: number;
  /** Non-finite numbers seen in any frame or event. */
  readonly nonFinite: number;
}

/**
 * The analysis alone, on one thread, over `seconds` of audio: the corpus files one after the
 * other, again and again, through one tracker (a long performance), block by block.
 */
function analysisAlone(corpus: string, seconds: number): AloneRun {
  const signals = readdirSync(corpus)
    .filter((n) => n.endsWith(".wav"))
    .sort()
    .map((f) => readWav(join(corpus, f)))
    .filter((w) => w.format.sampleRate === 44100)
    .map((w) => w.samples);
  const config = analysisConfig(44100);
  const tracker = new CausalTracker(config);
  const features = createHopFeatures(config);
  const window = new Float32Array(config.windowSize);
  /** The newest windowSize + 128 samples: every window that ends inside the block. */
  const history = new Float32Array(config.windowSize + 128);
  const times: number[] = [];
  const total = Math.round(seconds * 44100);
  const minute = 60 * 44100;
  let nextHop = config.hopSize;
  let done = 0;
  let nonFinite = 0;
  let heapAfterMinute = 0;
  const block = new Float32Array(128);
  for (let s = 0; done + 128 <= total; s = (s + 1) % signals.length) {
    const signal = signals[s]!;
    for (let at = 0; at + 128 <= signal.length && done + 128 <= total; at += 128) {
      block.set(signal.subarray(at, at + 128));
      const end = done + 128;
      const t0 = performance.now();
      history.copyWithin(0, 128);
      history.set(block, history.length - 128);
      for (; nextHop <= end; nextHop += config.hopSize) {
        const back = end - nextHop;
        window.set(history.subarray(history.length - back - window.length, history.length - back));
        const out = tracker.push(frames(nextHop), extractFeaturesInto(window, config, features));
        const f = out.frame;
        if (!Number.isFinite(f.rms) || !Number.isFinite(f.confidence) || !Number.isFinite(f.onsetStrength))
          nonFinite++;
        if (f.hz !== null && !Number.isFinite(f.hz)) nonFinite++;
        for (const e of out.events)
          for (const v of Object.values(e)) if (typeof v === "number" && !Number.isFinite(v)) nonFinite++;
      }
      times.push(performance.now() - t0);
      done = end;
      if (heapAfterMinute === 0 && done >= minute) {
        collectGarbage();
        heapAfterMinute = process.memoryUsage().heapUsed;
      }
    }
  }
  collectGarbage();
  const heapAtEnd = process.memoryUsage().heapUsed;
  const compute = times.reduce((a, b) => a + b, 0) / 1000;
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return {
    p50: q(0.5),
    p99: q(0.99),
    max: times[times.length - 1]!,
    realtime: done / 44100 / compute,
    seconds: done / 44100,
    heapAfterMinuteMb: heapAfterMinute / 2 ** 20,
    heapAtEndMb: heapAtEnd / 2 ** 20,
    nonFinite,
  };
}

/** Onset agreement on one real recording with a second annotator's onsets (see `onsetAgreement`). */
interface OnsetAgreement {
  readonly file: string;
  /** The second annotator's onsets scored against the ground truth's annotator (onset F). */
  readonly humans: number;
  /** Ours against the ground truth's annotator, and against the second one. */
  readonly ours: number;
  readonly oursAlt: number;
}

/**
 * Human agreement on the onsets of the real recordings whose ground truth also gives a second
 * annotator's (`onsetsAlt`): how well that annotator scores against the first (the one the
 * ground truth uses), beside our onsets against each. Two people marking the same singing agree
 * only so far; that is the scale our figure is read on.
 */
export function onsetAgreement(shared: string, real: string, ourPred: string, out: string): OnsetAgreement[] {
  const rows: OnsetAgreement[] = [];
  const dir = join(out, "agreement");
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(real).filter((n) => n.endsWith(".json") && !n.endsWith(".SOURCE.json"))) {
    const gtPath = join(real, name);
    const gt = JSON.parse(readFileSync(gtPath, "utf8")) as {
      sampleRate?: number;
      onsets?: number[];
      onsetsAlt?: number[];
    };
    const pred = join(ourPred, name);
    if (!Array.isArray(gt.onsets) || !Array.isArray(gt.onsetsAlt) || !existsSync(pred)) continue;
    const base = name.replace(/\.json$/, "");
    const onsetsOnly = { sampleRate: gt.sampleRate ?? 44100, tasks: ["onsets"] };
    const gtOnly = join(dir, `${base}.gt.json`);
    const altGt = join(dir, `${base}.gt-alt.json`);
    const altPred = join(dir, `${base}.alt.json`);
    writeFileSync(gtOnly, JSON.stringify({ ...onsetsOnly, onsets: gt.onsets }));
    writeFileSync(altGt, JSON.stringify({ ...onsetsOnly, onsets: gt.onsetsAlt }));
    writeFileSync(
      altPred,
      JSON.stringify({ ...onsetsOnly, pitch: [], beats: [], tempo: [], onsets: gt.onsetsAlt }),
    );
    const f = (g: string, p: string, label: string): number =>
      score(shared, g, p, label, join(dir, `${base}.${label}.score.json`)).aggregate.all?.["onsets.F"] ?? 0;
    rows.push({
      file: base,
      humans: f(gtOnly, altPred, "humans"),
      ours: f(gtOnly, pred, "ours"),
      oursAlt: f(altGt, pred, "ours-alt"),
    });
  }
  return rows;
}

/** The synthetic corpus with white noise added at `snrDb` (seeded, the same every run). */
function noisyCorpus(corpus: string, out: string, snrDb: number): string {
  mkdirSync(out, { recursive: true });
  let state = 0x9e3779b9;
  const uniform = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  for (const f of readdirSync(corpus).filter((n) => n.endsWith(".wav"))) {
    const { samples, format } = readWav(join(corpus, f));
    let power = 0;
    for (const v of samples) power += v * v;
    const noiseRms = Math.sqrt(power / samples.length / 10 ** (snrDb / 10));
    const noisy = new Float32Array(samples.length);
    let peak = 0;
    for (let i = 0; i < samples.length; i++) {
      // Gaussian noise (Box-Muller).
      const n = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      noisy[i] = samples[i]! + noiseRms * n;
      peak = Math.max(peak, Math.abs(noisy[i]!));
    }
    if (peak > 0.99) for (let i = 0; i < noisy.length; i++) noisy[i] = (noisy[i]! * 0.99) / peak;
    writeWav(join(out, f), noisy, format.sampleRate);
    const gt = f.replace(/\.wav$/, ".json");
    if (existsSync(join(corpus, gt))) copyFileSync(join(corpus, gt), join(out, gt));
  }
  return out;
}

const METRICS: readonly [string, string][] = [
  ["pitch.RPA", "pitch RPA (≥ 0.95)"],
  ["pitch.VFA", "voicing false alarm (≤ 0.10, lower is better)"],
  ["onsets.F", "onset F (≥ 0.90)"],
  ["beats.F", "beat F (≥ 0.90)"],
  ["beats.liveF", "beat live F"],
  ["beats.relockTime", "re-lock after a tempo step, s (≤ 2)"],
  ["tempo.acc1", "tempo accuracy ±4 % (≥ 0.90)"],
  ["key.weighted", "key weighted (≥ 0.9)"],
  ["chords.majmin", "chords maj/min (≥ 0.85)"],
];

export function benchAnalysis(
  outDir: string,
  log: (line: string) => void,
  options: { longSeconds?: number } = {},
): unknown {
  const shared = sharedDir();
  if (!shared) {
    log(
      "bench analysis: ../shared (the corpus and scorer) not found beside the checkout; set PERFORMIA_SHARED to run it",
    );
    return null;
  }
  const withAubio = aubioInstalled();
  if (!withAubio)
    log(
      "bench analysis: aubio not installed (apt-get install aubio-tools python3-aubio): scoring Performia alone",
    );
  const results: Record<string, unknown> = {};
  const synthetic = join(shared, "corpus", "synthetic");
  const sets: [string, () => string][] = [
    ["synthetic", () => synthetic],
    ["real", () => join(shared, "corpus", "real")],
    ["synthetic + white noise at 10 dB SNR", () => noisyCorpus(synthetic, join(outDir, "corpus-10db"), 10)],
  ];
  for (const [set, corpusOf] of sets) {
    log(`bench analysis: ${set} corpus…`);
    const corpus = corpusOf();
    const tag = set.split(" ")[0] === "synthetic" && set !== "synthetic" ? "synthetic-10db" : set;
    const cli = `node ${join(ENGINE_ROOT, "dist", "cli.js")}`;
    const ours = runSystem(shared, cli, corpus, join(outDir, "pred", "performia", tag), "performia");
    const aubio = `node ${join(shared, "bench", "peers", "aubio.mjs")}`;
    const peer = withAubio
      ? runSystem(shared, aubio, corpus, join(outDir, "pred", "aubio", tag), "aubio")
      : null;
    const cats = Object.keys(ours.aggregate);
    log(`\n${`  ${set}: metric by category`.padEnd(57)}${cats.map((c) => c.padStart(CELL)).join("")}`);
    for (const [key, name] of METRICS) {
      const row = (a: Aggregate): string => cats.map((c) => cell(a[c]?.[key])).join("");
      if (!cats.some((c) => ours.aggregate[c]?.[key] !== undefined)) continue;
      log(`  ${name.padEnd(44)} performia ${row(ours.aggregate)}`);
      if (peer) log(`  ${"".padEnd(44)} aubio     ${row(peer.aggregate)}`);
    }
    const latency = (r: SystemRun): string =>
      r.beatReportP95Ms === null ? "no beats" : `${r.beatReportP95Ms.toFixed(1)} ms`;
    log(
      `  beat report latency, worst file's p95 (reportedAt - beat; ≤ 30 ms, negative = predicted): performia ${latency(ours)}` +
        (peer ? `, aubio ${latency(peer)}` : ""),
    );
    log(
      `  speed through the harness (a process per file, startup included): performia ${ours.realtime.toFixed(1)}× real time` +
        (peer
          ? `, aubio ${peer.realtime.toFixed(1)}×; ratio performia/aubio ${(ours.realtime / peer.realtime).toFixed(2)}`
          : ""),
    );
    if (set === "real") {
      const agreement = onsetAgreement(shared, corpus, join(outDir, "pred", "performia", tag), outDir);
      for (const a of agreement)
        log(
          `  onsets of ${a.file}, against human agreement: a second annotator scores F ${a.humans.toFixed(3)} against the ground truth's; performia ${a.ours.toFixed(3)} against the ground truth's, ${a.oursAlt.toFixed(3)} against the second`,
        );
      results.onsetAgreement = agreement;
    }
    results[tag] = { performia: ours, aubio: peer };
  }
  const seconds = Math.max(60, options.longSeconds ?? 600);
  log(`\nbench analysis: ${(seconds / 60).toFixed(0)} minutes of audio through one tracker, block by block…`);
  const alone = analysisAlone(synthetic, seconds);
  log(`  analysis alone on one thread: ${alone.realtime.toFixed(0)}× real time (target ≥ 100×)`);
  log(
    `  one 128-frame block analysed: p50 ${alone.p50.toFixed(3)} ms, p99 ${alone.p99.toFixed(3)} ms, max ${alone.max.toFixed(3)} ms (target p99 ≤ 0.5 ms; a block lasts 2.90 ms at 44.1 kHz)`,
  );
  log(
    `  heap in use after 1 minute ${alone.heapAfterMinuteMb.toFixed(1)} MB, after ${(alone.seconds / 60).toFixed(0)} minutes ${alone.heapAtEndMb.toFixed(1)} MB (growth ${(alone.heapAtEndMb - alone.heapAfterMinuteMb).toFixed(1)} MB); non-finite values in the output: ${alone.nonFinite}`,
  );
  results.alone = alone;
  return results;
}
