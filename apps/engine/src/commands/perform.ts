/**
 * `performia perform`: the band plays along with a recorded performance, as fast as the
 * machine allows; the session is recorded and the mix written to a WAV file.
 */
import { randomInt } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { defaultBand } from "@performia/agents";
import type {
  DeviceLatency,
  FollowMode,
  Settings,
  SettingsChange,
  SettingsInput,
  SettingsPatch,
  SongMap,
} from "@performia/protocol";
import { PerformiaError, Settings as SettingsSchema, framesToSeconds, frames } from "@performia/protocol";
import { runOffline } from "../drivers/offline.js";
import { WavSource } from "../drivers/wav-source.js";
import { WavWriter, assertWritable } from "../io/wav.js";
import { ENGINE_VERSION, sessionsDir } from "../paths.js";
import { AnalysisPool } from "../pipeline/analysis-pool.js";
import { AnalysisStage } from "../pipeline/analysis-stage.js";
import { Pipeline } from "../pipeline/pipeline.js";
import { SessionWriter } from "../session/index.js";
import { readSongFile } from "../songs.js";
import { loadSynth } from "../soundfonts.js";
import { Progress } from "../util/progress.js";

export interface PerformOptions {
  /** Path to a song file, or the name of an example song. */
  readonly song: string;
  readonly input: string;
  readonly output?: string | null;
  /** Write the band alone (no performer) to the output. */
  readonly bandOnly?: boolean;
  readonly style?: string;
  readonly followMode?: FollowMode;
  readonly countInBars?: number;
  /** A live intensity (1–5) for every section; undefined follows the chart. */
  readonly intensity?: number;
  /** A SoundFont path (already resolved), or undefined for the built-in voices. */
  readonly soundFont?: string;
  readonly tempo?: number | null;
  readonly seed?: number;
  readonly blockSize?: number;
  /** Where bar 1 beat 1 falls in the input, in seconds. */
  readonly startSeconds?: number;
  /** Agents to switch off. */
  readonly mute?: readonly string[];
  readonly sessionsDir?: string;
  /** Record to this exact file instead of a new one in the sessions folder. */
  readonly sessionPath?: string;
  readonly record?: boolean;
  readonly maxSeconds?: number;
  readonly tailSeconds?: number;
  readonly quiet?: boolean;
  readonly signal?: AbortSignal;
  readonly analysisThreads?: number;
  /** Settings changes during the performance, at times in seconds (as a person would make them live). */
  readonly changes?: readonly { readonly seconds: number; readonly patch: SettingsPatch }[];
}

export interface PerformResult {
  readonly sessionPath: string | null;
  readonly outputPath: string | null;
  readonly sampleRate: number;
  readonly framesRead: number;
  readonly framesProcessed: number;
  readonly audioSeconds: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly decisionsByAgent: Record<string, number>;
  readonly beats: number;
  readonly onsets: number;
  readonly finalBpm: number;
  readonly interrupted: boolean;
  readonly settings: Settings;
  readonly warnings: string[];
  /** What the performer should know (e.g. singing in another key than the chart's). */
  readonly notices: string[];
}

/** Default settings of every agent of the default band. */
/** The band's balance out of the box: the rhythm section forward, colours behind it. */
const DEFAULT_VOLUME: Readonly<Record<string, number>> = {
  bass: 0.8,
  drums: 0.8,
  harmony: 0.6,
  guitar: 0.55,
  pad: 0.5,
  responder: 0.6,
};

export function defaultAgentSettings(mute: readonly string[] = []): SettingsInput["agents"] {
  const agents: NonNullable<SettingsInput["agents"]> = {};
  for (const a of defaultBand()) {
    agents[a.name] = { enabled: !mute.includes(a.name), volume: DEFAULT_VOLUME[a.name] ?? 0.7 };
  }
  return agents;
}

/** The session a performance records to (a new file in the sessions folder unless one is named), or none. */
export async function openRecorder(
  song: SongMap,
  settings: Settings,
  options: { readonly record?: boolean; readonly sessionPath?: string; readonly sessionsDir?: string },
  inputName: string,
  latency: DeviceLatency | null = null,
): Promise<{ sessionPath: string | null; recorder: SessionWriter | null }> {
  const sessionPath =
    (options.record ?? true)
      ? (options.sessionPath ?? newSessionPath(sessionsDir(options.sessionsDir), song.title))
      : null;
  const recorder = sessionPath
    ? await SessionWriter.create(sessionPath, {
        song,
        settings,
        engineVersion: ENGINE_VERSION,
        inputName,
        createdAt: new Date().toISOString(),
        latency,
      })
    : null;
  return { sessionPath, recorder };
}

export function newSessionPath(dir: string, songName: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[:.]/g, "-")
    .replace(/-\d{3}Z$/, "");
  const slug =
    songName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "session";
  let path = join(dir, `${stamp}-${slug}.performia`);
  for (let i = 2; existsSync(path); i++) path = join(dir, `${stamp}-${slug}-${i}.performia`);
  return path;
}

