// The songbook that ships with the engine (apps/engine/examples/songs): every chart is a valid
// Song Map, and together they cover the forms and styles a band is asked to play.
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSong, loadSong, type CompiledSong } from "./song.js";
import { exampleFile } from "./test-songs.js";

const folder = dirname(exampleFile("blues-in-a"));
const names = readdirSync(folder)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));
const book = new Map<string, CompiledSong>(
  names.map((n) => {
    const file = `${folder}/${n}.json`;
    return [n, compileSong(loadSong(JSON.parse(readFileSync(file, "utf8")), file))];
  }),
);
const symbols = (s: CompiledSong): string[] => s.bars.flatMap((b) => b.chords.map((c) => c.symbol));
const qualities = (s: CompiledSong): string[] => s.bars.flatMap((b) => b.chords.map((c) => c.quality));

describe("the songbook", () => {
  it("holds at least 12 songs, each written for the project or in the public domain", () => {
    expect(book.size).toBeGreaterThanOrEqual(12);
    for (const [name, s] of book) expect(s.song.composer, name).toMatch(/Performia examples|public domain/);
  });

  it("has a 12-bar blues and a minor blues", () => {
    const blues = [...book.values()].filter((s) => s.bars.some((b) => b.sectionKind === "head"));
    const twelve = blues.filter((s) =>
      s.song.sections.some((sec) => sec.bars.length === 12 && /7/.test(JSON.stringify(sec.bars))),
    );
    expect(twelve.some((s) => !/minor/.test(s.song.key))).toBe(true);
    expect(twelve.some((s) => /minor/.test(s.song.key))).toBe(true);
  });

  it("has ii-V-I progressions in a standard-style AABA form with first and second endings", () => {
    const s = book.get("second-avenue")!;
    const seq = symbols(s);
    const iiVI = seq.some(
      (c, i) => c === "Dm7" && seq[i + 1] === "G7" && /^C(maj7|6)$/.test(seq[i + 2] ?? ""),
    );
    expect(iiVI).toBe(true);
    expect(s.bars.some((b) => b.ending === 1) && s.bars.some((b) => b.ending === 2)).toBe(true);
    expect(s.bars.length).toBe(32);
  });

  it("has rhythm changes: I-vi-ii-V in B flat and a bridge of dominants round the cycle", () => {
    const s = book.get("rhythm-in-bb")!;
    expect(symbols(s).slice(0, 4)).toEqual(["Bbmaj7", "G7", "Cm7", "F7"]);
    const bridge = s.bars.filter((b) => b.sectionKind === "bridge").map((b) => b.chords[0]!.symbol);
    expect([...new Set(bridge)]).toEqual(["D7", "G7", "C7", "F7"]);
    expect(s.bars.length).toBe(32);
  });

  it("has a pop song on I-V-vi-IV, rock, bossa nova, funk, a ballad and a classical ground", () => {
    const pop = symbols(book.get("four-chord-summer")!);
    expect(pop.slice(0, 4)).toEqual(["D", "A", "Bm", "G"]);
    const styles = new Set([...book.values()].map((s) => s.song.style));
    for (const style of ["jazz", "pop", "rock", "bossa", "funk", "ballad", "classical"])
      expect(styles.has(style), style).toBe(true);
    const canon = symbols(book.get("canon-in-d")!);
    expect(canon.slice(0, 8)).toEqual(["D", "A", "Bm", "F#m", "G", "D", "G", "A"]);
  });

  it("has a waltz in 3/4 and songs in 6/8 and 5/4", () => {
    const meters = new Set([...book.values()].map((s) => `${s.beatsPerBar}/${s.song.timeSignature.unit}`));
    for (const m of ["4/4", "3/4", "6/8", "5/4"]) expect(meters.has(m), m).toBe(true);
  });

  it("uses sevenths, slash chords and extended chords the way lead sheets do", () => {
    const all = [...book.values()];
    const q = new Set(all.flatMap(qualities));
    for (const t of [
      "major seventh",
      "minor seventh",
      "dominant seventh",
      "half-diminished",
      "diminished seventh",
    ])
      expect(q.has(t), t).toBe(true);
    expect(all.some((s) => symbols(s).some((c) => c.includes("/")))).toBe(true);
  });
});
