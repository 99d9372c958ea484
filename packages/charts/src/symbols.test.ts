import { describe, expect, it } from "vitest";
import { chordType, normalizeChord } from "./symbols.js";

describe("chord symbols from other charts", () => {
  const cases: [string, string, string][] = [
    ["C^7", "Cmaj7", "major seventh"],
    ["D-7", "Dm7", "minor seventh"],
    ["Bh7", "Bm7b5", "half-diminished"],
    ["Fo7", "Fdim7", "diminished seventh"],
    ["Eb-^7", "EbmMaj7", "minor/major seventh"],
    ["G7sus", "G7sus4", "suspended fourth seventh"],
    ["Bbmin7", "Bbm7", "minor seventh"],
    ["F#mi", "F#m", "minor"],
  ];
  for (const [raw, symbol, type] of cases) {
    it(`reads ${raw} as ${symbol} (${type})`, () => {
      expect(normalizeChord(raw)).toEqual({ symbol, reduced: false });
      expect(chordType(symbol)).toBe(type);
    });
  }
  it("keeps slash basses", () => {
    expect(normalizeChord("Bh7/F").symbol).toBe("Bm7b5/F");
    expect(normalizeChord("C/E").symbol).toBe("C/E");
  });
  it("reads no-chord marks as N.C.", () => {
    for (const raw of ["N.C.", "NC", "n", null]) expect(normalizeChord(raw).symbol).toBe("N.C.");
  });
  it("reduces what it cannot spell to its root and basic quality, and says so", () => {
    expect(normalizeChord("Cm7(b9,x)")).toEqual({ symbol: "Cm7", reduced: true });
    expect(normalizeChord("Hxyz").symbol).toBe("N.C.");
  });
});
