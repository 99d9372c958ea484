/**
 * `performia perform --input mic --output speakers`: the band plays along with a performer on an
 * audio device, in real time. The same pipeline as the offline perform, driven by the device
 * (drivers/live.ts); the session is recorded the same way (plus a row of block stats per block)
 * and replays with `performia replay --check`, missed analysis included.
 *
 * The band alone goes to the speakers by default: the performer already hears their own
 * instrument or voice, and sending it back through the engine would add an echo of the round
 * trip (`--monitor` mixes it in anyway).
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { randomInt } from "node:crypto";
import { write as fsWrite } from "node:fs";
import { defaultBand } from "@performia/agents";
import type { Decision, DeviceLatency, FollowMode, Settings, SettingsInput } from "@performia/protocol";
import { PerformiaError, Settings as SettingsSchema } from "@performia/protocol";
import type { DeviceCounters } from "../drivers/device.js";
import { DuplexDevice, chooseDevice, defaultOutputQueue, liveRate } from "../drivers/device.js";
import { measureLatency } from "./latency.js";
import type { LiveFigures } from "../drivers/live.js";
import { liveFigures, runLive } from "../drivers/live.js";
import { AnalysisPool } from "../pipeline/analysis-pool.js";
import { AnalysisStage } from "../pipeline/analysis-stage.js";
import { Pipeline, renderAhead } from "../pipeline/pipeline.js";
import { warmTracker } from "../pipeline/warm.js";
import { keptMb } from "../util/gc.js";
import { readSongFile } from "../songs.js";
import { loadSynth } from "../soundfonts.js";
import { defaultAgentSettings, openRecorder } from "./perform.js";

export interface LivePerformOptions {
  readonly song: string;
  /** Input and output devices: an id, a name, or a PulseAudio source/sink name; default devices when absent. */
  readonly deviceIn?: string;
  readonly deviceOut?: string;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** Mix the performer into the output too. */
  readonly monitor?: boolean;
  readonly style?: string;
  readonly followMode?: FollowMode;
  readonly countInBars?: number;
  /** A live intensity (1–5) for every section; undefined follows the chart. */
  readonly intensity?: number;
  readonly soundFont?: string;
  readonly tempo?: number | null;
  readonly seed?: number;
  /** Where bar 1 beat 1 falls, in seconds from the start (default: after the count-in). */
  readonly startSeconds?: number;
  readonly mute?: readonly string[];
  /** Agents switched on or off and their volumes at the start (after `mute`). */
  readonly agents?: Readonly<Record<string, { readonly enabled?: boolean; readonly volume?: number }>>;
  readonly sessionsDir?: string;
  readonly sessionPath?: string;
  readonly record?: boolean;
  /** Stop after this many seconds (default: at the song's end). */
  readonly seconds?: number;
  /**
   * The device's round trip (input + output), in ms: the band is rendered that much early.
   * Default: the engine's own output queue (the part of the round trip it knows).
   */
  readonly latencyMs?: number;
  /**
   * Measure the round trip with clicks before the performance (the output must reach the input:
   * the virtual device's loopback, or a cable) and place the band against it; it is recorded.
   */
  readonly measureLatency?: boolean;
  /** How long a block may wait for its analysis (ms; default: one block). */
  readonly analysisDeadlineMs?: number;
  /**
   * Output blocks naudiodon may hold for the device (default: about 6 ms, at least 2). After a
   * glitch the output's latency grows by at most this and the backlog (2 blocks) before blocks
   * are dropped; a larger queue lets it grow further (measured on the virtual device: 4 blocks
   * of 128 at 44.1 kHz settled about 30 ms later than 2 blocks, with no fewer underflows).
   */
  readonly outputQueue?: number;
  readonly analysisThreads?: number;
  readonly signal?: AbortSignal;
  /** Live values, a few times a second (default: on stderr when it is a terminal). */
  readonly display?: "tty" | "lines" | "none";
  /** Told when the first input block has arrived (frame 0 is being heard), for tests and scripts. */
  readonly onStart?: () => void;
  /** Told of each note as the band plays it (on the pipeline thread, inside a block: copy, never allocate). */
  readonly onPlay?: (d: Decision) => void;
  /** Told once everything is open, before the first block: what a controller reads and changes. */
  readonly onRunning?: (run: RunningPerformance) => void;
}

