import { describe, expect, it } from "vitest";
import { analysisConfig, extractFeatures } from "@performia/dsp";
import analyzeHops from "./analysis-worker.js";
import type { HopBatch } from "./analysis-worker.js";
import { AnalysisStage } from "./analysis-stage.js";

/** Runs the worker's function in this thread (the pool's job, without threads). */
const inline = { run: (batch: HopBatch) => Promise.resolve(analyzeHops(batch)) };

function signal(n: number, sr: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++)
    x[i] = 0.4 * Math.sin((2 * Math.PI * (220 + i / 400) * i) / sr) + 0.05 * Math.sin(i * 0.37);
  return x;
}

describe("AnalysisStage", () => {
  it.each([
    [44100, 128, 32],
    [44100, 64, 1],
    [48000, 1024, 7],
    [8000, 100, 3],
  ])(
    "at %i Hz with blocks of %i and batches of %i hops, hands back exactly the features of each hop's window",
    async (sr, block, batchHops) => {
      const config = analysisConfig(sr);
      const x = signal(Math.round(sr * 1.3) + 17, sr);
      const stage = new AnalysisStage(inline, sr, { batchHops });
      const got = new Map<number, number | null>();
      let hop = config.hopSize;
      for (let at = 0; at < x.length; at += block) {
        const n = Math.min(block, x.length - at);
        stage.push(x.subarray(at, at + n), n);
        await stage.ready(at + n);
        for (; hop <= at + n; hop += config.hopSize) got.set(hop, stage.take(hop)?.rms ?? null);
      }
      expect(got.size).toBe(Math.floor(x.length / config.hopSize));
      for (const [end, rms] of got) {
        const window = new Float32Array(config.windowSize);
        const from = end - config.windowSize;
        window.set(x.subarray(Math.max(0, from), end), Math.max(0, -from));
        expect(rms, `hop ending at ${end}`).toBe(extractFeatures(window, config).rms);
      }
    },
  );

  it("reports a recorded miss as missing, and drops results that come after their hop was taken", async () => {
    const sr = 44100;
    const config = analysisConfig(sr);
    const miss = config.hopSize * 3;
    const stage = new AnalysisStage(inline, sr, { batchHops: 1, forcedMisses: new Set([miss]) });
    const x = signal(config.hopSize * 5, sr);
    stage.push(x, x.length);
    await stage.ready(x.length);
    expect(stage.take(config.hopSize * 2)).not.toBeNull();
    expect(stage.take(miss)).toBeNull();
    expect(stage.take(config.hopSize * 4)).not.toBeNull();
  });
});
