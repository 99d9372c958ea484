/**
 * The analysis benchmark (issue 3's measure): `performia analyze` scored on the development
 * corpus with ../shared/bench/score.mjs, beside aubio (Debian's aubio-tools and python3-aubio,
 * through ../shared/bench/peers/aubio.mjs) when it is installed, in the same run; the speed of
 * both as a realtime factor and their ratio; and the time to analyse one 128-frame block.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { analysisConfig, CausalTracker, createHopFeatures, extractFeaturesInto } from "@performia/dsp";
import { frames } from "@performia/protocol";
import { readWav } from "../io/wav.js";
import { ENGINE_ROOT } from "../paths.js";

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
  /** Seconds of audio per second of wall time. */
  readonly realtime: number;
}

function score(shared: string, gt: string, pred: string, label: string, out: string): Aggregate {
  const r = spawnSync(
    process.execPath,
    [join(shared, "bench", "score.mjs"), "--gt", gt, "--pred", pred, "--label", label, "--json", out],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`score.mjs failed: ${r.stderr}`);
  return (JSON.parse(readFileSync(out, "utf8")) as { aggregate: Aggregate }).aggregate;
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
  return {
    aggregate: score(shared, corpus, out, label, join(out, "_score.json")),
    realtime: run.realtimeFactor,
  };
}

function aubioInstalled(): boolean {
  const r = spawnSync("sh", ["-c", "command -v aubiotrack && /usr/bin/python3 -c 'import aubio'"], {
    encoding: "utf8",
  });
  return r.status === 0;
}

/**
 * The analysis alone, on one thread: p50/p99 of one 128-frame block (the features of a hop
 * when one ends in it, plus the tracker), in ms, and seconds of audio per second of compute.
 */
function blockTimes(corpus: string): { p50: number; p99: number; max: number; realtime: number } {
  const wavs = readdirSync(corpus)
    .filter((n) => n.endsWith(".wav"))
    .sort();
  const times: number[] = [];
  let audio = 0;
  for (const f of wavs) {
    const { samples, format } = readWav(join(corpus, f));
    audio += samples.length / format.sampleRate;
    const config = analysisConfig(format.sampleRate);
    const tracker = new CausalTracker(config);
    const features = createHopFeatures(config);
    const window = new Float32Array(config.windowSize);
    let nextHop = config.hopSize;
    for (let start = 0; start + 128 <= samples.length; start += 128) {
      const end = start + 128;
      const t0 = performance.now();
      for (; nextHop <= end; nextHop += config.hopSize) {
        const from = nextHop - config.windowSize;
        window.fill(0);
        window.set(samples.subarray(Math.max(0, from), nextHop), Math.max(0, -from));
        extractFeaturesInto(window, config, features);
        tracker.push(frames(nextHop), features);
      }
      times.push(performance.now() - t0);
    }
  }
  const total = times.reduce((a, b) => a + b, 0) / 1000;
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: times[times.length - 1]!, realtime: audio / total };
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

export function benchAnalysis(outDir: string, log: (line: string) => void): unknown {
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
  for (const set of ["synthetic", "real"]) {
    const corpus = join(shared, "corpus", set);
    log(`bench analysis: ${set} corpus…`);
    const cli = `node ${join(ENGINE_ROOT, "dist", "cli.js")}`;
    const ours = runSystem(shared, cli, corpus, join(outDir, "pred", "performia", set), "performia");
    const aubio = `node ${join(shared, "bench", "peers", "aubio.mjs")}`;
    const peer = withAubio
      ? runSystem(shared, aubio, corpus, join(outDir, "pred", "aubio", set), "aubio")
      : null;
    const cats = Object.keys(ours.aggregate);
    log(`\n${`  ${set}: metric by category`.padEnd(57)}${cats.map((c) => c.padStart(CELL)).join("")}`);
    for (const [key, name] of METRICS) {
      const row = (a: Aggregate): string => cats.map((c) => cell(a[c]?.[key])).join("");
      if (!cats.some((c) => ours.aggregate[c]?.[key] !== undefined)) continue;
      log(`  ${name.padEnd(44)} performia ${row(ours.aggregate)}`);
      if (peer) log(`  ${"".padEnd(44)} aubio     ${row(peer.aggregate)}`);
    }
    log(
      `  speed through the harness (a process per file, startup included): performia ${ours.realtime.toFixed(1)}× real time` +
        (peer
          ? `, aubio ${peer.realtime.toFixed(1)}×; ratio performia/aubio ${(ours.realtime / peer.realtime).toFixed(2)}`
          : ""),
    );
    results[set] = { performia: ours, aubio: peer };
  }
  const block = blockTimes(join(shared, "corpus", "synthetic"));
  log(`\n  analysis alone on one thread: ${block.realtime.toFixed(0)}× real time (target ≥ 100×)`);
  log(
    `  one 128-frame block analysed: p50 ${block.p50.toFixed(3)} ms, p99 ${block.p99.toFixed(3)} ms, max ${block.max.toFixed(3)} ms (target p99 ≤ 0.5 ms; a block lasts 2.90 ms at 44.1 kHz)`,
  );
  results.block = block;
  return results;
}
