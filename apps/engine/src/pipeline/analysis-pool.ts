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
   * Worker threads. Default: one per core beyond the pipeline thread's, at least one, at most
   * four (measured by `npm run bench`: on 2 cores, one worker beats two).
   */
  threads?: number;
}

export class AnalysisPool {
  private readonly pool: Piscina;
  readonly threads: number;

  constructor(options: AnalysisPoolOptions = {}) {
    const { filename, execArgv } = workerFile(import.meta.url, "./analysis-worker");
    this.threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.pool = new Piscina({
      filename,
      execArgv,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
    });
  }

  /** Runs on the pipeline thread: hands a batch to a worker (the chunk's buffer is transferred). */
  run(batch: HopBatch): Promise<HopFeatures[]> {
    return this.pool.run(batch, { transferList: [batch.chunk.buffer as ArrayBuffer] }) as Promise<
      HopFeatures[]
    >;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