/** A performance while it runs, for the audio process's controller (the same thread). */
export interface RunningPerformance {
  readonly pipeline: Pipeline;
  readonly figures: LiveFigures;
  readonly device: DuplexDevice;
  readonly stage: AnalysisStage;
  readonly sessionPath: string | null;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** The round trip the band is rendered early by (ms). */
  readonly latencyMs: number;
  /** End the performance at the next block, as complete (not interrupted). */
  finish(): void;
}

/** The audio process's memory at one moment (MB): resident, the main thread's heap, and outside it. */
export interface MemorySample {
  readonly seconds: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly externalMb: number;
}

export interface LivePerformResult {
  readonly sessionPath: string | null;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** The round trip the band was rendered early by (ms). */
  readonly latencyMs: number;
  readonly deviceIn: string;
  readonly deviceOut: string;
  readonly audioSeconds: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly decisionsByAgent: Record<string, number>;
  readonly beats: number;
  readonly hops: number;
  readonly missedHops: number;
  readonly device: Readonly<DeviceCounters>;
  /** Seconds without the device (the band went on in silence), and whether it was back at the end. */
  readonly deviceLostSeconds: number;
  readonly deviceRestored: boolean;
  /** Engine time per block (ms) at p50, p99 and the worst. */
  readonly blockMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Analysis wait per hop (ms) at p50 and p99. */
  readonly analysisWaitMs: { readonly p50: number; readonly p99: number };
  /** The main thread's event-loop delay during the performance (ms): p50, p99, worst. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /**
   * The audio process's memory once settled (after the first minute, or the first fifth of a
   * shorter run; null when it ended before) and at the end.
   */
  readonly memory: {
    readonly settled: MemorySample | null;
    readonly end: MemorySample;
    /**
     * What the audio process's main thread keeps (MB: its heap in use and its buffers outside
     * it) after a full collection just before the first block and just after the last: the
     * growth is what the performance retained, whatever the collector's cycle at the moment.
     */
    readonly kept: { readonly beforeMb: number; readonly afterMb: number };
  };
  /** Garbage-collection pauses during the performance. */
  readonly gc: { readonly pauses: number; readonly totalMs: number; readonly maxMs: number };
  readonly finalBpm: number;
  readonly interrupted: boolean;
  readonly settings: Settings;
  readonly warnings: string[];
}

