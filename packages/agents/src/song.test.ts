import { beats, PerformiaError } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { barAt, chordAt, compileSong, loadSong } from "./song.js";
import { oddChart } from "./test-songs.js";

describe("compileSong", () => {
  const song = compileSong(
    loadSong({
      title: "T",
      key: "C",
      tempo: 100,
      sections: [
        { id: "A", kind: "verse", bars: ["C", "Dm7 G7", "%"] },
        { id: "B", kind: "chorus", intensity: 4, bars: ["F/A"] },
      ],
      form: [{ section: "A", repeat: 2 }, { section: "B" }],
    }),
  );

  it("expands the form with repeats and %", () => {
    expect(song.bars.map((b) => b.chords.map((c) => c.symbol).join(" "))).toEqual([
      "C",
      "Dm7 G7",
      "Dm7 G7",
      "C",
      "Dm7 G7",
      "Dm7 G7",
      "F/A",
    ]);
    expect(song.totalBeats).toBe(28);
    expect(song.bars.map((b) => b.repeat)).toEqual([0, 0, 0, 1, 1, 1, 0]);
    expect(song.bars.map((b) => b.isSectionStart)).toEqual([true, false, false, true, false, false, true]);
    expect(song.bars.map((b) => b.isSectionEnd)).toEqual([false, false, true, false, false, true, true]);
    expect(song.bars.filter((b) => b.isLast).map((b) => b.index)).toEqual([6]);
    expect(song.bars[6]!.intensity).toBe(4);
  });

  it("plays first and second endings on the passes of a repeated section", () => {
    const c = compileSong(
      loadSong({
        title: "Endings",
        key: "F",
        tempo: 120,
        sections: [{ id: "A", kind: "head", bars: ["F", "Gm7 C7"], endings: [["F", "C7"], ["F"]] }],
        form: [{ section: "A", repeat: 3 }],
      }),
    );
    expect(c.bars.map((b) => b.chords.map((ch) => ch.symbol).join(" "))).toEqual([
      "F",
      "Gm7 C7",
      "F",
      "C7",
      "F",
      "Gm7 C7",
      "F",
      "F",
      "Gm7 C7",
      "F",
    ]);
    expect(c.bars.map((b) => b.ending)).toEqual([null, null, 1, 1, null, null, 2, null, null, 2]);
    expect(c.bars.filter((b) => b.isSectionEnd).map((b) => b.index)).toEqual([3, 6, 9]);
  });

  it("places chords at absolute beats with pitch classes from tonal", () => {
    const g7 = song.bars[2]!.chords[1]!;
    expect(g7).toMatchObject({ symbol: "G7", start: 10, end: 12, root: 7, bass: 7, tones: [7, 11, 2, 5] });
    expect(g7.quality).toBe("dominant seventh");
    const fa = song.bars[6]!.chords[0]!;
    expect(fa).toMatchObject({ root: 5, bass: 9, tones: [5, 9, 0] });
  });

  it("keeps a slash bass outside the chord out of the tones, and N.C. empty", () => {
    const [nc, cbb] = [oddChart.bars[0]!.chords[0]!, oddChart.bars[1]!.chords[0]!];
    expect(nc).toMatchObject({ root: null, bass: null, tones: [] });
    expect(cbb).toMatchObject({ root: 0, bass: 10, tones: [0, 4, 7] });
    expect(oddChart.bars[2]!.chords.map((c) => [c.start, c.end])).toEqual([
      [6, 7],
      [7, 8],
      [8, 9],
    ]);
  });

  it("finds the bar and chord at a beat", () => {
    expect(barAt(song, beats(5))?.index).toBe(1);
    expect(chordAt(song, beats(6))?.symbol).toBe("G7");
    expect(chordAt(song, beats(5.99))?.symbol).toBe("Dm7");
    expect(barAt(song, beats(-1))).toBeNull();
    expect(chordAt(song, beats(28))).toBeNull();
  });
});

describe("loadSong", () => {
  it("throws a PerformiaError naming the field", () => {
    const bad = {
      title: "T",
      key: "C",
      tempo: 100,
      sections: [{ id: "A", kind: "verse", bars: ["C", "Hm7"] }],
      form: [{ section: "A" }],
    };
    expect(() => loadSong(bad, "bad.json")).toThrow(PerformiaError);
    expect(() => loadSong(bad, "bad.json")).toThrow(/bad\.json: 1 problem[\s\S]*sections\[0\]\.bars\[1\]/);
  });

  const base = {
    title: "T",
    key: "C",
    tempo: 100,
    sections: [{ id: "A", kind: "verse", bars: ["C"] }],
    form: [{ section: "A" }],
  };
  const cases: [string, object, RegExp][] = [
    [
      "an unknown chord, with its bar and place in the bar",
      { sections: [{ id: "A", kind: "verse", bars: ["C", "Dm7 Hx7"] }] },
      /sections\[0\]\.bars\[1\]: bar "Dm7 Hx7" has an unknown chord symbol: "Hx7" \(chord 2 of 2\)/,
    ],
    [
      "an empty section",
      { sections: [{ id: "A", kind: "verse", bars: [] }] },
      /sections\[0\]\.bars: a section needs at least one bar/,
    ],
    [
      "a form naming a missing section",
      { form: [{ section: "B" }] },
      /form\[0\]\.section: form names section "B", which is not among the sections \(A\)/,
    ],
    [
      "a time signature of 0",
      { timeSignature: { beats: 0, unit: 4 } },
      /timeSignature\.beats: a bar needs at least 1 beat/,
    ],
    [
      "a time signature of 13/0",
      { timeSignature: { beats: 13, unit: 0 } },
      /timeSignature\.unit: .*must be 2, 4, 8 or 16/,
    ],
    ["a tempo of 0", { tempo: 0 }, /tempo: the tempo must be at least 20 BPM/],
    ["a tempo of 10,000", { tempo: 10000 }, /tempo: the tempo must be at most 400 BPM/],
  ];
  for (const [what, change, message] of cases) {
    it(`says what is wrong with ${what}`, () => {
      expect(() => loadSong({ ...base, ...change }, "song.json")).toThrow(message);
    });
  }
});
