import { describe, expect, it } from "vitest";
import type { NoteEvent } from "@performia/protocol";
import { beats, bpm, frames, TempoMap } from "@performia/protocol";
import { Scheduler } from "./scheduler.js";

const note = (start: number, pitch = 40): NoteEvent => ({
  agent: "bass",
  instrument: "bass",
  pitch,
  velocity: 100,
  start: beats(start),
  duration: beats(0.5),
});

describe("Scheduler", () => {
  const map = TempoMap.constant(bpm(120), 48000); // 24,000 frames a beat

  it("places notes at the frames of their beats and hands them out with block offsets", () => {
    const s = new Scheduler(2400);
    const made = s.schedule([note(1), note(0.5, 45)], map, frames(0));
    expect(made.map((d) => [d.startFrame, d.endFrame, d.decidedAt])).toEqual([
      [24000, 36000, 0],
      [12000, 24000, 0],
    ]);
    const played: [number, number][] = [];
    s.due(11904, 12032, (d, offset) => played.push([d.pitch, offset]));
    expect(played).toEqual([[45, 96]]);
    s.due(23936, 24064, (d, offset) => played.push([d.pitch, offset]));
    expect(played[1]).toEqual([40, 64]);
    expect(s.pending).toBe(0);
  });

  it("starts slightly late notes at once and drops very late ones", () => {
    const s = new Scheduler(2400);
    const made = s.schedule([note(1), note(0.5)], map, frames(25000));
    expect(made).toHaveLength(1);
    expect(made[0]!.startFrame).toBe(25000);
    expect(s.stats).toEqual({ late: 1, dropped: 1 });
  });

  it("forgets an agent's pending notes when it is switched off", () => {
    const s = new Scheduler(2400);
    s.schedule([note(1), { ...note(2), agent: "drums", instrument: "drums" }], map, frames(0));
    s.cancel("bass");
    expect(s.pending).toBe(1);
  });
});
