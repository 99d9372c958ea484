/**
 * Song Map compilation: the chart as written (sections, "%", a form with repeats) becomes a flat
 * list of bars in the order they are performed, each with its chords at absolute beat positions.
 * Compiled once when a session starts (main thread); agents and the conductor only read it.
 */
import type { Beats, ChordSpan, SectionKind } from "@performia/protocol";
import { barSpans, beats, describeIssues, NO_CHORD, PerformiaError, SongMap } from "@performia/protocol";
import { Chord, Note } from "tonal";

/** One chord of the performance, at absolute beats. */
export interface ChordInfo {
  /** As written, e.g. "F/A", or "N.C.". */
  symbol: string;
  start: Beats;
  end: Beats;
  /** Pitch class (0–11) of the chord's root; null for N.C. */
  root: number | null;
  /** Pitch class of the bass: the slash bass when written ("F/A" → 9), else the root; null for N.C. */
  bass: number | null;
  /** The chord's pitch classes, root first (a slash bass outside the chord is not included). */
  tones: number[];
  /** tonal's chord type name, e.g. "major", "minor seventh", "dominant seventh"; "" for N.C. */
  quality: string;
}

/** One bar of the performance (the form expanded, repeats unrolled). */
export interface CompiledBar {
  /** 0-based index in the performance. */
  index: number;
  start: Beats;
  sectionId: string;
  sectionKind: SectionKind;
  /** Index of the form entry this bar belongs to. */
  formIndex: number;
  /** Which pass of the form entry (0-based). */
  repeat: number;
  /** 0-based bar within this pass through the section (its ending's bars follow the section's). */
  barInSection: number;
  /** The ending (volta) this bar belongs to, 1-based, or null for the section's own bars. */
  ending: number | null;
  intensity: number;
  chords: ChordInfo[];
  /** First / last bar of a pass through a section (every repeat is a pass). */
  isSectionStart: boolean;
  isSectionEnd: boolean;
  /** The last bar of the song. */
  isLast: boolean;
}

export interface CompiledSong {
  song: SongMap;
  beatsPerBar: number;
  totalBeats: Beats;
  bars: CompiledBar[];
}

const NO_CHORD_INFO = { root: null, bass: null, tones: [] as number[], quality: "" } as const;

/** Pitch classes and quality of a chord symbol (tonal does the theory). */
function chordFacts(symbol: string): Pick<ChordInfo, "root" | "bass" | "tones" | "quality"> {
  if (symbol === NO_CHORD) return { ...NO_CHORD_INFO, tones: [] };
  const c = Chord.get(symbol);
  if (c.empty || !c.tonic) return { ...NO_CHORD_INFO, tones: [] };
  const root = Note.chroma(c.tonic);
  // The chord proper, without a slash bass that tonal adds below it ("C/Bb" → C E G).
  const proper = c.type ? Chord.getChord(c.type, c.tonic) : c;
  const names = proper.empty ? c.notes : proper.notes;
  const tones: number[] = [root];
  for (const n of names) {
    const pc = Note.chroma(n);
    if (pc !== undefined && !Number.isNaN(pc) && !tones.includes(pc)) tones.push(pc);
  }
  const bass = c.bass ? Note.chroma(c.bass) : root;
  return { root, bass: Number.isNaN(bass) ? root : bass, tones, quality: c.type };
}

/**
 * Expand a Song Map into the bars of the performance.
 * @example
 * const c = compileSong(loadSong({ title: "T", key: "C", tempo: 100,
 *   sections: [{ id: "A", kind: "verse", bars: ["C", "Dm7 G7", "%"] }], form: [{ section: "A", repeat: 2 }] }));
 * c.bars.length // => 6
 * c.bars[2].chords.map((ch) => ch.symbol) // => ["Dm7", "G7"]
 * c.totalBeats // => 24
 */
export function compileSong(song: SongMap): CompiledSong {
  const beatsPerBar = song.timeSignature.beats;
  const sections = new Map(song.sections.map((s) => [s.id, s]));
  const bars: CompiledBar[] = [];
  const factsCache = new Map<string, Pick<ChordInfo, "root" | "bass" | "tones" | "quality">>();
  const facts = (symbol: string) => {
    let f = factsCache.get(symbol);
    if (!f) factsCache.set(symbol, (f = chordFacts(symbol)));
    return f;
  };
  song.form.forEach((entry, formIndex) => {
    const section = sections.get(entry.section);
    if (!section) throw new PerformiaError(`form names unknown section "${entry.section}"`, "song-invalid");
    for (let repeat = 0; repeat < entry.repeat; repeat++) {
      let previous: ChordSpan[] | undefined;
      // This pass's bars: the section's, then its ending for this pass (the last for later passes).
      const ending = section.endings
        ? (section.endings[Math.min(repeat, section.endings.length - 1)] ?? [])
        : [];
      const passBars = [...section.bars, ...ending];
      passBars.forEach((written, barInSection) => {
        const spans = barSpans(written, beatsPerBar, previous);
        previous = spans;
        const index = bars.length;
        const start = index * beatsPerBar;
        let at = start;
        const chords = spans.map((span, i): ChordInfo => {
          const end = i === spans.length - 1 ? start + beatsPerBar : at + span.beats;
          const info: ChordInfo = {
            symbol: span.chord,
            start: beats(at),
            end: beats(end),
            ...facts(span.chord),
          };
          info.tones = [...info.tones];
          at = end;
          return info;
        });
        bars.push({
          index,
          start: beats(start),
          sectionId: section.id,
          sectionKind: section.kind,
          formIndex,
          repeat,
          barInSection,
          intensity: section.intensity,
          chords,
          isSectionStart: barInSection === 0,
          isSectionEnd: barInSection === passBars.length - 1,
          ending:
            barInSection >= section.bars.length
              ? Math.min(repeat, (section.endings?.length ?? 1) - 1) + 1
              : null,
          isLast: false,
        });
      });
    }
  });
  const last = bars[bars.length - 1];
  if (last) last.isLast = true;
  return { song, beatsPerBar, totalBeats: beats(bars.length * beatsPerBar), bars };
}

/**
 * Validate a parsed JSON value as a Song Map; throws a `PerformiaError` naming every problem.
 * @example loadSong(JSON.parse(text), "songs/blues.json").title // => "Blues in A"
 */
export function loadSong(json: unknown, where?: string): SongMap {
  const r = SongMap.safeParse(json);
  if (!r.success) {
    throw new PerformiaError(
      `invalid Song Map — ${describeIssues(r.error, where)}`,
      "song-invalid",
      "see packages/protocol/src/song.ts for the Song Map format",
    );
  }
  return r.data;
}

/**
 * The bar sounding at beat `b`, or null before the start or at/after the end.
 * @example barAt(song, beats(5)) // => bar with index 1 in 4/4
 */
export function barAt(song: CompiledSong, b: Beats): CompiledBar | null {
  if (!(b >= 0) || b >= song.totalBeats) return null;
  return song.bars[Math.floor(b / song.beatsPerBar)] ?? null;
}

/**
 * The chord sounding at beat `b` (N.C. included), or null outside the song.
 * @example chordAt(song, beats(2))?.symbol // => "Dm7" for a bar "Dm7 G7" starting at 0
 */
export function chordAt(song: CompiledSong, b: Beats): ChordInfo | null {
  const bar = barAt(song, b);
  if (!bar) return null;
  for (const c of bar.chords) if (b >= c.start && b < c.end) return c;
  return bar.chords[bar.chords.length - 1] ?? null;
}
