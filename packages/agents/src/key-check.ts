/**
 * The performer against the chart: when the key the analysis hears (with confidence) is the
 * chart's mode on another tonic, the performer is playing or singing in another key than the
 * Song Map's, and the band would clash; say by how much and how to transpose. Pure.
 */
import { Note } from "tonal";

export interface KeyCheck {
  /** Semitones from the chart's key to the performer's, in -6..+5 (0: the same key). */
  semitones: number;
  /** The performer's key as a Song Map key ("G", "F# minor"). */
  performerKey: string;
  /** For people: what was heard and what to do. */
  message: string;
}

const PC = (tonic: string): number | null => {
  const c = Note.chroma(tonic);
  return c === undefined || Number.isNaN(c) ? null : c;
};

/** "A", "A minor", "Bb major", "F#m" → tonic and mode. */
export function parseSongKey(key: string): { tonic: string; minor: boolean } | null {
  const m = /^\s*([A-Ga-g][#b]?)\s*(.*)$/.exec(key);
  if (!m) return null;
  const tonic = m[1]![0]!.toUpperCase() + m[1]!.slice(1);
  const rest = m[2]!.trim().toLowerCase();
  return { tonic, minor: rest === "m" || rest.startsWith("min") || rest === "-" };
}

/** The analysis's key label ("A:min", "C:maj") → tonic and mode. */
export function parseKeyLabel(label: string): { tonic: string; minor: boolean } | null {
  const m = /^([A-G][#b]?):(maj|min)$/.exec(label);
  return m ? { tonic: m[1]!, minor: m[2] === "min" } : null;
}

/**
 * Compare the heard key with the chart's. Null when they agree, when the modes differ (a
 * relative key is not a transposition), or when the label cannot be read.
 * @example checkKey("A", "G:maj")?.semitones // => -2
 */
export function checkKey(songKey: string, heardLabel: string): KeyCheck | null {
  const chart = parseSongKey(songKey);
  const heard = parseKeyLabel(heardLabel);
  if (!chart || !heard || chart.minor !== heard.minor) return null;
  const a = PC(chart.tonic);
  const b = PC(heard.tonic);
  if (a === null || b === null || a === b) return null;
  const up = (((b - a) % 12) + 12) % 12;
  const semitones = up > 5 ? up - 12 : up;
  const performerKey = `${heard.tonic}${heard.minor ? " minor" : ""}`;
  const size = Math.abs(semitones);
  const interval = ["", "a semitone", "a tone", "a minor third", "a major third", "a fourth", "a tritone"][
    size
  ]!;
  const message =
    `the performer is in ${performerKey}, ${interval} ${semitones < 0 ? "below" : "above"} the chart (${songKey}): ` +
    `transpose the chart ${semitones > 0 ? "+" : ""}${semitones} to play along`;
  return { semitones, performerKey, message };
}
