/**
 * `performia replay SESSION [--check] [--out FILE.wav]`: re-run the pipeline on a session's
 * recorded input, with its song, settings, changes, seed and recorded analysis misses, and
 * compare every decision with what was recorded.
 */
import { existsSync } from "node:fs";
import type { BeatEvent, ConductorUpdate, Decision } from "@performia/protocol";
import { runOffline } from "../drivers/offline.js";
import { SessionSource } from "../drivers/session-source.js";
import { WavWriter, assertWritable } from "../io/wav.js";
import { ENGINE_VERSION } from "../paths.js";
import { AnalysisPool } from "../pipeline/analysis-pool.js";
import { AnalysisStage } from "../pipeline/analysis-stage.js";
import { Pipeline } from "../pipeline/pipeline.js";
import type { BeatFigures, DecisionDiff } from "../replay/diff.js";
import { compareBeats, diffDecisions, formatBeats, formatDiff } from "../replay/diff.js";
import { SessionReader } from "../session/index.js";
import { loadSynth } from "../soundfonts.js";
import { Progress } from "../util/progress.js";

export interface ReplayOptions {
  readonly session: string;
  readonly out?: string | null;
  readonly quiet?: boolean;
  readonly analysisThreads?: number;
  /** What `out` gets: the session's own mix (default), or the band alone. */
  readonly mix?: "session" | "band";
  /** Told about anything that makes the render differ from the original (a missing SoundFont). */
  readonly onWarning?: (message: string) => void;
}

export interface ReplayResult {
  readonly diff: DecisionDiff;
  readonly beats: BeatFigures;
  readonly report: string;
  readonly audioSeconds: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly replayed: readonly Decision[];
  /** The replay's beats and conductor updates (its tempo), for comparisons. */
  readonly replayedBeats: readonly BeatEvent[];
  readonly replayedUpdates: readonly ConductorUpdate[];
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  if (options.out) assertWritable(options.out);
  const reader = SessionReader.open(options.session);
  const pool = new AnalysisPool(options.analysisThreads ? { threads: options.analysisThreads } : {});
  try {
    const info = reader.info();
    const header = reader.header();
    const recordedDecisions = reader.decisions();
    const recordedBeats = reader.events().filter((e): e is BeatEvent => e.kind === "beat");
    const missed = new Set(
      reader
        .analysis()
        .filter((a) => a.missed)
        .map((a) => a.frame as number),
    );
    const changes = reader.settingsChanges();
    // The band alone changes only what is written, never what the band decides.
    const settings = options.mix === "band" ? { ...header.settings, mix: "band" as const } : header.settings;
    const stage = new AnalysisStage(pool, settings.sampleRate, { batchHops: 32, forcedMisses: missed });
    // The SoundFont the session was played through, when this machine has it (else the built-in voices).
    const soundFont =
      settings.soundFont !== null && existsSync(settings.soundFont) ? settings.soundFont : null;
    if (options.out && settings.soundFont !== null && soundFont === null) {
      options.onWarning?.(
        `the session's SoundFont ${settings.soundFont} is not here: rendering with the built-in voices`,
      );
    }
    const synth = options.out ? await loadSynth(soundFont, settings.sampleRate) : undefined;
    const pipeline = new Pipeline({
      song: header.song,
      settings,
      analysis: stage,
      render: Boolean(options.out),
      ...(synth ? { synth } : {}),
      scheduledChanges: changes,
      keep: true,
    });
    const writer = options.out ? new WavWriter(options.out, settings.sampleRate) : null;
    const progress = options.quiet ? null : new Progress("replaying", settings.sampleRate);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await runOffline({
      source: new SessionSource(reader),
      stage,
      processor: pipeline,
      sink: writer,
      blockSize: settings.blockSize,
      onProgress: (done, total) => progress?.update(done, total),
    });
    pipeline.finish();
    progress?.done();
    writer?.close();
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const diff = diffDecisions(recordedDecisions, pipeline.log.decisions);
    const beats = compareBeats(recordedBeats, pipeline.log.beats, settings.sampleRate);
    const bpb = pipeline.compiled.beatsPerBar;
    const audioSeconds = run.framesProcessed / settings.sampleRate;
    const report = [
      `replay of ${info.path}`,
      `  "${info.songTitle}", ${audioSeconds.toFixed(1)} s at ${settings.sampleRate} Hz, block ${settings.blockSize}, seed ${settings.seed}, status ${info.status}`,
      `  recorded by engine ${header.engineVersion}, replayed by ${ENGINE_VERSION}; ${missed.size} recorded analysis misses reproduced; ${changes.length} settings changes applied`,
      formatDiff(diff, bpb, settings.sampleRate),
      formatBeats(beats),
      `  replayed at ${(audioSeconds / wallSeconds).toFixed(0)}× real time (${(audioSeconds / Math.max(1e-9, (cpu.user + cpu.system) / 1e6)).toFixed(0)}× per CPU second)`,
    ].join("\n");
    return {
      diff,
      beats,
      report,
      audioSeconds,
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      replayed: pipeline.log.decisions,
      replayedBeats: pipeline.log.beats,
      replayedUpdates: pipeline.log.updates,
    };
  } finally {
    reader.close();
    await pool.close();
  }
}
