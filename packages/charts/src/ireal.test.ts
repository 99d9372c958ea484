import { SongMap } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { fromIReal, keyFromIReal, timeFromIReal } from "./ireal.js";
import { irealLink } from "./test-ireal.js";

describe("iReal Pro links", () => {
  const link = irealLink({
    title: "Test Tune",
    composer: "Performia Examples",
    style: "Medium Swing",
    key: "C",
    // |: Cmaj7 | Am7 |1 Dm7 | G7 :|2 Dm7 G7 | C6 || Bm7b5 | E7b9 | Am | % | N.C. | Abmaj7/C | W/Bb |
    music:
      "{*AT44C^7XyQ|A-7XyQ|N1D-7XyQ|G7XyQ}XyQ|N2D-7 G7XyQ|C6XyQ][*BBh7XyQ|E7b9XyQ|A-XyQKcl LZnXyQ|Ab^7/CXyQ|W/BbXyQZ",
    bpm: 140,
  });

  it("reads the title, composer, key, tempo, style and time signature", () => {
    const [first] = fromIReal(link);
    const song = SongMap.parse(first!.song);
    expect(song.title).toBe("Test Tune");
    expect(song.composer).toBe("Performia Examples");
    expect(song.key).toBe("C");
    expect(song.tempo).toBe(140);
    expect(song.style).toBe("jazz");
    expect(song.timeSignature).toEqual({ beats: 4, unit: 4 });
  });

  it("plays out the repeat and its endings, and spells the chords as lead sheets do", () => {
    const song = SongMap.parse(fromIReal(link)[0]!.song);
    expect(song.sections[0]!.bars).toEqual([
      "Cmaj7",
      "Am7",
      "Dm7",
      "G7",
      "Cmaj7",
      "Am7",
      "Dm7 G7",
      "C6",
      "Bm7b5",
      "E7b9",
      "Am",
      "Am",
      "N.C.",
      "Abmaj7/C",
      "Abmaj7/Bb",
    ]);
  });

  it("reads minor keys and odd meters", () => {
    expect(keyFromIReal("F#-")).toBe("F# minor");
    expect(keyFromIReal("Bb")).toBe("Bb");
    expect(timeFromIReal("34")).toEqual({ beats: 3, unit: 4 });
    expect(timeFromIReal("68")).toEqual({ beats: 6, unit: 8 });
    expect(timeFromIReal("54")).toEqual({ beats: 5, unit: 4 });
    expect(timeFromIReal("128")).toEqual({ beats: 12, unit: 8 });
  });

  it("says what is wrong with something that is not a link", () => {
    expect(() => fromIReal("https://example.com/song")).toThrow(/not an iReal Pro link/);
  });
});
