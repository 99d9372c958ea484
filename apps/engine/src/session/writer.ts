/**
 * SessionWriter: records a session from the pipeline thread without touching the disk there.
 * Record methods copy into preallocated batch buffers; a batch is posted to the recorder worker
 * (which owns the SQLite connection) every `flushIntervalMs` and whenever a buffer fills.
 *
 * A batch holds whole blocks: a block's input, analysis, events and decisions are committed in
 * one transaction, so a recording killed at any moment replays exactly up to where it stopped.
 * Buffers are therefore only posted before a block's input (`recordInput` starts a block) or
 * between blocks (the timer); within a block a full buffer grows instead.
 */
import { access, constants, mkdir, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import type {
  DeviceLatency,
  AnalysisFrame,
  ConductorUpdate,
  Decision,
  DeviceEvent,
  PerformanceEvent,
  SettingsChange,
  SongMap,
  Settings,
} from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import type { Batch, FromWorker, InputBuffers, ToWorker, WorkerInit } from "./messages.js";
import { ANALYSIS_COLUMNS } from "./messages.js";
import type { MetaValue } from "./schema.js";
import { SESSION_EXTENSION } from "./schema.js";
import { startWorker } from "./spawn.js";

/** What a session is about: written once, when the file is created. */
export interface SessionHeader {
  song: SongMap;
  settings: Settings;
  engineVersion: string;
  inputName: string;
  createdAt: string;
  /** Live: the device's round trip the band was placed against. */
  latency?: DeviceLatency | null;
}

export interface SessionWriterOptions {
  /** Longest time a recorded row waits on the pipeline side before it is posted (default 200 ms). */
  flushIntervalMs?: number;
  /** Input blocks per batch before it is posted regardless of time (default 256). */
  maxBatchBlocks?: number;
}

/** Counters for dashboards and tests. */
export interface SessionWriterStats {
  /** Batches posted to the worker. */
  batches: number;
  /** Batches posted and not yet committed. */
  inFlight: number;
  /** Rows committed. */
  rows: number;
  /** Rows the worker could not write (the rest of their batch was kept). */
  dropped: number;
  /** The first problem the worker reported, if any. */
  problem: string | null;
}

const DEFAULT_FLUSH_MS = 200;
const DEFAULT_BATCH_BLOCKS = 256;
const ANALYSIS_CAPACITY = 256;
/** Analysis rows after which the next block starts a new batch (room for a block's hops). */
const ANALYSIS_POST_AT = ANALYSIS_CAPACITY - 64;
const OBJECT_CAPACITY = 1024;

interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

export class SessionWriter {
  readonly path: string;
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  // Pipeline-side batch: input blocks packed into `input`, analysis rows into `analysis`.
  private input: InputBuffers;
  private inputCount = 0;
  private inputUsed = 0;
  private analysis: Float64Array;
  private analysisCount = 0;
  private events: (PerformanceEvent | DeviceEvent)[] = [];
  private conductor: ConductorUpdate[] = [];
  private decisions: Decision[] = [];
  private settings: SettingsChange[] = [];
  private stats: { frame: number; stats: Record<string, number> }[] = [];
  private objects = 0;
  // Buffers the worker has handed back, ready for reuse.
  private readonly freeInput: InputBuffers[] = [];
  private readonly freeAnalysis: Float64Array[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  /** Set by close() or a fatal failure: record methods then do nothing. */
  private stopped = false;
  private finished = false;
  private readonly exited: Promise<void>;
  private failure: Error | null = null;
  private readonly counters: SessionWriterStats = {
    batches: 0,
    inFlight: 0,
    rows: 0,
    dropped: 0,
    problem: null,
  };

  private constructor(path: string, worker: Worker, blockSize: number, options: SessionWriterOptions) {
    this.path = path;
    this.worker = worker;
    this.blockSize = blockSize;
    this.maxBlocks = Math.max(1, options.maxBatchBlocks ?? DEFAULT_BATCH_BLOCKS);
    this.input = this.newInput(this.maxBlocks * blockSize);
    this.analysis = new Float64Array(ANALYSIS_CAPACITY * ANALYSIS_COLUMNS);
    worker.on("message", (m: FromWorker) => this.onMessage(m));
    worker.on("error", (e) =>
      this.fail(new PerformiaError(`session recorder for ${path} failed: ${e.message}`, "session-write")),
    );
    this.exited = new Promise((ok) => worker.once("exit", () => ok()));
    worker.on("exit", () => {
      if (!this.finished)
        this.fail(new PerformiaError(`session recorder for ${path} stopped`, "session-write"));
    });
    this.timer = setInterval(() => this.post(), options.flushIntervalMs ?? DEFAULT_FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Create the session file (its folder too) and start the recorder worker. Main thread, before
   * the session starts. Fails with a PerformiaError naming the path when it cannot be written.
   */
  static async create(
    path: string,
    header: SessionHeader,
    options: SessionWriterOptions = {},
  ): Promise<SessionWriter> {
    const file = resolve(path);
    if (!file.endsWith(SESSION_EXTENSION)) {
      throw new PerformiaError(
        `session file ${file} must end in ${SESSION_EXTENSION}`,
        "session-path",
        `name it like ${file}${SESSION_EXTENSION}`,
      );
    }
    await assertCreatable(file);
    const meta: Record<string, MetaValue> = {
      engine_version: header.engineVersion,
      created_at: header.createdAt,
      status: "recording",
      song: JSON.stringify(header.song),
      settings: JSON.stringify(header.settings),
      seed: header.settings.seed,
      input_name: header.inputName,
      sample_rate: header.settings.sampleRate,
      block_size: header.settings.blockSize,
      ended_at: null,
      frames: 0,
      ...(header.latency ? { latency: JSON.stringify(header.latency) } : {}),
    };
    const worker = startWorker(import.meta.url, "./recorder-worker", {
      workerData: { path: file, meta } satisfies WorkerInit,
    });
    // Until the worker is ready; only these listeners are removed (the Worker keeps internal ones).
    let onMessage: (m: FromWorker) => void = () => undefined;
    let onError: (e: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    try {
      await new Promise<void>((ok, ko) => {
        onMessage = (m) => {
          if (m.type === "ready") ok();
          else if (m.type === "problem") ko(new Error(m.message));
        };
        onError = ko;
        onExit = (code) => ko(new Error(`recorder worker exited (${code}) before it was ready`));
        worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      }).finally(() => worker.off("message", onMessage).off("error", onError).off("exit", onExit));
    } catch (e) {
      await worker.terminate();
      await Promise.all(["", "-wal", "-shm", "-journal"].map((s) => rm(file + s, { force: true })));
      throw new PerformiaError(
        `cannot create session file ${file}: ${(e as Error).message}`,
        "session-create",
        "check that the folder is writable and the disk is not full",
      );
    }
    return new SessionWriter(file, worker, header.settings.blockSize, options);
  }

  /** Pipeline thread: copy one input block (its first `n` samples) into the batch. Never blocks. */
  recordInput(frame: number, samples: Float32Array, n: number): void {
    if (this.stopped) return;
    const count = Math.max(0, Math.min(n, samples.length));
    // A new block: post what the batch holds first if any buffer is (nearly) full.
    if (
      this.inputCount >= this.maxBlocks ||
      this.inputUsed + count > this.input.samples.length ||
      this.analysisCount >= ANALYSIS_POST_AT ||
      this.objects >= OBJECT_CAPACITY
    )
      this.post();
    if (count > this.input.samples.length) this.input = this.newInput(count); // an oversized block: rare
    const i = this.inputCount++;
    const buf = this.input;
    buf.frames[i] = frame;
    buf.ns[i] = count;
    buf.offsets[i] = this.inputUsed;
    buf.samples.set(count === samples.length ? samples : samples.subarray(0, count), this.inputUsed);
    this.inputUsed += count;
  }

  /** Pipeline thread: copy analysis frames into the packed batch. */
  recordAnalysis(frames: readonly AnalysisFrame[]): void {
    if (this.stopped) return;
    for (const f of frames) {
      // Full within a block (more hops than ANALYSIS_CAPACITY − ANALYSIS_POST_AT): grow. Rare.
      if ((this.analysisCount + 1) * ANALYSIS_COLUMNS > this.analysis.length) {
        const grown = new Float64Array(this.analysis.length * 2);
        grown.set(this.analysis);
        this.analysis = grown;
      }
      const a = this.analysis;
      const o = this.analysisCount++ * ANALYSIS_COLUMNS;
      a[o] = f.frame;
      a[o + 1] = f.hz ?? Number.NaN;
      a[o + 2] = f.confidence;
      a[o + 3] = f.rms;
      a[o + 4] = f.onsetStrength;
      a[o + 5] = f.missed ? 1 : 0;
    }
  }

  /** Pipeline thread: keep (shallow copies of) performance events for the next batch. */
  recordEvents(events: readonly PerformanceEvent[]): void {
    if (this.stopped) return;
    for (const e of events) this.events.push({ ...e });
    this.counted(events.length);
  }

  /** Main thread: keep a device event (the device lost or restored) for the next batch. Rare. */
  recordDeviceEvent(e: DeviceEvent): void {
    if (this.stopped) return;
    this.events.push({ ...e });
    this.counted(1);
  }

  /** Pipeline thread: keep a conductor update for the next batch. */
  recordConductor(u: ConductorUpdate): void {
    if (this.stopped) return;
    this.conductor.push({ ...u });
    this.counted(1);
  }

  /** Pipeline thread: keep decisions for the next batch. */
  recordDecisions(d: readonly Decision[]): void {
    if (this.stopped) return;
    for (const x of d) this.decisions.push({ ...x });
    this.counted(d.length);
  }

  /** Pipeline thread: keep a settings change (deep copy: patches nest; changes are rare). */
  recordSettingsChange(c: SettingsChange): void {
    if (this.stopped) return;
    this.settings.push(structuredClone(c));
    this.counted(1);
  }

  /** Pipeline thread: keep one block's timing figures for the next batch. */
  recordBlockStats(frame: number, stats: Record<string, number>): void {
    if (this.stopped) return;
    this.stats.push({ frame, stats: { ...stats } });
    this.counted(1);
  }

  /** Main thread: everything recorded so far is committed when this resolves. */
  flush(): Promise<void> {
    if (this.closing) return this.closing;
    this.post();
    return this.request({ type: "sync", id: 0 });
  }

  /**
   * Main thread: final flush, then status, end time and checkpoint; resolves once the worker has
   * exited. Rejects when the recorder failed (the file then stays "recording", read as interrupted).
   * Rows the worker could not write are counted in `writerStats`, not thrown.
   */
  close(status: "complete" | "interrupted" = "complete"): Promise<void> {
    if (this.closing) return this.closing;
    this.post();
    this.stopped = true;
    clearInterval(this.timer);
    const done = this.request({ type: "close", id: 0, status });
    this.closing = done.then(
      () => this.exited,
      (e: unknown) => {
        void this.worker.terminate();
        throw e;
      },
    );
    return this.closing;
  }

  /** Counters: batches, rows committed and dropped, the first problem. */
  get writerStats(): Readonly<SessionWriterStats> {
    return this.counters;
  }

  // Pipeline thread: post the current batch, if any, and start a new one from recycled buffers.
  private post(): void {
    const objects = this.objects;
    if (this.inputCount === 0 && this.analysisCount === 0 && objects === 0) return;
    const transfer: ArrayBuffer[] = [];
    const input = this.inputCount > 0 ? this.input : null;
    const analysis = this.analysisCount > 0 ? this.analysis : null;
    if (input) {
      transfer.push(
        input.frames.buffer as ArrayBuffer,
        input.ns.buffer as ArrayBuffer,
        input.offsets.buffer as ArrayBuffer,
        input.samples.buffer as ArrayBuffer,
      );
    }
    if (analysis) transfer.push(analysis.buffer as ArrayBuffer);
    const batch: Batch = {
      type: "batch",
      inputCount: this.inputCount,
      input,
      analysisCount: this.analysisCount,
      analysis,
      events: this.events,
      conductor: this.conductor,
      decisions: this.decisions,
      settings: this.settings,
      stats: this.stats,
    };
    this.send(batch, transfer);
    this.counters.batches++;
    this.counters.inFlight++;
    if (input) this.input = this.freeInput.pop() ?? this.newInput(this.maxBlocks * this.blockSize);
    if (analysis)
      this.analysis = this.freeAnalysis.pop() ?? new Float64Array(ANALYSIS_CAPACITY * ANALYSIS_COLUMNS);
    this.inputCount = 0;
    this.inputUsed = 0;
    this.analysisCount = 0;
    if (objects > 0) {
      this.events = [];
      this.conductor = [];
      this.decisions = [];
      this.settings = [];
      this.stats = [];
      this.objects = 0;
    }
  }

  private counted(n: number): void {
    this.objects += n;
  }

  private newInput(samples: number): InputBuffers {
    return {
      frames: new Float64Array(this.maxBlocks),
      ns: new Uint32Array(this.maxBlocks),
      offsets: new Uint32Array(this.maxBlocks),
      samples: new Float32Array(samples),
    };
  }

  private send(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) return;
    this.worker.postMessage(msg, transfer);
  }

  // Main thread: ask the worker for an acknowledgement after everything posted before it.
  private request(msg: Extract<ToWorker, { type: "sync" | "close" }>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...msg, id });
    });
  }

  // Main thread (the worker's messages arrive on the pipeline thread's event loop).
  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case "recycle":
        this.counters.inFlight--;
        this.counters.rows += m.rows;
        this.counters.dropped += m.dropped;
        if (m.input && m.input.samples.length === this.maxBlocks * this.blockSize)
          this.freeInput.push(m.input);
        if (m.analysis && m.analysis.length === ANALYSIS_CAPACITY * ANALYSIS_COLUMNS)
          this.freeAnalysis.push(m.analysis);
        break;
      case "closed":
        this.finished = true;
        this.pending.get(m.id)?.resolve();
        this.pending.delete(m.id);
        break;
      case "synced":
        this.pending.get(m.id)?.resolve();
        this.pending.delete(m.id);
        break;
      case "problem":
        this.counters.problem ??= m.message;
        if (m.fatal)
          this.fail(new PerformiaError(`session file ${this.path}: ${m.message}`, "session-write"));
        break;
      case "ready":
        break;
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.stopped = true;
    this.counters.problem ??= e.message;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    clearInterval(this.timer);
  }
}

// Main thread: the folder exists (or is made) and is writable, and the file is new.
async function assertCreatable(file: string): Promise<void> {
  const dir = dirname(file);
  const hint = "choose another sessions folder (--sessions DIR or PERFORMIA_SESSIONS) or fix its permissions";
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new PerformiaError(
      `cannot write session file ${file}: folder ${dir} is not writable (${code})`,
      "session-path",
      hint,
    );
  }
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new PerformiaError(
      `session file ${file} already exists`,
      "session-exists",
      "a session is never overwritten: choose a new name",
    );
  }
}
