import { describe, expect, it } from "vitest";
import type { Decision, SampleFrame } from "@performia/protocol";
import { beats } from "@performia/protocol";
import { nearestNote, NoteRing } from "./stream.js";

const note = (agent: string, pitch: number, startFrame: number): Decision => ({
  agent,
  instrument: "bass",
  pitch,
  velocity: 90,
  start: beats(0),
  duration: beats(1),
  decidedAt: 0 as SampleFrame,
  startFrame: startFrame as SampleFrame,
  endFrame: (startFrame + 24000) as SampleFrame,
});

describe("the live stream's pieces", () => {
  it("names the nearest note and the cents from it", () => {
    expect(nearestNote(440)).toEqual({ note: "A4", cents: 0 });
    expect(nearestNote(261.63).note).toBe("C4");
    const sharp = nearestNote(440 * 2 ** (30 / 1200));
    expect(sharp.note).toBe("A4");
    expect(sharp.cents).toBeCloseTo(30, 0);
    expect(nearestNote(440 * 2 ** (-70 / 1200))).toMatchObject({ note: "G#4" });
  });

  it("hands over the notes played since the last frame, in seconds, once each", () => {
    const ring = new NoteRing(4);
    ring.push(note("bass", 40, 48000));
    ring.push(note("drums", 36, 72000));
    expect(ring.drain(48000)).toEqual([
      { agent: "bass", midi: 40, velocity: 90, start: 1, duration: 0.5 },
      { agent: "drums", midi: 36, velocity: 90, start: 1.5, duration: 0.5 },
    ]);
    expect(ring.drain(48000)).toEqual([]);
  });

  it("keeps the latest notes when more are played between two frames than it holds", () => {
    const ring = new NoteRing(2);
    for (let i = 0; i < 5; i++) ring.push(note("bass", 40 + i, i * 48000));
    expect(ring.drain(48000).map((n) => n.midi)).toEqual([43, 44]);
    expect(ring.overwritten).toBe(3);
  });
});
