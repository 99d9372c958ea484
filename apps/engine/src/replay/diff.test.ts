import { describe, expect, it } from "vitest";
import type { BeatEvent, Decision } from "@performia/protocol";
import { beats, frames } from "@performia/protocol";
import { compareBeats, diffDecisions, formatDiff } from "./diff.js";

const d = (agent: string, start: number, pitch: number, extra: Partial<Decision> = {}): Decision => ({
  agent,
  instrument: agent === "drums" ? "drums" : "bass",
  pitch,
  velocity: 100,
  start: beats(start),
  duration: beats(1),
  decidedAt: frames(start * 1000 - 500),
  startFrame: frames(start * 1000),
  endFrame: frames(start * 1000 + 900),
  ...extra,
});

describe("diffDecisions", () => {
  const recorded = [d("bass", 0, 40), d("bass", 4, 45), d("drums", 0, 36), d("drums", 1, 38)];

  it("finds identical runs identical", () => {
    const diff = diffDecisions(recorded, [...recorded].reverse());
    expect(diff.identical).toBe(true);
    expect(diff.perAgent.bass).toEqual({ same: 2, changed: 0, added: 0, removed: 0 });
  });

  it("counts changed, added and removed decisions per agent and finds the first", () => {
    const actual = [d("bass", 0, 40), d("bass", 4, 47), d("drums", 0, 36), d("drums", 2, 42)];
    const diff = diffDecisions(recorded, actual);
    expect(diff.identical).toBe(false);
    expect(diff.perAgent.bass).toEqual({ same: 1, changed: 1, added: 0, removed: 0 });
    expect(diff.perAgent.drums).toEqual({ same: 1, changed: 0, added: 1, removed: 1 });
    expect(diff.divergences[0]!.kind).toBe("removed");
    expect(diff.divergences[0]!.expected!.start).toBe(1);
    const text = formatDiff(diff, 4, 1000);
    expect(text).toContain("first divergent decision: bar 1 beat 2.00 (1.000 s), agent drums, removed");
    expect(text).toContain("expected: key 38");
  });

  it("sees a note that moved in time as changed", () => {
    const diff = diffDecisions([d("bass", 4, 45)], [d("bass", 4, 45, { startFrame: frames(4100) })]);
    expect(diff.perAgent.bass!.changed).toBe(1);
    expect(formatDiff(diff, 4, 1000)).toMatch(/expected: A2 \(45\).*frames 4000/);
  });
});

describe("compareBeats", () => {
  const beat = (f: number, bpm = 120): BeatEvent => ({
    kind: "beat",
    frame: frames(f),
    reportedAt: frames(f),
    bpm,
  });
  it("scores how far replayed beats moved", () => {
    const rec = [beat(0), beat(24000), beat(48000), beat(72000)];
    const same = compareBeats(rec, rec, 48000);
    expect(same.fMeasure).toBe(1);
    const moved = compareBeats(rec, [beat(0), beat(24000 + 4800), beat(48000 + 480, 130)], 48000);
    expect(moved.fMeasure).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5), 9);
    expect(moved.meanShiftMs).toBeCloseTo(5, 6);
  });
});
