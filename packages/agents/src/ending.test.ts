import { beats } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { playBand } from "./agent.js";
import { applyEnding } from "./ending.js";
import { defaultBand } from "./index.js";
import { loadExample } from "./test-songs.js";

describe("the ending", () => {
  const song = loadExample("blues-in-a");
  const ctx = { song, style: "rock", seed: 4 };
  const lastStart = song.bars[song.bars.length - 1]!.start;
  const all = playBand(defaultBand(), () => true, { from: beats(0), to: song.totalBeats }, ctx).notes;
  const ended = applyEnding(all, song);

  it("leaves every bar before the last as the agents played it", () => {
    expect(ended.filter((n) => n.start < lastStart)).toEqual(all.filter((n) => n.start < lastStart));
  });

  it("lands the band together on the last downbeat and lets the chord ring to the end", () => {
    const last = ended.filter((n) => n.start >= lastStart);
    expect(last.length).toBeGreaterThan(0);
    for (const n of last) expect(n.start - lastStart).toBeLessThanOrEqual(0.125);
    for (const n of last.filter((n) => n.instrument !== "drums"))
      expect(n.start + n.duration).toBeGreaterThanOrEqual(song.totalBeats - 1e-9);
    const drums = last
      .filter((n) => n.instrument === "drums")
      .map((n) => n.pitch)
      .sort();
    expect(drums).toEqual([36, 49]);
    expect(last.some((n) => n.agent === "bass")).toBe(true);
    expect(last.some((n) => n.agent === "harmony")).toBe(true);
  });
});
