// The example songs in apps/engine/examples/songs load and have the promised shape.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSong, loadSong } from "./song.js";
import { EXAMPLES, exampleFile } from "./test-songs.js";

describe.each(EXAMPLES)("examples/songs/%s.json", (name) => {
  const song = loadSong(JSON.parse(readFileSync(exampleFile(name), "utf8")), name);
  const compiled = compileSong(song);

  it("is a valid Song Map by Performia examples, 16–24 bars, 20–45 s, integer tempo", () => {
    expect(song.composer).toBe("Performia examples");
    expect(Number.isInteger(song.tempo)).toBe(true);
    expect(compiled.bars.length).toBeGreaterThanOrEqual(16);
    expect(compiled.bars.length).toBeLessThanOrEqual(24);
    const seconds = (compiled.totalBeats * 60) / song.tempo;
    expect(seconds).toBeGreaterThanOrEqual(20);
    expect(seconds).toBeLessThanOrEqual(45);
    expect(new Set(compiled.bars.map((b) => b.sectionId)).size).toBeGreaterThanOrEqual(2);
  });
});

it("the blues is a 12-bar blues of dominant sevenths in A", () => {
  const blues = compileSong(loadSong(JSON.parse(readFileSync(exampleFile("blues-in-a"), "utf8"))));
  const head = blues.bars.filter((b) => b.sectionId === "head");
  expect(head).toHaveLength(12);
  expect(head.map((b) => b.chords[0]!.symbol)).toEqual([
    "A7",
    "D7",
    "A7",
    "A7",
    "D7",
    "D7",
    "A7",
    "A7",
    "E7",
    "D7",
    "A7",
    "E7",
  ]);
  expect(head.every((b) => b.chords[0]!.quality === "dominant seventh")).toBe(true);
});
