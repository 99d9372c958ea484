/**
 * The piscina pool that runs per-hop analysis off the pipeline thread.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { HopFeatures } from "@performia/dsp";
import { workerFile } from "../util/worker-file.js";
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

export class AnalysisPool {
  private readonly pool: Piscina;
  readonly threads: number;
  private readonly timeoutMs: number;

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
    return this.pool.run(batch, {
      transferList: [batch.chunk.buffer as ArrayBuffer],
      signal: AbortSignal.timeout(this.timeoutMs),
    }) as Promise<HopFeatures[]>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
