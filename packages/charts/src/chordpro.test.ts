import { SongMap } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { fromChordPro } from "./chordpro.js";

const SHEET = `{title: Harbour Lights}
{artist: Performia Examples}
{key: G}
{tempo: 92}
{time: 3/4}
# a waltz

{start_of_verse: Verse 1}
[G]Lanterns on the [Em]water,
[C]boats come [D7]home
{end_of_verse}

{start_of_chorus}
| G | C | D7 | G |
{end_of_chorus}

{start_of_verse: Verse 2}
[G]Nets hung out to [Em]dry now,
[C]gulls have [D7]flown
{end_of_verse}

{chorus}

{comment: Outro}
| G . . | C D7 | G |
`;

describe("ChordPro", () => {
  const { song: input, warnings } = fromChordPro(SHEET);
  const song = SongMap.parse(input);

  it("reads the metadata directives", () => {
    expect(song.title).toBe("Harbour Lights");
    expect(song.composer).toBe("Performia Examples");
    expect(song.key).toBe("G");
    expect(song.tempo).toBe(92);
    expect(song.timeSignature).toEqual({ beats: 3, unit: 4 });
    expect(warnings).toEqual([]);
  });

  it("makes sections of the environments: a bar per chord in lyrics, bar lines where written", () => {
    const byId = Object.fromEntries(song.sections.map((s) => [s.id, s]));
    expect(byId.verse?.kind).toBe("verse");
    expect(byId.verse?.bars).toEqual(["G", "Em", "C", "D7"]);
    expect(byId.chorus?.kind).toBe("chorus");
    expect(byId.chorus?.bars).toEqual(["G", "C", "D7", "G"]);
    expect(byId.outro?.kind).toBe("outro");
    expect(byId.outro?.bars).toEqual(["G", "C D7", "G"]);
  });

  it("plays the chorus again where {chorus} asks, and a verse with the same chords as the verse", () => {
    expect(song.form.map((f) => f.section)).toEqual(["verse", "chorus", "verse", "chorus", "outro"]);
  });

  it("says where a sheet has no chords", () => {
    expect(() => fromChordPro("{title: Empty}\nJust words", "empty.cho")).toThrow(/empty\.cho: no chords/);
  });

  it("reports chords it had to reduce, with the line", () => {
    const r = fromChordPro("[C]one [Gxyz7]two", "odd.cho");
    expect(r.warnings.some((w) => w.startsWith("odd.cho, line 1"))).toBe(true);
  });
});
