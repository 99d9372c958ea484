/**
 * Score the analysis on the development corpus (excluded from the build).
 *
 *   npx tsx src/analysis/test-score-corpus.ts [CORPUS_DIR ...] [--out DIR] [--no-score]
 *
 * Reads every NAME.wav (16-bit PCM mono), runs analyzeSignal, writes NAME.json in the
 * `analyze --json` contract to --out (default /tmp/performia-pred), then runs the scorer.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { analyzeSignal } from "./analyze.js";
import { analysisConfig } from "./config.js";

function readWav(path: string): { samples: Float32Array; sampleRate: number } {
  const buf = readFileSync(path);
  if (buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path}: not a RIFF/WAVE file`);
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === "data") {
      if (bits !== 16) throw new Error(`${path}: only 16-bit PCM is supported`);
      const frameCount = Math.floor(Math.min(size, buf.length - body) / (2 * channels));
      const samples = new Float32Array(frameCount);
      for (let i = 0; i < frameCount; i++) {
        let acc = 0;
        for (let c = 0; c < channels; c++) acc += buf.readInt16LE(body + 2 * (i * channels + c));
        samples[i] = acc / channels / 32768;
      }
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args[outIndex + 1]! : "/tmp/performia-pred";
const noScore = args.includes("--no-score");
const dirs = args.filter((a, i) => !a.startsWith("--") && (outIndex < 0 || i !== outIndex + 1));
if (dirs.length === 0) dirs.push("/work/shared/corpus/synthetic", "/work/shared/corpus/real");

for (const dir of dirs) {
  const target = join(outDir, basename(dir));
  mkdirSync(target, { recursive: true });
  let audioSeconds = 0;
  let cpuMs = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".wav"))) {
    const { samples, sampleRate } = readWav(join(dir, file));
    const t0 = process.cpuUsage();
    const { frames, events } = analyzeSignal(samples, sampleRate);
    const used = process.cpuUsage(t0);
    cpuMs += (used.user + used.system) / 1000;
    audioSeconds += samples.length / sampleRate;
    const s = (f: number): number => f / sampleRate;
    let key: string | null = null;
    const report = {
      sampleRate,
      pitch: frames.map((f) => ({
        t: Math.max(0, s(f.frame - analysisConfig(sampleRate).pitchLatency)),
        hz: f.hz,
        confidence: f.confidence,
      })),
      onsets: [] as number[],
      beats: [] as { t: number; reportedAt: number }[],
      tempo: [] as { t: number; bpm: number }[],
      key: null as string | null,
      chords: [] as { t: number; label: string }[],
    };
    for (const e of events) {
      if (e.kind === "onset") report.onsets.push(s(e.frame));
      else if (e.kind === "beat") report.beats.push({ t: s(e.frame), reportedAt: s(e.reportedAt) });
      else if (e.kind === "tempo") report.tempo.push({ t: s(e.frame), bpm: e.bpm });
      else if (e.kind === "chord") report.chords.push({ t: s(e.frame), label: e.label });
      else if (e.kind === "key") key = e.label;
    }
    report.key = key;
    writeFileSync(join(target, file.replace(/\.wav$/, ".json")), JSON.stringify(report));
  }
  console.log(
    `${dir}: ${audioSeconds.toFixed(1)} s of audio, ${cpuMs.toFixed(0)} ms CPU, ` +
      `${(cpuMs / audioSeconds).toFixed(2)} ms CPU per second of audio`,
  );
  if (!noScore) {
    const out = execFileSync(
      "node",
      ["/work/shared/bench/score.mjs", "--gt", dir, "--pred", target, "--label", "performia"],
      { encoding: "utf8" },
    );
    console.log(out);
  }
}
