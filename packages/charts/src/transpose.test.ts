import { SongMap, type SongMapInput } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { transposeSong } from "./transpose.js";

const blues: SongMapInput = {
  title: "Blues in A",
  key: "A",
  tempo: 110,
  sections: [
    {
      id: "head",
      kind: "head",
      bars: [
        "A7",
        "D7",
        "A7",
        "%",
        "D7",
        "%",
        "A7",
        "F#m7b5 B7",
        "E7",
        "D7",
        "A7/C#",
        [
          { chord: "Bm7", beats: 2 },
          { chord: "E7", beats: 2 },
        ],
      ],
      endings: [["E7"], ["A7"]],
    },
  ],
  form: [{ section: "head", repeat: 2 }],
};

describe("transposition", () => {
  it("moves the key and every chord, slash basses, spans and endings included", () => {
    const g = SongMap.parse(transposeSong(blues, -2));
    expect(g.key).toBe("G");
    expect(g.sections[0]!.bars).toEqual([
      "G7",
      "C7",
      "G7",
      "%",
      "C7",
      "%",
      "G7",
      "Em7b5 A7",
      "D7",
      "C7",
      "G7/B",
      [
        { chord: "Am7", beats: 2 },
        { chord: "D7", beats: 2 },
      ],
    ]);
    expect(g.sections[0]!.endings).toEqual([["D7"], ["G7"]]);
  });

  it("spells chords for the new key: flats in flat keys, sharps in sharp keys", () => {
    const bb = transposeSong(blues, 1);
    expect(bb.key).toBe("Bb");
    expect(bb.sections[0]!.bars.slice(0, 2)).toEqual(["Bb7", "Eb7"]);
    const e = transposeSong({ ...blues, key: "F" }, -1);
    expect(e.key).toBe("E");
    const minor = transposeSong({ ...blues, key: "A minor" }, -2);
    expect(minor.key).toBe("G minor");
  });

  it("comes back to the original", () => {
    expect(transposeSong(transposeSong(blues, 5), -5)).toEqual(blues);
    expect(transposeSong(blues, 12)).toEqual(blues);
  });

  it("refuses fractions of a semitone", () => {
    expect(() => transposeSong(blues, 0.5)).toThrow(/whole semitones/);
  });
});
