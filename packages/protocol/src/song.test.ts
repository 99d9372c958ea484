import { describe, expect, it } from "vitest";
import { describeIssues } from "./errors.js";
import { barSpans, SongMap } from "./song.js";

const base = {
  title: "Test",
  key: "C",
  tempo: 100,
  sections: [{ id: "A", kind: "verse", bars: ["C", "Am", "Dm7 G7", "%", "F/A"] }],
  form: [{ section: "A", repeat: 2 }],
};

describe("SongMap", () => {
  it("accepts a chart with slash chords and repeats, and fills defaults", () => {
    const song = SongMap.parse(base);
    expect(song.timeSignature).toEqual({ beats: 4, unit: 4 });
    expect(song.sections[0]!.intensity).toBe(3);
  });

  it("names the field of an unknown chord", () => {
    const bad = { ...base, sections: [{ id: "A", kind: "verse", bars: ["C", "Hm7"] }] };
    const r = SongMap.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssues(r.error, "song.json")).toContain('sections[0].bars[1]: bar "Hm7"');
  });

  it("rejects a form that names a missing section and bars that do not add up", () => {
    const bad = {
      ...base,
      sections: [{ id: "A", kind: "verse", bars: [[{ chord: "C", beats: 3 }]] }],
      form: [{ section: "B" }],
    };
    const r = SongMap.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) {
      const text = describeIssues(r.error);
      expect(text).toContain("form[0].section");
      expect(text).toContain("add up to 3");
    }
  });

  it("splits a bar among its chords", () => {
    expect(barSpans("Dm7 G7", 4)).toEqual([
      { chord: "Dm7", beats: 2 },
      { chord: "G7", beats: 2 },
    ]);
    expect(barSpans("%", 4, [{ chord: "C", beats: 4 }])).toEqual([{ chord: "C", beats: 4 }]);
  });
});