export async function performLive(options: LivePerformOptions): Promise<LivePerformResult> {
  const warnings: string[] = [];
  const { song } = readSongFile(options.song);
  const sampleRate = liveRate(options.sampleRate);
  const names = defaultBand().map((a) => a.name);
  for (const m of [...(options.mute ?? []), ...Object.keys(options.agents ?? {})]) {
    if (!names.includes(m))
      throw new PerformiaError(`unknown agent "${m}"`, "BAD_AGENT", `the agents are: ${names.join(", ")}`);
  }
  const agents: NonNullable<SettingsInput["agents"]> = { ...defaultAgentSettings(options.mute) };
  for (const [name, a] of Object.entries(options.agents ?? {})) {
    const before = agents[name];
    agents[name] = {
      enabled: a.enabled ?? before?.enabled ?? true,
      volume: a.volume ?? before?.volume ?? 0.8,
    };
  }
  const blockSize = options.blockSize ?? 128;
  const countInBars = options.countInBars ?? 0;
  const tempo = options.tempo ?? song.tempo;
  const beatsPerBar = song.timeSignature.beats;
  const startSeconds =
    options.startSeconds ?? (countInBars > 0 ? 0.5 + (countInBars * beatsPerBar * 60) / tempo : 0);

  const parsed = SettingsSchema.safeParse({
    sampleRate,
    blockSize,
    seed: options.seed ?? randomInt(0, 0xffffffff),
    style: options.style ?? song.style ?? "rock",
    followMode: options.followMode,
    countInBars,
    intensity: options.intensity ?? null,
    soundFont: options.soundFont ?? null,
    tempo: options.tempo ?? null,
    startFrame: Math.round(startSeconds * sampleRate),
    agents,
    mix: options.monitor ? "full" : "band",
  } satisfies SettingsInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PerformiaError(`bad setting ${issue.path.join(".")}: ${issue.message}`, "BAD_SETTINGS");
  }
  const settings = parsed.data;

  // The device first: without one there is nothing to record.
  const input = chooseDevice(options.deviceIn, "input");
  const output = chooseDevice(options.deviceOut, "output");
  const blockMsBudget = (blockSize / sampleRate) * 1000;
  const outputQueue = options.outputQueue ?? defaultOutputQueue(blockSize, sampleRate);
  // The round trip, with clicks, before the performance's own streams open (it is recorded).
  let measured: DeviceLatency | null = null;
  if (options.measureLatency) {
    const m = await measureLatency({
      deviceIn: options.deviceIn,
      deviceOut: options.deviceOut,
      sampleRate,
      blockSize,
      outputQueue,
    });
    measured = { roundTripMs: m.medianMs, source: "measured", clicksMs: m.ms };
    process.stderr.write(
      `measured the device's round trip: ${m.medianMs.toFixed(1)} ms (${m.ms.length} of ${m.clicksSent} clicks heard)\n`,
    );
  }
  const device = DuplexDevice.open({ input, output, sampleRate, blockSize, outputQueue });
  const latencyMs = measured?.roundTripMs ?? options.latencyMs ?? device.primeBlocks * blockMsBudget;
  const latency: DeviceLatency = measured ?? {
    roundTripMs: latencyMs,
    source: options.latencyMs !== undefined ? "given" : "default",
  };

  const synth = await loadSynth(settings.soundFont, settings.sampleRate);
  const { sessionPath, recorder } = await openRecorder(
    song,
    settings,
    options,
    `live: ${input.name}`,
    latency,
  );

  const pool = new AnalysisPool(options.analysisThreads ? { threads: options.analysisThreads } : {});
  await pool.warm(sampleRate);
  warmTracker(sampleRate);
  const clock = (): number => performance.now();
  const stage = new AnalysisStage(pool, sampleRate, { batchHops: 1, clock });
  const latencyFrames = Math.round((latencyMs / 1000) * sampleRate);
  const pipeline = new Pipeline({
    song,
    settings,
    analysis: stage,
    recorder,
    render: true,
    synth,
    clock,
    renderAheadFrames: renderAhead(latencyFrames, blockSize),
    ...(options.onPlay ? { onPlay: options.onPlay } : {}),
  });

  // The end: the song's last beat and a bar to ring out, or --seconds.
  const maxFrames = options.seconds ? Math.round(options.seconds * sampleRate) : undefined;
  let checks = 0;
  let finishing = false;
  const done = (): boolean => {
    if (finishing) return true;
    if (maxFrames !== undefined || ++checks % 64 !== 0) return false;
    const p = pipeline.conductor.position(pipeline.frame);
    return p.beat >= pipeline.conductor.totalBeats + pipeline.compiled.beatsPerBar;
  };

  const figures = liveFigures();
  options.onRunning?.({
    pipeline,
    figures,
    device,
    stage,
    sessionPath,
    sampleRate,
    blockSize,
    latencyMs,
    finish: () => {
      finishing = true;
    },
  });
  const mode = options.display ?? (process.stderr.isTTY ? "tty" : "none");
  const display = mode === "none" ? null : startDisplay(pipeline, figures, device, sampleRate, mode);
  // Measured, not acted on: the event loop's delay and the GC's pauses while the band plays.
  const LOOP_RESOLUTION_MS = 10;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  // Memory, every 10 s off the block path: where the process stands once settled (after the
  // first minute, or the first fifth of a shorter run) and at the end, heap and outside it.
  const memoryAt = (t: number): MemorySample => {
    const m = process.memoryUsage();
    const mb = (x: number): number => x / 2 ** 20;
    return { seconds: t, rssMb: mb(m.rss), heapMb: mb(m.heapUsed), externalMb: mb(m.external) };
  };
  const memT0 = performance.now();
  const settleSeconds = Math.min(60, (maxFrames !== undefined ? maxFrames / sampleRate : 600) / 5);
  let memSettled: MemorySample | null = null;
  const memTimer = setInterval(() => {
    const t = (performance.now() - memT0) / 1000;
    if (memSettled === null && t >= settleSeconds) memSettled = memoryAt(t);
  }, 10_000);
  memTimer.unref();
  // Before the first block (the device not started yet): a full collection costs nothing here.
  const keptBefore = keptMb();
  const cpu0 = process.cpuUsage();
  let interrupted = false;
  try {
    const run = await runLive(
      {
        device,
        stage,
        processor: pipeline,
        blockSize,
        sampleRate,
        // One block: a longer wait delays the block's output, and the device underflows.
        analysisDeadlineMs: options.analysisDeadlineMs ?? blockMsBudget,
        recorder,
        signal: options.signal,
        maxFrames,
        done,
        onFirstBlock: options.onStart,
      },
      figures,
    );
    interrupted = run.aborted;
    loopDelay.disable();
    gcObserver.disconnect();
    clearInterval(memTimer);
    const memEnd = memoryAt((performance.now() - memT0) / 1000);
    // After the last block (nothing more is played): what the performance kept.
    const keptAfter = keptMb();
    pipeline.finish();
    display?.stop();
    await device.close();
    const cpu = process.cpuUsage(cpu0);
    if (figures.analysisFailed) warnings.push("the analysis pool failed: the rest of its hops were missed");
    for (const f of pipeline.log.agentFailures) {
      warnings.push(`the ${f.agent} agent failed (${f.error}); it was silenced and the band played on`);
    }
    await recorder?.close(interrupted ? "interrupted" : "complete");
    const sorted = Float64Array.from(run.blockMs).sort();
    const waits = Float64Array.from(run.analysisWaitMs).sort();
    return {
      sessionPath,
      sampleRate,
      blockSize,
      latencyMs,
      deviceIn: input.name,
      deviceOut: output.name,
      audioSeconds: run.framesProcessed / sampleRate,
      wallSeconds: run.wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      decisionsByAgent: { ...Object.fromEntries(names.map((n) => [n, 0])), ...pipeline.decisionsByAgent },
      beats: pipeline.counts.beats,
      hops: pipeline.counts.hops,
      missedHops: pipeline.counts.missed,
      device: { ...device.counters },
      deviceLostSeconds: figures.deviceLostSeconds,
      deviceRestored: figures.device === "ok",
      // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
      eventLoopDelayMs: {
        p50: Math.max(0, loopDelay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
        p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
        max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
      },
      memory: { settled: memSettled, end: memEnd, kept: { beforeMb: keptBefore, afterMb: keptAfter } },
      gc: {
        pauses: gcPauses.length,
        totalMs: gcPauses.reduce((a, b) => a + b, 0),
        maxMs: gcPauses.reduce((a, b) => Math.max(a, b), 0),
      },
      blockMs: {
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? 0,
      },
      analysisWaitMs: { p50: quantile(waits, 0.5), p99: quantile(waits, 0.99) },
      finalBpm: pipeline.conductor.position(pipeline.frame).bpm,
      interrupted,
      settings,
      warnings,
    };
  } catch (e) {
    display?.stop();
    await device.close();
    await recorder?.close("interrupted").catch(() => undefined);
    throw e;
  } finally {
    await pool.close();
  }
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * The live values on the terminal, four times a second: position, tempo, pitch, chord, input
 * level, engine time per block and the device's glitches. Written with an asynchronous write to
 * stderr, so a slow terminal never holds up a block. Main thread, between blocks.
 */
function startDisplay(
  pipeline: Pipeline,
  figures: LiveFigures,
  device: DuplexDevice,
  sampleRate: number,
  mode: "tty" | "lines",
): { stop(): void } {
  let ticks = 0;
  let writing = false;
  const show = (final: boolean): void => {
    ticks++;
    if (mode === "lines" && !final && ticks % 20 !== 0) return; // every 5 s when not a terminal
    if (writing) return;
    const p = pipeline.conductor.position(pipeline.frame);
    const l = pipeline.latest;
    const recent = Float64Array.from(
      figures.recentMs.subarray(0, Math.min(figures.blocks, figures.recentMs.length)),
    ).sort();
    const p99 = quantile(recent, 0.99);
    const db = figures.level > 0 ? 20 * Math.log10(figures.level) : -Infinity;
    const meter = "#".repeat(Math.max(0, Math.min(10, Math.round((db + 60) / 6)))).padEnd(10, ".");
    const pos =
      p.beat < 0 ? `count-in ${p.beatInBar}` : `bar ${String(p.bar).padStart(3)} beat ${p.beatInBar}`;
    const pitch = l.hz ? `${l.hz.toFixed(0)} Hz` : "-";
    const c = device.counters;
    const status =
      figures.device === "ok"
        ? figures.deviceLosses > 0
          ? `device ok (lost ${figures.deviceLosses}×)`
          : "device ok"
        : `device ${figures.device.toUpperCase()} (lost ${figures.deviceLosses}×, the band goes on in silence)`;
    const text =
      `${(figures.frames / sampleRate).toFixed(1).padStart(6)} s  ${pos} ${p.section ? `[${p.section}]` : ""}  ` +
      `${p.bpm.toFixed(1)} BPM  pitch ${pitch}  chord ${l.chord}  in ${meter}  ` +
      `block p99 ${p99.toFixed(2)} ms  missed ${pipeline.counts.missed}/${pipeline.counts.hops}  ` +
      `underflows ${c.underflows} overflows ${c.overflows}  ${status}`;
    writing = true;
    fsWrite(2, mode === "tty" ? `\r${text}\x1b[K${final ? "\n" : ""}` : `${text}\n`, () => {
      writing = false;
    });
  };
  const timer = setInterval(() => show(false), 250);
  timer.unref();
  return {
    stop(): void {
      clearInterval(timer);
      show(true);
    },
  };
}

/** What a live run did, in a few lines. */
export function summarizeLive(r: LivePerformResult): string {
  const notes = Object.entries(r.decisionsByAgent)
    .map(([a, n]) => `${a} ${n}`)
    .join(", ");
  const budget = (r.blockSize / r.sampleRate) * 1000;
  return [
    `${r.interrupted ? "interrupted after" : "performed live"} ${r.audioSeconds.toFixed(1)} s (${r.deviceIn} → ${r.deviceOut}, ${r.sampleRate} Hz, block ${r.blockSize})`,
    `  the band played ${r.latencyMs.toFixed(1)} ms early to make up for the device's round trip (--latency)`,
    `  heard ${r.beats} beats; the band ended at ${r.finalBpm.toFixed(1)} BPM; notes: ${notes}`,
    `  engine per block p50 ${r.blockMs.p50.toFixed(3)} ms, p99 ${r.blockMs.p99.toFixed(3)} ms, worst ${r.blockMs.max.toFixed(2)} ms (budget ${budget.toFixed(2)} ms); analysis wait p50 ${r.analysisWaitMs.p50.toFixed(2)} ms, p99 ${r.analysisWaitMs.p99.toFixed(2)} ms; ${r.missedHops}/${r.hops} hops missed`,
    `  event loop delay p50 ${r.eventLoopDelayMs.p50.toFixed(2)} ms, p99 ${r.eventLoopDelayMs.p99.toFixed(2)} ms, worst ${r.eventLoopDelayMs.max.toFixed(2)} ms; GC ${r.gc.pauses} pauses, longest ${r.gc.maxMs.toFixed(2)} ms, ${r.gc.totalMs.toFixed(1)} ms in all`,
    ...(r.memory.settled
      ? [
          `  memory of the audio process: resident ${r.memory.settled.rssMb.toFixed(1)} MB at ${r.memory.settled.seconds.toFixed(0)} s, ${r.memory.end.rssMb.toFixed(1)} MB at the end; main heap ${r.memory.settled.heapMb.toFixed(1)} → ${r.memory.end.heapMb.toFixed(1)} MB, outside it (buffers, SQLite, PortAudio) ${r.memory.settled.externalMb.toFixed(1)} → ${r.memory.end.externalMb.toFixed(1)} MB`,
        ]
      : []),
    `  memory kept by the audio process (its heap and buffers after a full collection): ${r.memory.kept.beforeMb.toFixed(1)} MB before the first block, ${r.memory.kept.afterMb.toFixed(1)} MB after the last`,
    `  device: ${r.device.underflows} output underflows, ${r.device.overflows} input overflows, ${r.device.lostInput} input blocks lost, ${r.device.dropped} output blocks dropped to keep the latency; CPU ${((r.cpuSeconds / Math.max(1e-9, r.wallSeconds)) * 100).toFixed(0)} % of one core`,
    ...(r.device.losses > 0
      ? [
          `  the device went away ${r.device.losses} time(s); the band went on in silence for ${r.deviceLostSeconds.toFixed(1)} s in all and ${r.deviceRestored ? "came back in when the device returned" : "the device had not returned at the end"} (the gaps are in the session)`,
        ]
      : []),
    ...(r.sessionPath ? [`  session ${r.sessionPath}  (performia replay ${r.sessionPath} --check)`] : []),
  ].join("\n");
}
