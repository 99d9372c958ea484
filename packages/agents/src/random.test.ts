import { describe, expect, it } from "vitest";
import { jitter, random } from "./random.js";

describe("random", () => {
  it("is a pure function of seed and keys", () => {
    expect(random(1, 2, 3)).toBe(random(1, 2, 3));
    expect(random(1, 2, 3)).not.toBe(random(2, 2, 3));
    expect(random(1, 2, 3)).not.toBe(random(1, 3, 2));
    expect(random(1, 0)).not.toBe(random(1));
  });

  it("is uniform enough on [0, 1)", () => {
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20000; i++) {
      const r = random(12345, 3, i);
      min = Math.min(min, r);
      max = Math.max(max, r);
      bins[Math.floor(r * 10)]!++;
      sum += r;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
    for (let i = 0; i < 100; i++) expect(Math.abs(jitter(3, 9, i))).toBeLessThanOrEqual(3);
  });
});
