import { SongMap } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { fromMusicXml, playingOrder } from "./musicxml.js";

/** A lead sheet: F major, 3/4 at 96, A section repeated with two endings, then a B section. */
function leadSheet(): string {
  const harmony = (step: string, kind: string, alter = 0, bass?: string): string =>
    `<harmony><root><root-step>${step}</root-step>${alter ? `<root-alter>${alter}</root-alter>` : ""}</root>` +
    `<kind>${kind}</kind>${bass ? `<bass><bass-step>${bass}</bass-step></bass>` : ""}</harmony>`;
  const note = (quarters: number): string =>
    `<note><pitch><step>C</step><octave>5</octave></pitch><duration>${quarters * 2}</duration></note>`;
  const measure = (n: number, body: string, extra = ""): string =>
    `<measure number="${n}">${extra}${body}</measure>`;
  const measures = [
    measure(
      1,
      harmony("F", "major") + note(3),
      `<attributes><divisions>2</divisions><key><fifths>-1</fifths><mode>major</mode></key><time><beats>3</beats><beat-type>4</beat-type></time></attributes>` +
        `<direction><direction-type><rehearsal>A</rehearsal></direction-type><sound tempo="96"/></direction>` +
        `<barline location="left"><repeat direction="forward"/></barline>`,
    ),
    measure(2, harmony("G", "minor-seventh") + note(2) + harmony("C", "dominant") + note(1)),
    measure(
      3,
      harmony("F", "major", 0, "A") +
        note(3) +
        `<barline location="right"><repeat direction="backward"/></barline>`,
      `<barline location="left"><ending number="1" type="start"/></barline>`,
    ),
    measure(
      4,
      harmony("B", "major", -1) + note(3),
      `<barline location="left"><ending number="2" type="start"/></barline>`,
    ),
    measure(5, note(3), `<direction><direction-type><rehearsal>B</rehearsal></direction-type></direction>`),
    measure(6, harmony("E", "half-diminished") + note(1) + harmony("A", "dominant") + note(2)),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0">
  <work><work-title>Little Waltz</work-title></work>
  <identification><creator type="composer">Performia Examples</creator></identification>
  <part-list><score-part id="P1"><part-name>Lead</part-name></score-part></part-list>
  <part id="P1">${measures.join("")}</part>
</score-partwise>`;
}

describe("MusicXML chord symbols", () => {
  const { song: input } = fromMusicXml(leadSheet());
  const song = SongMap.parse(input);

  it("reads the title, composer, key, meter and tempo", () => {
    expect(song.title).toBe("Little Waltz");
    expect(song.composer).toBe("Performia Examples");
    expect(song.key).toBe("F");
    expect(song.timeSignature).toEqual({ beats: 3, unit: 4 });
    expect(song.tempo).toBe(96);
  });

  it("places chords by the notes before them, plays the repeat with its endings, names sections", () => {
    const a = song.sections.find((s) => s.id === "a")!;
    expect(a.bars).toEqual([
      "F",
      [
        { chord: "Gm7", beats: 2 },
        { chord: "C7", beats: 1 },
      ],
      "F/A",
      "F",
      [
        { chord: "Gm7", beats: 2 },
        { chord: "C7", beats: 1 },
      ],
      "Bb",
    ]);
    const b = song.sections.find((s) => s.id === "b")!;
    expect(b.kind).toBe("bridge");
    // A bar with no chord symbol holds the chord before it.
    expect(b.bars).toEqual([
      "Bb",
      [
        { chord: "Em7b5", beats: 1 },
        { chord: "A7", beats: 2 },
      ],
    ]);
    expect(song.form.map((f) => f.section)).toEqual(["a", "b"]);
  });

  it("says what is wrong with a file that is not a score", () => {
    expect(() => fromMusicXml("<html></html>", "page.xml")).toThrow(/page\.xml: no <score-partwise>/);
    expect(() => fromMusicXml(leadSheet().replace(/<harmony>.*?<\/harmony>/g, ""), "melody.xml")).toThrow(
      /no chord symbols/,
    );
  });

  it("orders bars through repeats and first, second and third endings", () => {
    const bar = (o: Partial<{ forward: boolean; backward: number; ending: number[] | null }> = {}) => ({
      forward: false,
      backward: 0,
      ending: null,
      ...o,
    });
    // |: 0 1 |1 2 :|2 3 :|3 4 | 5
    expect(
      playingOrder([
        bar({ forward: true }),
        bar(),
        bar({ ending: [1], backward: 2 }),
        bar({ ending: [2], backward: 2 }),
        bar({ ending: [3] }),
        bar(),
      ]),
    ).toEqual([0, 1, 2, 0, 1, 3, 0, 1, 4, 5]);
    // 0 |: 1 :| 2 (a repeat back to the forward bar, not the start)
    expect(playingOrder([bar(), bar({ forward: true, backward: 2 }), bar()])).toEqual([0, 1, 1, 2]);
  });
});
