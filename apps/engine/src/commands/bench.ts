/**
 * `npm run bench` (performia bench): the engine's speed and the size of what it records, on a
 * 60-second performance, with every figure printed beside its reference (real time, the
 * issue's target) as a ratio, and written as JSON.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileSong } from "@performia/agents";
import { renderNotes } from "@performia/dsp";
import { writeWav } from "../io/wav.js";
import { EXAMPLES, EXAMPLE_RATE, performerTempoMap } from "../examples/performances.js";
import { SessionReader } from "../session/index.js";
import { readSongFile } from "../songs.js";
import { perform } from "./perform.js";
import { replay } from "./replay.js";

export interface BenchOptions {
  readonly seconds?: number;
  /** Length of the long session whose replay check is timed (default ten minutes; 0 skips it). */
  readonly longSeconds?: number;
  readonly outDir?: string;
}

interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly reference: number;
  readonly referenceName: string;
  readonly ratio: number;
  readonly target?: string;
  readonly pass?: boolean;
}

/** A performance of at least `seconds`: the tempo-study guitarist, with the form repeated. */
export function benchPerformance(dir: string, seconds: number): { songPath: string; wavPath: string } {
  const spec = EXAMPLES.find((e) => e.name === "tempo-study-guitar")!;
  const { song } = readSongFile(spec.song);
  const once = compileSong(song);
  const secondsOnce = (once.totalBeats * 60) / song.tempo;
  const repeats = Math.ceil((seconds + 2) / secondsOnce);
  const long = { ...song, form: Array.from({ length: repeats }, () => song.form).flat() };
  const songPath = join(dir, "bench-song.json");
  writeFileSync(songPath, JSON.stringify(long));
  const compiled = compileSong(long);
  const map = performerTempoMap(compiled, (bar, t) => (bar % 16 >= 9 ? t * 1.1 : t), EXAMPLE_RATE);
  const notes = spec.play(compiled, map);
  const length = Math.round(seconds * EXAMPLE_RATE);
  const wavPath = join(dir, "bench-performance.wav");
  writeWav(wavPath, renderNotes(notes, length, { sampleRate: EXAMPLE_RATE, seed: 7 }), EXAMPLE_RATE);
  return { songPath, wavPath };
}

