/**
 * The piscina pool that runs per-hop analysis off the pipeline thread.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { analysisConfig, type HopFeatures } from "@performia/dsp";
import { workerFile } from "../util/worker-file.js";
import { warmSignal } from "./warm.js";
import type { HopBatch } from "./analysis-worker.js";

export interface AnalysisPoolOptions {
  /**
   * A task (a batch of hops) that takes longer is abandoned: its worker is terminated and
   * replaced, and its hops are missed. Default 2 s (a batch takes milliseconds).
   */
  taskTimeoutMs?: number;
  /** The worker's entry file (tests use one that crashes or hangs on purpose). */
  workerFilename?: string;
  /**
   * Worker threads. Default: one per core beyond the pipeline thread's, at least one, at most
   * four (measured by `npm run bench`: on 2 cores, one worker beats two).
   */
  threads?: number;
}

interface Task {
  readonly started: number;
  readonly controller: AbortController;
}

export class AnalysisPool {
  private readonly pool: Piscina;
  readonly threads: number;
  private readonly timeoutMs: number;
  /**
   * Tasks in flight, checked by one watchdog timer: a timer per task (AbortSignal.timeout) would
   * fire for every task long after it ended, a hundred a second live, each making an exception.
   */
  private readonly inflight = new Set<Task>();
  /**
   * Controllers of tasks that ended without being aborted, for the next tasks: a controller and
   * its signal per task, a hundred a second live, were the largest share of what survived the
   * audio process's young-generation collections (piscina takes its listener off at the end).
   */
  private readonly spare: AbortController[] = [];
  private watchdog: NodeJS.Timeout | null = null;

  constructor(options: AnalysisPoolOptions = {}) {
    const { filename, execArgv } = options.workerFilename
      ? { filename: options.workerFilename, execArgv: [] }
      : workerFile(import.meta.url, "./analysis-worker");
    this.timeoutMs = options.taskTimeoutMs ?? 2000;
    this.threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.pool = new Piscina({
      filename,
      execArgv,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
    });
  }

  /**
   * Runs on the pipeline thread: hands a batch to a worker (the chunk's buffer is transferred).
   * Rejects when the worker crashes or the task times out; piscina then starts a new worker.
   */
  run(batch: HopBatch): Promise<HopFeatures[]> {
    const task: Task = { started: performance.now(), controller: this.spare.pop() ?? new AbortController() };
    this.inflight.add(task);
    this.watchdog ??= setInterval(() => this.check(), Math.max(10, Math.min(250, this.timeoutMs / 4)));
    this.watchdog.unref();
    const result = this.pool.run(batch, {
      transferList: [batch.chunk.buffer as ArrayBuffer],
      signal: task.controller.signal,
    }) as Promise<HopFeatures[]>;
    const done = (): void => {
      this.inflight.delete(task);
      if (!task.controller.signal.aborted) this.spare.push(task.controller);
    };
    result.then(done, done);
    return result;
  }

  /**
   * Pipeline thread, before a live performance: start every worker and run a few batches of
   * silence through it, so that the first hops of the performance do not wait for a worker to
   * load its code (measured: without this, about the first 0.2 s of hops missed their deadline)
   * and compile it for music (see warm.ts).
   */
  async warm(sampleRate: number, rounds = 25): Promise<void> {
    const { windowSize, hopSize } = analysisConfig(sampleRate);
    const hops = 4;
    const length = windowSize + hops * hopSize;
    const hopEnds = Array.from({ length: hops }, (_, i) => windowSize + (i + 1) * hopSize);
    // Music, not silence: silence leaves the pitch and chroma paths cold (the first hops of a
    // performance still missed their deadline after warming with zeros).
    const signal = warmSignal(sampleRate, (rounds * hops * hopSize + windowSize) / sampleRate + 0.01);
    for (let r = 0; r < rounds; r++) {
      const from = r * hops * hopSize;
      await Promise.all(
        Array.from({ length: this.threads }, () =>
          this.run({ sampleRate, chunk: signal.slice(from, from + length), chunkStart: 0, hopEnds }),
        ),
      );
    }
  }

  /** Abort the tasks older than the timeout (piscina terminates their workers and starts new ones). */
  private check(): void {
    const now = performance.now();
    for (const t of this.inflight) {
      if (now - t.started <= this.timeoutMs) continue;
      this.inflight.delete(t);
      t.controller.abort(new Error(`the analysis task took longer than ${this.timeoutMs} ms`));
    }
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    await this.pool.destroy();
  }
}
