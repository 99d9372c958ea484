/**
 * Chord symbols from other charts, made into symbols the Song Map accepts (tonal's dialect):
 * iReal Pro's shorthand ("C^7", "D-7", "Bh7", "Fo7"), ChordPro's and MusicXML's. A symbol tonal
 * does not know is reduced to the nearest one it does (its root and basic quality) rather than
 * lost; the reduction is reported to the caller.
 */
import { isChordSymbol, NO_CHORD } from "@performia/protocol";
import { Chord } from "tonal";

/** Quality suffix rewrites, longest first: iReal and lead-sheet spellings to tonal's. */
const SUFFIXES: readonly [RegExp, string][] = [
  [/^-\^7?/, "mMaj7"],
  [/^\^$/, "maj7"],
  [/^\^/, "maj"],
  [/^h7?$/, "m7b5"],
  [/^h9$/, "m9b5"],
  [/^ø7?$/, "m7b5"],
  [/^o$/, "dim"],
  [/^o7$/, "dim7"],
  [/^-/, "m"],
  [/^mi(?!n)/, "m"],
  [/^min/, "m"],
  [/^\(maj7\)/, "Maj7"],
  [/^m\(maj7\)/, "mMaj7"],
  [/^sus$/, "sus4"],
  [/^7sus$/, "7sus4"],
];

/** Split "Bb7/D" into root "Bb", suffix "7" and bass "D" (null when there is no slash bass). */
export function splitSymbol(symbol: string): { root: string; suffix: string; bass: string | null } | null {
  const m = /^([A-G][#b]?)([^/]*)(?:\/([A-G][#b]?))?$/.exec(symbol.trim());
  if (!m) return null;
  return { root: m[1]!, suffix: m[2]!, bass: m[3] ?? null };
}

export interface NormalizedChord {
  /** A symbol the Song Map accepts, or "N.C.". */
  symbol: string;
  /** True when the original could not be kept as written and was reduced. */
  reduced: boolean;
}

/**
 * A chord symbol from another chart as a Song Map symbol.
 * @example normalizeChord("C^7") // => { symbol: "Cmaj7", reduced: false }
 * @example normalizeChord("Bh7/F") // => { symbol: "Bm7b5/F", reduced: false }
 */
export function normalizeChord(raw: string | null | undefined): NormalizedChord {
  if (raw === null || raw === undefined) return { symbol: NO_CHORD, reduced: false };
  const text = raw.trim().replace(/\s+/g, "");
  if (text === "" || /^(N\.?C\.?|n)$/i.test(text)) return { symbol: NO_CHORD, reduced: false };
  const parts = splitSymbol(text);
  if (!parts) return { symbol: NO_CHORD, reduced: true };
  let suffix = parts.suffix;
  for (const [from, to] of SUFFIXES) {
    if (from.test(suffix)) {
      suffix = suffix.replace(from, to);
      break;
    }
  }
  const bass = parts.bass ? `/${parts.bass}` : "";
  const full = `${parts.root}${suffix}${bass}`;
  if (isChordSymbol(full)) return { symbol: full, reduced: false };
  // Reduce: the basic quality the suffix starts with, then the bare root.
  const basic = /^(mMaj7|maj7|m7b5|dim7|dim|aug|m7|m6|m|7sus4|sus4|sus2|7|6|maj)/.exec(suffix)?.[1] ?? "";
  for (const candidate of [`${parts.root}${basic}${bass}`, `${parts.root}${basic}`, parts.root]) {
    if (isChordSymbol(candidate)) return { symbol: candidate, reduced: true };
  }
  return { symbol: NO_CHORD, reduced: true };
}

/** The root and quality of a symbol in tonal's terms (for tests and tools). */
export function chordType(symbol: string): string {
  return Chord.get(symbol).type;
}
