/**
 * Songs as the studio sees them: the example songs, and a song's chart laid out bar by bar as the
 * band plays it (the form unrolled: repeats and endings in order), which is what `live.stream`'s
 * `position.bar` counts. Main thread.
 */
import { BAND, compileSong, STYLES } from "@performia/agents";
import { exampleSongs, readSongFile } from "../songs.js";

export interface SongSummary {
  readonly name: string;
  readonly title: string;
  readonly key: string;
  readonly tempo: number;
  readonly style: string | null;
  readonly meter: string;
}

export interface ChartBar {
  /** 1-based, as `position.bar`. */
  readonly bar: number;
  readonly section: string;
  readonly sectionKind: string;
  /** 1-based bar within this pass through the section. */
  readonly barInSection: number;
  /** Which pass through the form entry (1-based). */
  readonly pass: number;
  readonly ending: number | null;
  readonly sectionStart: boolean;
  /** Chord symbols as written, with the beats each takes. */
  readonly chords: { readonly symbol: string; readonly beats: number }[];
}

export interface Chart {
  readonly song: SongSummary;
  readonly beatsPerBar: number;
  readonly bars: ChartBar[];
  /** Section ids in the order the form first plays them. */
  readonly sections: { readonly id: string; readonly kind: string }[];
}

export function songList(): SongSummary[] {
  return exampleSongs().map((name) => summary(name));
}

function summary(name: string): SongSummary {
  const { song } = readSongFile(name);
  return {
    name,
    title: song.title,
    key: song.key,
    tempo: song.tempo,
    style: song.style ?? null,
    meter: `${song.timeSignature.beats}/${song.timeSignature.unit}`,
  };
}

export function songChart(name: string): Chart {
  const { song } = readSongFile(name);
  const compiled = compileSong(song);
  const kinds = new Map(song.sections.map((s) => [s.id, s.kind]));
  const order: string[] = [];
  for (const f of song.form) if (!order.includes(f.section)) order.push(f.section);
  return {
    song: summary(name),
    beatsPerBar: compiled.beatsPerBar,
    bars: compiled.bars.map((b) => ({
      bar: b.index + 1,
      section: b.sectionId,
      sectionKind: b.sectionKind,
      barInSection: b.barInSection + 1,
      pass: b.repeat + 1,
      ending: b.ending,
      sectionStart: b.isSectionStart,
      chords: b.chords.map((c) => ({ symbol: c.symbol, beats: c.end - c.start })),
    })),
    sections: order.map((id) => ({ id, kind: kinds.get(id) ?? "" })),
  };
}

/** What the studio offers to choose from. */
export function catalog(): { styles: readonly string[]; agents: readonly string[] } {
  return { styles: STYLES, agents: BAND };
}
