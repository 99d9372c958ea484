// The development benchmark runs and reports sensible numbers (speed is not asserted here: the
// machine's load decides it; `npm run bench` reports it).
import { describe, expect, it } from "vitest";
import { benchAgents } from "./bench.js";

describe("benchAgents", () => {
  it.each([6, 16])("times %i agents per 128-frame block", (n) => {
    const r = benchAgents(3000, n, "jazz");
    expect(r.agents).toBe(n);
    expect(r.notes).toBeGreaterThan(0);
    expect(r.p50Us).toBeGreaterThan(0);
    expect(r.p99Us).toBeGreaterThanOrEqual(r.p50Us);
    expect(r.maxUs).toBeGreaterThanOrEqual(r.p99Us);
  });
});
