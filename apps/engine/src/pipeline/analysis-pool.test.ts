import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analysisConfig } from "@performia/dsp";
import { AnalysisPool } from "./analysis-pool.js";
import { AnalysisStage } from "./analysis-stage.js";

const SR = 44100;
const hop = analysisConfig(SR).hopSize;
/** The real worker (built), wrapped by one that crashes on one batch and hangs on another. */
const realWorker = fileURLToPath(new URL("../../dist/pipeline/analysis-worker.js", import.meta.url));

function faultyWorker(crashAt: number, hangAt: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "performia-worker-")), "faulty-worker.mjs");
  writeFileSync(
    file,
    `import analyzeHops from ${JSON.stringify(realWorker)};
export default function (batch) {
  if (batch.hopEnds.includes(${crashAt})) process.exit(3);
  if (batch.hopEnds.includes(${hangAt})) { const end = Date.now() + 60000; while (Date.now() < end); }
  return analyzeHops(batch);
}
`,
  );
  return file;
}

describe("the analysis pool when a worker crashes or hangs", () => {
  it("replaces the worker, records the lost hops as missed, and analyses the rest", async () => {
    const crashAt = 40 * hop;
    const hangAt = 120 * hop;
    const pool = new AnalysisPool({
      threads: 1,
      taskTimeoutMs: 500,
      workerFilename: faultyWorker(crashAt, hangAt),
    });
    const stage = new AnalysisStage(pool, SR, { batchHops: 8 });
    const block = 128;
    const input = new Float32Array(block);
    const total = 3 * SR;
    const got: (number | null)[] = [];
    let next = hop;
    try {
      for (let at = 0; at + block <= total; at += block) {
        for (let i = 0; i < block; i++) input[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (at + i)) / SR);
        stage.push(input, block);
        await stage.ready(at + block);
        for (; next <= at + block; next += hop) got.push(stage.take(next)?.rms ?? null);
      }
    } finally {
      await pool.close();
    }
    // The pipeline asks for each hop as its block ends, so each task here is one hop.
    expect(stage.losses.tasks).toBe(2);
    expect(stage.losses.hops).toBe(2);
    expect(got.filter((r) => r === null)).toHaveLength(2);
    // The hops of the crashed and the hung batch are missed; after them, new workers analyse again.
    expect(got[40 - 1]).toBeNull();
    expect(got[120 - 1]).toBeNull();
    expect(got.slice(200).every((r) => r !== null && r > 0.1)).toBe(true);
  }, 30_000);
});