export async function perform(options: PerformOptions): Promise<PerformResult> {
  const warnings: string[] = [];
  const { song } = readSongFile(options.song);
  const source = new WavSource(options.input);
  const fmt = source.format;
  if (fmt.truncated) {
    warnings.push(
      `${options.input}: the file is truncated; performing the ${(fmt.frames / fmt.sampleRate).toFixed(2)} s it holds`,
    );
  }
  if (fmt.channels > 1) warnings.push(`${options.input}: ${fmt.channels} channels mixed down to mono`);
  if (options.mute) {
    const names = defaultBand().map((a) => a.name);
    for (const m of options.mute) {
      if (!names.includes(m)) {
        throw new PerformiaError(`unknown agent "${m}"`, "BAD_AGENT", `the agents are: ${names.join(", ")}`);
      }
    }
  }
  if (options.output) assertWritable(options.output);

  const settingsResult = SettingsSchema.safeParse({
    sampleRate: source.sampleRate,
    blockSize: options.blockSize,
    seed: options.seed ?? randomInt(0, 0xffffffff),
    style: options.style ?? song.style ?? "rock",
    followMode: options.followMode,
    countInBars: options.countInBars ?? 0,
    intensity: options.intensity ?? null,
    soundFont: options.soundFont ?? null,
    tempo: options.tempo ?? null,
    startFrame: Math.round((options.startSeconds ?? 0) * source.sampleRate),
    agents: defaultAgentSettings(options.mute),
    mix: options.bandOnly ? "band" : "full",
  } satisfies SettingsInput);
  if (!settingsResult.success) {
    source.close();
    const issue = settingsResult.error.issues[0]!;
    throw new PerformiaError(`bad setting ${issue.path.join(".")}: ${issue.message}`, "BAD_SETTINGS");
  }
  const settings = settingsResult.data;

  const { sessionPath, recorder } = await openRecorder(song, settings, options, basename(options.input));

  const pool = new AnalysisPool(options.analysisThreads ? { threads: options.analysisThreads } : {});
  const stage = new AnalysisStage(pool, settings.sampleRate, { batchHops: 32 });
  const script: SettingsChange[] = (options.changes ?? []).map((c) => ({
    frame: frames(c.seconds * settings.sampleRate),
    patch: c.patch,
  }));
  const synth = options.output ? await loadSynth(settings.soundFont, settings.sampleRate) : undefined;
  const pipeline = new Pipeline({
    song,
    settings,
    analysis: stage,
    recorder,
    render: Boolean(options.output),
    ...(synth ? { synth } : {}),
    script,
  });
  const sink = options.output ? new WavWriter(options.output, settings.sampleRate) : null;
  const progress = options.quiet ? null : new Progress("performing", settings.sampleRate);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let interrupted = false;
  try {
    const run = await runOffline({
      source,
      stage,
      processor: pipeline,
      sink,
      blockSize: settings.blockSize,
      tailFrames: Math.round((options.tailSeconds ?? 1.5) * settings.sampleRate),
      maxFrames: options.maxSeconds ? Math.round(options.maxSeconds * settings.sampleRate) : undefined,
      signal: options.signal,
      onProgress: (done, total) => progress?.update(done, total),
    });
    interrupted = run.aborted;
    pipeline.finish();
    progress?.done();
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const decisionsByAgent: Record<string, number> = {};
    for (const a of defaultBand()) decisionsByAgent[a.name] = 0;
    if (stage.losses.tasks > 0) {
      warnings.push(
        `the analysis lost ${stage.losses.tasks} task(s) (a worker crashed or hung: ${stage.losses.lastError}); their ${stage.losses.hops} hops were recorded as missed, the worker was replaced and the band played on`,
      );
    }
    for (const f of pipeline.log.agentFailures) {
      const at = framesToSeconds(frames(f.frame), settings.sampleRate).toFixed(2);
      warnings.push(
        `the ${f.agent} agent failed at ${at} s (${f.error}); it was silenced and the band played on`,
      );
    }
    const notices = pipeline.log.notices.map(
      (n) => `at ${framesToSeconds(frames(n.frame), settings.sampleRate).toFixed(1)} s, ${n.message}`,
    );
    for (const c of pipeline.log.commands) {
      if (c.error !== undefined)
        warnings.push(`form command ${JSON.stringify(c.command)} not done: ${c.error}`);
    }
    await recorder?.close(interrupted ? "interrupted" : "complete");
    return {
      sessionPath,
      outputPath: options.output ?? null,
      sampleRate: settings.sampleRate,
      framesRead: run.framesRead,
      framesProcessed: run.framesProcessed,
      audioSeconds: framesToSeconds(frames(run.framesProcessed), settings.sampleRate),
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      decisionsByAgent: { ...decisionsByAgent, ...pipeline.decisionsByAgent },
      beats: pipeline.counts.beats,
      onsets: pipeline.counts.onsets,
      finalBpm: pipeline.conductor.position(pipeline.frame).bpm,
      interrupted,
      settings,
      warnings,
      notices,
    };
  } catch (e) {
    await recorder?.close("interrupted").catch(() => undefined);
    throw e;
  } finally {
    sink?.close();
    source.close();
    await pool.close();
  }
}

/** What a performance from files did, in a few lines (warnings apart). */
export function summarizePerform(r: PerformResult): string {
  const notes = Object.entries(r.decisionsByAgent)
    .map(([a, n]) => `${a} ${n}`)
    .join(", ");
  return [
    `${r.interrupted ? "interrupted after" : "performed"} ${r.audioSeconds.toFixed(1)} s in ${r.wallSeconds.toFixed(1)} s (${(r.audioSeconds / r.wallSeconds).toFixed(0)}× real time)`,
    `  heard ${r.onsets} onsets and ${r.beats} beats; the band ended at ${r.finalBpm.toFixed(1)} BPM; notes: ${notes}`,
    ...r.notices.map((n) => `  note: ${n}`),
    ...(r.outputPath ? [`  wrote ${r.outputPath}`] : []),
    ...(r.sessionPath ? [`  session ${r.sessionPath}  (performia replay ${r.sessionPath} --check)`] : []),
  ].join("\n");
}
