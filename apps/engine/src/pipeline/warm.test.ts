import { describe, expect, it } from "vitest";
import { warmSignal, warmTracker } from "./warm.js";

describe("warming the analysis before a live performance", () => {
  it("runs the tracker through pitch, onsets, beats and the tempo estimate, not silence", () => {
    const warmed = warmTracker(48000, 8);
    expect(warmed.hops).toBeGreaterThan(780);
    // A tone on every beat: voiced most of the time, an onset and (once locked) a beat on each.
    expect(warmed.voiced / warmed.hops).toBeGreaterThan(0.5);
    expect(warmed.onsets).toBeGreaterThanOrEqual(12);
    expect(warmed.beats).toBeGreaterThanOrEqual(8);
    expect(warmed.bpm).not.toBeNull();
    expect(warmed.bpm!).toBeGreaterThan(115);
    expect(warmed.bpm!).toBeLessThan(125);
  });

  it("makes the same signal every time (nothing of the performance depends on it, but a run is repeatable)", () => {
    expect(warmSignal(44100, 1)).toEqual(warmSignal(44100, 1));
  });
});
