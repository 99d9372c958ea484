import { describe, expect, it } from "vitest";
import { latencyReport } from "./latency.js";

describe("latencyReport", () => {
  it("gives each stage's percentiles and histogram, the engine time per second, and when the device fell behind", () => {
    // Two seconds of 128-frame blocks at 48 kHz; the engine takes 0.1 ms, one block in a hundred 2 ms;
    // an underflow at 0.5 s and another at 1.5 s.
    const blocks = [];
    let underflows = 0;
    for (let i = 0; i < 750; i++) {
      const frame = i * 128;
      const t = frame / 48000;
      if ((t >= 0.5 && underflows === 0) || (t >= 1.5 && underflows === 1)) underflows++;
      blocks.push({
        frame,
        stats: { engineMs: i % 100 === 0 ? 2 : 0.1, gapMs: 2.67, underflows, overflows: 0 },
      });
    }
    const r = latencyReport(blocks, 48000, 128, [4800, 9600]);
    expect(r.live).toBe(true);
    expect(r.budgetMs).toBeCloseTo(2.667, 2);
    const engine = r.stages.find((s) => s.key === "engineMs")!;
    expect(engine.blocks).toBe(750);
    expect(engine.p50).toBe(0.1);
    expect(engine.p99).toBe(2);
    expect(engine.max).toBe(2);
    expect(engine.histogram.reduce((a, b) => a + b, 0)).toBe(750);
    expect(r.series.map((s) => s.t)).toEqual([0, 1]);
    expect(r.series[0]!.max).toBe(2);
    expect(r.underflows).toBe(2);
    expect(r.deviceEvents.map((e) => Math.floor(e.t * 2) / 2)).toEqual([0.5, 1.5]);
    expect(r.missedHops).toBe(2);
    expect(r.missedAt).toEqual([0.1, 0.2]);
    // A stage not recorded has no blocks, not NaN.
    expect(r.stages.find((s) => s.key === "synthMs")!.blocks).toBe(0);
  });

  it("says a session without per-block timings (played from a file) is not live", () => {
    const r = latencyReport([], 44100, 128, []);
    expect(r.live).toBe(false);
    expect(r.stages.every((s) => s.p99 === 0 && s.blocks === 0)).toBe(true);
  });
});
