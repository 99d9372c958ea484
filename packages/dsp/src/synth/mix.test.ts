/** The final mix: transparent at normal levels, bounded and NaN-free whatever comes in. */
import { describe, expect, it } from "vitest";
import { LIMITER_KNEE, mixInto, softLimit } from "./mix.js";

describe("mixInto", () => {
  it("passes normal levels through untouched, with the gains applied", () => {
    const performer = Float32Array.from([0.1, -0.2, 0.3, 0]);
    const band = Float32Array.from([0.2, 0.1, -0.4, 0.5]);
    const out = new Float32Array(4);
    mixInto(out, performer, 1, band, 0.5, 4);
    [0.2, -0.15, 0.1, 0.25].forEach((want, i) => expect(out[i]).toBeCloseTo(want, 6));
  });

  it("mixes the band alone when there is no performer", () => {
    const out = new Float32Array(3).fill(9);
    mixInto(out, null, 1, Float32Array.from([0.5, -0.25, 0]), 0.5, 3);
    expect(Array.from(out)).toEqual([0.25, -0.125, 0]);
  });

  it("never exceeds ±1 and never produces NaN, whatever the input", () => {
    const extremes = [
      0,
      1e-40,
      0.5,
      0.7,
      0.71,
      0.99,
      1,
      1.5,
      3,
      100,
      1e30,
      Infinity,
      -Infinity,
      NaN,
      -1e30,
      -3,
    ];
    const n = extremes.length * extremes.length;
    const performer = new Float32Array(n);
    const band = new Float32Array(n);
    extremes.forEach((a, i) =>
      extremes.forEach((b, j) => {
        performer[i * extremes.length + j] = a;
        band[i * extremes.length + j] = -b;
      }),
    );
    for (const [pg, bg] of [
      [1, 1],
      [100, 100],
      [Number.NaN, 1],
      [1, Infinity],
      [-5, 0.5],
    ] as const) {
      const out = new Float32Array(n);
      mixInto(out, performer, pg, band, bg, n);
      for (const x of out) {
        expect(Number.isNaN(x)).toBe(false);
        expect(Math.abs(x)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("limits a loud sum smoothly: monotonic, continuous at the knee, approaching ±1", () => {
    let prev = -Infinity;
    for (let x = -4; x <= 4; x += 0.001) {
      const y = softLimit(x);
      expect(y).toBeGreaterThan(prev);
      prev = y;
    }
    const eps = 1e-6;
    expect(softLimit(LIMITER_KNEE + eps) - softLimit(LIMITER_KNEE)).toBeCloseTo(eps, 9);
    expect(softLimit(2)).toBeGreaterThan(0.98);
    expect(softLimit(-2)).toBeLessThan(-0.98);
    expect(softLimit(Infinity)).toBe(1);
    expect(softLimit(Number.NaN)).toBe(0);
  });

  it("writes only the first n frames", () => {
    const out = new Float32Array(4).fill(7);
    mixInto(out, null, 1, Float32Array.from([0.1, 0.1, 0.1, 0.1]), 1, 2);
    expect(Array.from(out)).toEqual([Math.fround(0.1), Math.fround(0.1), 7, 7]);
  });
});
