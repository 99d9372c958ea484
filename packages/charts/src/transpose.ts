/**
 * Transposition of a whole Song Map: the key and every chord, slash basses included, spelled
 * for the new key (tonal does the theory).
 */
import type { BarInput, SongMapInput } from "@performia/protocol";
import { NO_CHORD } from "@performia/protocol";
import { Interval, Note } from "tonal";
import { splitSymbol } from "./symbols.js";

/** Flat keys: their chords are spelled with flats. */
const FLAT_MAJOR = new Set(["F", "Bb", "Eb", "Ab", "Db", "Gb", "Cb"]);
const FLAT_MINOR = new Set(["D", "G", "C", "F", "Bb", "Eb", "Ab"]);

function spell(note: string, flats: boolean): string {
  const simple = Note.simplify(note);
  const isSharp = simple.includes("#");
  const isFlat = simple.includes("b");
  if ((flats && isSharp) || (!flats && isFlat)) return Note.enharmonic(simple);
  return simple;
}

function parseKey(key: string): { tonic: string; minor: boolean } {
  const m = /^([A-G][#b]?)\s*(.*)$/.exec(key.trim());
  return { tonic: m?.[1] ?? "C", minor: /^(m|min|minor|-)$/i.test(m?.[2]?.trim() ?? "") };
}

/**
 * The song `semitones` higher (negative: lower), spelled in the new key.
 * @example transposeSong(song, -2).key // "A" → "G"
 */
export function transposeSong<T extends SongMapInput>(song: T, semitones: number): T {
  if (!Number.isInteger(semitones)) throw new RangeError(`transpose by whole semitones, not ${semitones}`);
  const interval = Interval.fromSemitones(((semitones % 12) + 12) % 12);
  const { tonic, minor } = parseKey(song.key);
  const newTonic0 = Note.simplify(Note.transpose(tonic, interval));
  // Prefer the key with fewer accidentals (Gb over F#, B over Cb).
  const candidates = [newTonic0, Note.enharmonic(newTonic0)];
  const flatSet = minor ? FLAT_MINOR : FLAT_MAJOR;
  const newTonic =
    candidates.find((c) => flatSet.has(c)) ??
    candidates.find((c) => !c.includes("b") && !c.includes("#")) ??
    candidates.find((c) => c.length === 2 && c.endsWith("#") && !["E#", "B#"].includes(c)) ??
    newTonic0;
  const flats = flatSet.has(newTonic) || newTonic.includes("b");
  const moveNote = (n: string): string => spell(Note.transpose(n, interval), flats);
  const moveChord = (symbol: string): string => {
    if (symbol === NO_CHORD) return symbol;
    const parts = splitSymbol(symbol);
    if (!parts) return symbol;
    return `${moveNote(parts.root)}${parts.suffix}${parts.bass ? `/${moveNote(parts.bass)}` : ""}`;
  };
  const moveBar = (bar: BarInput): BarInput => {
    if (Array.isArray(bar)) return bar.map((s) => ({ ...s, chord: moveChord(s.chord) }));
    if (bar === "%") return bar;
    return bar.trim().split(/\s+/).map(moveChord).join(" ");
  };
  const rest = song.key.trim().slice(tonic.length);
  return {
    ...song,
    key: `${newTonic}${rest}`,
    sections: song.sections.map((s) => ({
      ...s,
      bars: s.bars.map(moveBar),
      ...(s.endings ? { endings: s.endings.map((e) => e.map(moveBar)) } : {}),
    })),
  };
}
