/**
 * The live driver: a duplex device paces the pipeline. Each input block is handed to the
 * analysis stage at once (one hop per pool task); the pipeline waits for the hops that end in
 * the block at most `analysisDeadlineMs` after the block arrived, and a hop not back by then is
 * missed (recorded as missed, so a replay misses it too). The band's block goes straight to the
 * device.
 *
 * Everything here runs on the main thread, block by block, between the device's reads: no
 * allocation per block beyond naudiodon's own input Buffer and a timer when a hop ends in the
 * block, no logging (the counters are read by the display), no disk (the recorder is a worker).
 */
import type { SampleFrame } from "@performia/protocol";
import type { AnalysisStage } from "../pipeline/analysis-stage.js";
import type { StageTimings } from "../pipeline/pipeline.js";
import type { SessionWriter } from "../session/index.js";
import type { DuplexDevice } from "./device.js";
import type { BlockProcessor } from "./offline.js";

export interface LiveRunOptions {
  readonly device: DuplexDevice;
  readonly stage: AnalysisStage;
  readonly processor: BlockProcessor & { readonly timings: StageTimings };
  readonly blockSize: number;
  /** The device's rate (frames per second): paces the silent blocks while the device is lost. */
  readonly sampleRate: number;
  /** How long a block may wait for its analysis, from its arrival (ms). */
  readonly analysisDeadlineMs: number;
  /** Where block stats go (one row per block), and the device's losses (events). */
  readonly recorder?: SessionWriter | null;
  /** Stop (Ctrl-C): the run ends at the next block. */
  readonly signal?: AbortSignal;
  /** Stop after this many frames. */
  readonly maxFrames?: number;
  /** Stop when this returns true (the song's end); checked after each block. */
  readonly done?: () => boolean;
  /** Called once, when the first input block has arrived (the engine is listening). */
  readonly onFirstBlock?: () => void;
  /**
   * The device is declared lost when no block has come for this long while the main thread was
   * free to receive one (ms; default `DEFAULT_LOSS_AFTER_MS`, and at least four blocks).
   */
  readonly lossAfterMs?: number;
  /** While the device is lost, new streams are tried this often (ms; default 500). */
  readonly retryMs?: number;
}

/** The device, as the display and the API show it. */
export type DeviceStatus = "ok" | "lost" | "reconnecting";

/** Figures of a live run, kept up to date while it runs (the display reads them). */
export interface LiveFigures {
  frames: number;
  blocks: number;
  /** The analysis pool failed (its hops are missed from then on; the band plays on). */
  analysisFailed: boolean;
  /** Engine time per block (analysis wait excluded), ms: the last block, and the worst so far. */
  lastBlockMs: number;
  maxBlockMs: number;
  /** Input level of the last block (RMS). */
  level: number;
  /** Ring of recent engine times per block (ms), for percentiles in the display. */
  readonly recentMs: Float64Array;
  /**
   * The device: "ok" (blocks come), "lost" (none for a while: the band goes on in silence, its
   * output discarded), "reconnecting" (new streams are open, waiting for their first block).
   */
  device: DeviceStatus;
  /** Times the device was lost, and restored, during the run. */
  deviceLosses: number;
  deviceRestores: number;
  /** Seconds of the run spent without the device (silent blocks paced by a timer). */
  deviceLostSeconds: number;
}

export interface LiveRunResult {
  readonly framesProcessed: number;
  readonly aborted: boolean;
  readonly wallSeconds: number;
  /** Engine time per block (ms), every block: for percentiles. */
  readonly blockMs: Float64Array;
  /** Analysis wait per block that had a hop ending in it (ms). */
  readonly analysisWaitMs: Float64Array;
}

/**
 * No block for this long (ms) means the device is gone. Measured on the virtual device while the
 * shared machine was busy: blocks of 128 frames came up to 100–180 ms apart now and then while
 * the main thread was free (four blocks, 11 ms, or 60 ms declared 4 false losses in 25 s); a
 * false loss costs a reconnection (about 10–100 ms of silence). The silent blocks start where the
 * next block was due, so the band's position does not depend on how soon the loss is noticed.
 */
export const DEFAULT_LOSS_AFTER_MS = 250;

const STAT_KEYS = [
  "arrivalMs",
  "gapMs",
  "analysisWaitMs",
  "analysisMs",
  "agentsMs",
  "synthMs",
  "engineMs",
  "writesPending",
  "underflows",
  "dropped",
  "overflows",
] as const;

/**
 * Runs on the main thread until the signal, `maxFrames` or `done()`. A device that goes away
 * does not end the run: the pipeline is fed silent blocks at the block rate by a timer (the
 * conductor's position stays true to the wall clock, so the band comes back in at the right
 * place), the band's blocks are discarded, the loss is recorded, and new streams are tried every
 * `retryMs` until the device answers again.
 */