export async function bench(options: BenchOptions, log: (line: string) => void): Promise<Figure[]> {
  const seconds = options.seconds ?? 60;
  const work = mkdtempSync(join(tmpdir(), "performia-bench-"));
  const outDir = resolve(options.outDir ?? "bench-results");
  try {
    log(`bench: making a ${seconds} s performance…`);
    const { songPath, wavPath } = benchPerformance(work, seconds);
    const sessionPath = join(work, "bench.performia");

    log("bench: perform (render + record)…");
    const p = await perform({
      song: songPath,
      input: wavPath,
      output: join(work, "out.wav"),
      sessionPath,
      seed: 3,
      quiet: true,
      tailSeconds: 0,
    });
    log("bench: replay --check…");
    const r = await replay({ session: sessionPath, quiet: true });
    log("bench: replay --check with two analysis threads…");
    const r2 = await replay({ session: sessionPath, quiet: true, analysisThreads: 2 });

    const reader = SessionReader.open(sessionPath);
    const info = reader.info();
    reader.close();
    const bytes = statSync(sessionPath).size;
    const minutes = info.frames / info.sampleRate / 60;

    const figures: Figure[] = [
      {
        name: "perform speed (wall)",
        value: p.audioSeconds / p.wallSeconds,
        unit: "× real time",
        reference: 1,
        referenceName: "real time",
        ratio: p.audioSeconds / p.wallSeconds,
      },
      {
        name: "perform speed (per CPU second, all threads)",
        value: p.audioSeconds / p.cpuSeconds,
        unit: "× real time",
        reference: 1,
        referenceName: "real time",
        ratio: p.audioSeconds / p.cpuSeconds,
      },
      {
        name: "replay --check speed (wall)",
        value: r.audioSeconds / r.wallSeconds,
        unit: "× real time",
        reference: 60,
        referenceName: "target 60× real time",
        ratio: r.audioSeconds / r.wallSeconds / 60,
        target: "≥ 60×",
        pass: r.audioSeconds / r.wallSeconds >= 60,
      },
      {
        name: "replay --check speed (per CPU second: one core's worth)",
        value: r.audioSeconds / r.cpuSeconds,
        unit: "× real time",
        reference: 60,
        referenceName: "target 60× real time",
        ratio: r.audioSeconds / r.cpuSeconds / 60,
        target: "≥ 60×",
        pass: r.audioSeconds / r.cpuSeconds >= 60,
      },
      {
        name: "replay --check, two analysis threads (wall)",
        value: r2.audioSeconds / r2.wallSeconds,
        unit: "× real time",
        reference: r.audioSeconds / r.wallSeconds,
        referenceName: "replay with the default pool",
        ratio: r2.audioSeconds / r2.wallSeconds / (r.audioSeconds / r.wallSeconds),
      },
      {
        name: "session file size",
        value: bytes / 1e6 / minutes,
        unit: "MB per minute",
        reference: (info.sampleRate * 60 * 4) / 1e6,
        referenceName: "raw float32 input per minute",
        ratio: bytes / minutes / (info.sampleRate * 60 * 4),
      },
      {
        name: "frames recorded",
        value: info.frames,
        unit: "frames",
        reference: p.framesRead + (p.framesProcessed - p.framesRead),
        referenceName: "frames read (+ tail)",
        ratio: info.frames / p.framesProcessed,
        target: "= frames read",
        pass: info.frames === p.framesProcessed && p.framesRead === p.framesProcessed,
      },
    ];
    let longIdentical = true;
    const longSeconds = options.longSeconds ?? 600;
    if (longSeconds > 0) {
      log(`bench: a ${longSeconds / 60}-minute session: perform with recording, then replay --check…`);
      const long = benchPerformance(work, longSeconds);
      const longSession = join(work, "long.performia");
      await perform({
        song: long.songPath,
        input: long.wavPath,
        sessionPath: longSession,
        seed: 4,
        quiet: true,
        tailSeconds: 0,
      });
      const lr = await replay({ session: longSession, quiet: true });
      longIdentical = lr.diff.identical;
      figures.push(
        {
          name: `replay --check of a ${longSeconds / 60}-minute session (wall)`,
          value: lr.wallSeconds,
          unit: "s",
          reference: 10,
          referenceName: "target 10 s",
          ratio: lr.wallSeconds / 10,
          target: "< 10 s",
          pass: lr.wallSeconds < 10,
        },
        {
          name: `replay --check of a ${longSeconds / 60}-minute session (per CPU second)`,
          value: lr.audioSeconds / lr.cpuSeconds,
          unit: "× real time",
          reference: 60,
          referenceName: "target 60× real time",
          ratio: lr.audioSeconds / lr.cpuSeconds / 60,
          target: "≥ 60×",
          pass: lr.audioSeconds / lr.cpuSeconds >= 60,
        },
      );
    }
    const checks = {
      replayIdentical: r.diff.identical && r2.diff.identical && longIdentical,
      decisions: r.diff.expectedCount,
    };
    log("");
    log(
      `bench: ${seconds} s performance at ${info.sampleRate} Hz, block ${info.blockSize}, ${checks.decisions} decisions, replay identical: ${checks.replayIdentical}`,
    );
    for (const f of figures) {
      log(
        `  ${f.name.padEnd(56)} ${f.value.toFixed(f.value >= 100 ? 0 : 2).padStart(10)} ${f.unit.padEnd(14)} vs ${f.referenceName} (${f.reference.toFixed(f.reference >= 100 ? 0 : 2)}): ratio ${f.ratio.toFixed(2)}${f.target ? `  target ${f.target} ${f.pass ? "✓" : "✗"}` : ""}`,
      );
    }
    mkdirSync(outDir, { recursive: true });
    const json = join(outDir, "engine.json");
    writeFileSync(
      json,
      `${JSON.stringify({ date: new Date().toISOString(), seconds, sampleRate: info.sampleRate, blockSize: info.blockSize, checks, figures }, null, 2)}\n`,
    );
    log(`bench: results in ${json}`);
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
