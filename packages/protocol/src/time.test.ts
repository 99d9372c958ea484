import { describe, expect, it } from "vitest";
import { beatsToBarBeat, framesToSeconds, secondsToFrames, TempoMap } from "./time.js";
import { beats, bpm, frames, seconds } from "./units.js";

describe("time conversions", () => {
  it("converts frames and seconds both ways", () => {
    expect(framesToSeconds(frames(22050), 44100)).toBe(0.5);
    expect(secondsToFrames(seconds(0.5), 48000)).toBe(24000);
    expect(secondsToFrames(framesToSeconds(frames(12345), 44100), 44100)).toBe(12345);
  });

  it("maps beats to frames at a constant tempo", () => {
    const map = TempoMap.constant(bpm(120), 48000);
    expect(map.frameAtBeat(beats(1))).toBe(24000);
    expect(map.beatAtFrame(frames(36000))).toBe(1.5);
    expect(map.tempoAt(frames(0), 48000)).toBeCloseTo(120, 9);
  });

  it("keeps position continuous when the tempo changes, and forgets predictions", () => {
    const map = TempoMap.constant(bpm(120), 48000);
    const faster = map.withRateFrom(frames(48000), 1 / 12000); // 240 BPM from beat 2
    expect(faster.beatAtFrame(frames(48000))).toBe(2);
    expect(faster.frameAtBeat(beats(4))).toBe(72000);
    expect(faster.frameAtBeat(beats(1))).toBe(24000);
    const back = faster.withRateFrom(frames(24000), 1 / 24000);
    expect(back.segments).toHaveLength(2);
    expect(back.frameAtBeat(beats(4))).toBe(96000);
    expect(faster.forgetBefore(frames(60000)).segments).toHaveLength(1);
  });

  it("names bars and beats", () => {
    expect(beatsToBarBeat(beats(0), 4)).toEqual({ bar: 1, beat: 1, fraction: 0 });
    expect(beatsToBarBeat(beats(5.5), 4)).toEqual({ bar: 2, beat: 2, fraction: 0.5 });
    expect(beatsToBarBeat(beats(6), 3)).toEqual({ bar: 3, beat: 1, fraction: 0 });
  });
});
