/**
 * `performia analyze FILE.wav --json`: the causal analysis exactly as the engine runs it
 * (same stage, same pool, same tracker, block by block), as the JSON contract of DESIGN.md.
 */
import { CausalTracker } from "@performia/dsp";
import type { AnalysisReport, PerformanceEvent } from "@performia/protocol";
import { frames } from "@performia/protocol";
import type { BlockProcessor } from "../drivers/offline.js";
import { runOffline } from "../drivers/offline.js";
import { WavSource } from "../drivers/wav-source.js";
import { AnalysisPool } from "../pipeline/analysis-pool.js";
import { AnalysisStage } from "../pipeline/analysis-stage.js";
import { Progress } from "../util/progress.js";

export interface AnalyzeOptions {
  readonly input: string;
  readonly blockSize?: number;
  readonly quiet?: boolean;
  readonly analysisThreads?: number;
}

/** The analysis half of the pipeline, for `analyze`. Runs on the pipeline thread. */
class AnalysisOnly implements BlockProcessor {
  private nextHop: number;
  private frame = 0;
  readonly tracker: CausalTracker;
  readonly report: AnalysisReport;

  constructor(
    private readonly stage: AnalysisStage,
    private readonly sampleRate: number,
  ) {
    this.nextHop = stage.hopSize;
    this.tracker = new CausalTracker(stage.config);
    this.report = { sampleRate, pitch: [], onsets: [], beats: [], tempo: [], key: null, chords: [] };
  }

  process(_input: Float32Array, n: number): void {
    const end = this.frame + n;
    const sr = this.sampleRate;
    const pitchDelay = this.stage.config.pitchLatency;
    for (; this.nextHop <= end; this.nextHop += this.stage.hopSize) {
      const r = this.tracker.push(frames(this.nextHop), this.stage.take(this.nextHop));
      const t = Math.max(0, (r.frame.frame - pitchDelay) / sr);
      this.report.pitch.push({
        t: round(t),
        hz: r.frame.hz === null ? null : round(r.frame.hz, 3),
        confidence: round(r.frame.confidence, 3),
      });
      for (const ev of r.events) this.onEvent(ev);
    }
    this.frame = end;
  }

  private onEvent(ev: PerformanceEvent): void {
    const sr = this.sampleRate;
    switch (ev.kind) {
      case "onset":
        this.report.onsets.push(round(ev.frame / sr));
        break;
      case "beat":
        this.report.beats.push({ t: round(ev.frame / sr), reportedAt: round(ev.reportedAt / sr) });
        break;
      case "tempo":
        this.report.tempo.push({ t: round(ev.frame / sr), bpm: round(ev.bpm, 2) });
        break;
      case "chord":
        this.report.chords.push({ t: round(ev.frame / sr), label: ev.label });
        break;
      case "key":
        this.report.key = ev.label;
        break;
      case "pitch":
        break;
    }
  }
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function analyze(options: AnalyzeOptions): Promise<AnalysisReport> {
  const source = new WavSource(options.input);
  const pool = new AnalysisPool(options.analysisThreads ? { threads: options.analysisThreads } : {});
  try {
    const stage = new AnalysisStage(pool, source.sampleRate, { batchHops: 32 });
    const processor = new AnalysisOnly(stage, source.sampleRate);
    const progress = options.quiet ? null : new Progress("analysing", source.sampleRate);
    await runOffline({
      source,
      stage,
      processor,
      blockSize: options.blockSize ?? 128,
      onProgress: (done, total) => progress?.update(done, total),
    });
    progress?.done();
    return processor.report;
  } finally {
    source.close();
    await pool.close();
  }
}