export async function runLive(options: LiveRunOptions, figures: LiveFigures): Promise<LiveRunResult> {
  const { device, stage, processor, blockSize } = options;
  const hop = stage.hopSize;
  const maxFrames = options.maxFrames ?? Infinity;
  const blockPeriodMs = (blockSize / options.sampleRate) * 1000;
  const lossAfterMs = Math.max(4 * blockPeriodMs, options.lossAfterMs ?? DEFAULT_LOSS_AFTER_MS);
  const retryMs = options.retryMs ?? 500;
  const inBlock = new Float32Array(blockSize);
  const inBytes = Buffer.from(inBlock.buffer);
  const outBlock = new Float32Array(blockSize);
  const outBytes = Buffer.from(outBlock.buffer);
  const blockCapacity = Number.isFinite(maxFrames) ? Math.ceil(maxFrames / blockSize) + 16 : 1 << 16;
  let blockMs: Float64Array<ArrayBuffer> = new Float64Array(blockCapacity);
  let waits: Float64Array<ArrayBuffer> = new Float64Array(
    Math.ceil(blockCapacity / Math.max(1, hop / blockSize)) + 16,
  );
  let nWaits = 0;
  const stats: Record<(typeof STAT_KEYS)[number], number> = Object.fromEntries(
    STAT_KEYS.map((k) => [k, 0]),
  ) as Record<(typeof STAT_KEYS)[number], number>;
  let failure = false;
  const noteFailure = (): void => {
    failure = true;
  };
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const onTimeout = (): void => wake?.();

  device.start();
  const t0 = performance.now();
  let last = t0;
  let frame = 0;
  let aborted = false;
  let outputStarted = false;

  // The watchdog: while a read waits, no block for `lossAfterMs` means the device is gone. A
  // tick that comes late (the main thread was busy: GC, a slow block) judges nothing, since the
  // block may be waiting behind it in the event loop.
  const tickMs = Math.max(1, Math.min(10, lossAfterMs / 4));
  let reading = false;
  let readSince = 0;
  let lastTick = performance.now();
  let lossDetail = "";
  const watchdog = setInterval(() => {
    const now = performance.now();
    const onTime = now - lastTick < 2 * tickMs;
    lastTick = now;
    if (!onTime || !reading || !outputStarted || device.lost) return;
    if (now - readSince > lossAfterMs) {
      lossDetail = `no input block for ${Math.round(now - readSince)} ms`;
      device.abandon(); // the waiting read resolves with null
    }
  }, tickMs);

  const stop = (): boolean => {
    if (options.signal?.aborted) aborted = true;
    return aborted || frame >= maxFrames || (options.done?.() ?? false);
  };

  /** One block through analysis, the pipeline and (when `play`) the device. */
  const step = async (arrived: number, play: boolean): Promise<void> => {
    const n = Math.min(blockSize, maxFrames - frame);
    // Analysis: send the hops this block completes; wait for them until the deadline.
    stage.push(inBlock, n);
    const end = frame + n;
    let wait = 0;
    if (Math.floor(end / hop) > Math.floor(frame / hop) && !failure) {
      const ready = stage.ready(end);
      ready.catch(noteFailure);
      const left = options.analysisDeadlineMs - (performance.now() - arrived);
      if (left > 0) {
        await Promise.race([
          ready.catch(noteFailure),
          new Promise<void>((ok) => {
            wake = ok;
            timer = setTimeout(onTimeout, left);
          }),
        ]);
        if (timer) clearTimeout(timer);
        wake = null;
      }
      wait = performance.now() - arrived;
      if (nWaits >= waits.length) waits = grow(waits);
      waits[nWaits++] = wait;
    }

    const before = performance.now();
    processor.process(inBlock, n, outBlock);
    if (n < blockSize) outBlock.fill(0, n);
    if (play) device.write(outBytes);
    const after = performance.now();

    const engine = after - before;
    const blocks = figures.blocks;
    if (blocks >= blockMs.length) blockMs = grow(blockMs);
    blockMs[blocks] = engine;
    figures.recentMs[blocks % figures.recentMs.length] = engine;
    figures.blocks = blocks + 1;
    figures.lastBlockMs = engine;
    if (engine > figures.maxBlockMs) figures.maxBlockMs = engine;
    figures.frames = end;
    figures.level = rms(inBlock, n);
    figures.analysisFailed = failure;

    if (options.recorder) {
      const t = processor.timings;
      stats.arrivalMs = arrived - t0;
      stats.gapMs = arrived - last;
      stats.analysisWaitMs = wait;
      stats.analysisMs = t.analysisMs;
      stats.agentsMs = t.agentsMs;
      stats.synthMs = t.synthMs;
      stats.engineMs = engine;
      stats.writesPending = device.writesPending;
      stats.underflows = device.counters.underflows;
      stats.dropped = device.counters.dropped;
      stats.overflows = device.counters.overflows;
      options.recorder.recordBlockStats(frame, stats);
    }
    if (frame === 0) options.onFirstBlock?.();
    last = arrived;
    frame = end;
  };

  /** Silence into the pipeline for every block due by `until` (wall clock, ms), from `due`. */
  const silence = async (due: number, until: number): Promise<number> => {
    while (due <= until && !stop()) {
      inBlock.fill(0);
      await step(due, false);
      due += blockPeriodMs;
    }
    return due;
  };

  const deviceEvent = (status: "lost" | "restored", at: number, detail: string): void => {
    options.recorder?.recordDeviceEvent({
      kind: "device",
      frame: frame as SampleFrame,
      status,
      seconds: Math.max(0, (at - t0) / 1000),
      device: device.name,
      detail,
    });
  };

  /**
   * The device is gone: silent blocks from where the next block was due, at the block rate, and
   * new streams every `retryMs`. Returns the first block of the restored device, or null when
   * the run ends first.
   */
  const withoutDevice = async (): Promise<Buffer | null> => {
    const lostAt = performance.now();
    let due = last + blockPeriodMs;
    figures.device = "lost";
    figures.deviceLosses++;
    deviceEvent("lost", lostAt, lossDetail || "the device ended its stream");
    lossDetail = "";
    let nextTry = lostAt; // at once: a false alarm costs little
    let attempts = 0;
    let opening = 0; // ms spent in opening attempts (synchronous in PortAudio)
    let opened = 0; // when the streams now open were opened (0: none open)
    let listening = 0; // the attempt whose read is waiting (0: none)
    const got: { block: Buffer | null } = { block: null };
    const listen = (attempt: number): void => {
      listening = attempt;
      device.read().then(
        (b) => {
          if (attempt !== attempts || device.lost) return; // an abandoned attempt's read
          listening = 0;
          if (b === "lost")
            listen(attempt); // a block came with a status report: the device is back
          else if (b !== null) got.block = b;
        },
        () => {
          if (attempt === attempts) listening = 0;
        },
      );
    };
    for (;;) {
      const now = performance.now();
      due = await silence(due, now);
      if (stop()) {
        figures.deviceLostSeconds += (performance.now() - lostAt) / 1000;
        return null; // the run ended without the device
      }
      if (got.block !== null) {
        const back = performance.now();
        figures.device = "ok";
        figures.deviceRestores++;
        figures.deviceLostSeconds += (back - lostAt) / 1000;
        deviceEvent(
          "restored",
          back,
          `new streams (attempt ${attempts}, ${Math.round(opening)} ms spent opening); first block ${Math.round(back - opened)} ms after opening them`,
        );
        return got.block;
      }
      // Streams open but silent for too long, or ended: give them up and try again.
      if (opened > 0 && (listening === 0 || now - opened > Math.max(2000, 4 * retryMs))) {
        device.abandon(false);
        opened = 0;
        figures.device = "lost";
      }
      if (opened === 0 && now >= nextTry) {
        nextTry = now + retryMs;
        attempts++;
        const t = performance.now();
        try {
          device.reopen();
          opened = performance.now();
          opening += opened - t;
          figures.device = "reconnecting";
          listen(attempts);
        } catch {
          opening += performance.now() - t;
          figures.device = "lost";
        }
      }
      await sleep(Math.max(1, Math.min(due - performance.now(), 10)));
    }
  };

  try {
    for (;;) {
      if (stop()) break;
      reading = true;
      readSince = performance.now();
      let buf = await device.read();
      reading = false;
      let arrived = performance.now();
      if (buf === null) {
        if (frame === 0) break; // never started
        buf = await withoutDevice();
        if (buf === null) break; // the run ended without the device
        arrived = performance.now();
        outputStarted = false;
      }
      if (!outputStarted) {
        device.startOutput();
        outputStarted = true;
      }
      if (buf === "lost") inBlock.fill(0);
      else if (buf.length >= blockSize * 4) buf.copy(inBytes, 0, 0, blockSize * 4);
      else {
        inBlock.fill(0);
        buf.copy(inBytes);
      }
      await step(arrived, true);
    }
  } finally {
    clearInterval(watchdog);
  }
  return {
    framesProcessed: frame,
    aborted,
    wallSeconds: (performance.now() - t0) / 1000,
    blockMs: blockMs.subarray(0, figures.blocks),
    analysisWaitMs: waits.subarray(0, nWaits),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function rms(x: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, n));
}

/** New figures for a run (the ring holds the last `recent` blocks). */
export function liveFigures(recent = 512): LiveFigures {
  return {
    frames: 0,
    blocks: 0,
    analysisFailed: false,
    lastBlockMs: 0,
    maxBlockMs: 0,
    level: 0,
    recentMs: new Float64Array(recent),
    device: "ok",
    deviceLosses: 0,
    deviceRestores: 0,
    deviceLostSeconds: 0,
  };
}
